# --merge of 3,000 small inputs reads a bounded number of them at once (--memory / 8 MiB) and
# merges the rest in passes through scratch files: peak RSS stays under 100 MB (reading every
# input at once took 1 MiB each, 3 GB), and the order is a stable sort by start, ties in input
# order. In passes (--memory 16Mi: two inputs at once) a merge of mixed inputs (formats, header
# lines, ties, records without a start) gives the bytes of one pass.
[ -x /usr/bin/time ] || { echo "needs GNU time for the peak RSS (apt-get install time)" >&2; exit 77; }
flowgen --flows 6000 --seed 4 --duration 10m -o $WORK/all.log
mkdir $WORK/in $WORK/tmp
# Records in start order dealt round-robin: input k holds records k and k + 3000, in order.
{ head -1 $WORK/all.log; tail -n +2 $WORK/all.log | sort -s -n -k11,11; } >$WORK/sorted.log
awk -v dir=$WORK/in 'NR == 1 { h = $0; next }
  { k = (NR - 2) % 3000; f = sprintf("%s/%04d.log", dir, k)
    if (NR - 2 < 3000) print h >f; else print >>f; if (NR - 2 < 3000) print >>f; close(f) }' $WORK/sorted.log
/usr/bin/time -f %M -o $WORK/rss flowcat --merge --tmpdir $WORK/tmp $WORK/in/* >$WORK/merged
echo "exit $?"
# Under AddressSanitizer (scripts/sanitize.sh) its shadow memory and quarantine come on top: a
# looser bound there, which still catches 1 MiB an input (3 GB).
limit=100000
[ -z "${ASAN_OPTIONS:-}" ] || limit=400000
[ "$(cat $WORK/rss)" -lt $limit ] && echo "peak RSS within the bound (100 MB; 400 MB under ASan)" || echo "peak RSS $(cat $WORK/rss) KB"
# Expected: by start, then input, then place in the input.
tail -n +2 $WORK/sorted.log | awk '{ print $11, (NR - 1) % 3000, int((NR - 1) / 3000), $0 }' |
  sort -s -n -k1,1 -k2,2 -k3,3 | cut -d' ' -f4- >$WORK/expected
tail -n +2 $WORK/merged | cmp - $WORK/expected && echo "3000 inputs: start order, ties in input order"
ls $WORK/tmp | wc -l

# 30 inputs of 6 records dealt round-robin from the first 180, in many shapes.
mkdir $WORK/mixed
head -181 $WORK/sorted.log >$WORK/head.log
few=version,srcaddr,dstaddr,dstport,start,action
for i in $(seq 10 39); do
  awk -v k=$i 'NR == 1 || (NR - 2) % 30 == k - 10' $WORK/head.log >$WORK/slice
  case $((i % 6)) in
    0) flowcat --fields $few $WORK/slice >$WORK/mixed/$i.log ;;
    1) flowcat -O json $WORK/slice >$WORK/mixed/$i.json ;;
    2) flowcat -O bin $WORK/slice -o $WORK/mixed/$i.flows ;;
    3) gzip <$WORK/slice >$WORK/mixed/$i.log.gz ;;
    4) { head -4 $WORK/slice; flowcat --fields $few $WORK/slice | sed -n '1p;5,$p'; } >$WORK/mixed/$i.log ;;
    5) awk 'NR == 3 { $11 = "-" } 1' $WORK/slice >$WORK/mixed/$i.log ;; # no start: sorts first
  esac
done
flowcat --merge $WORK/mixed/* >$WORK/one
for memory in 16Mi 24Mi 40Mi; do
  flowcat --merge --memory $memory --tmpdir $WORK/tmp $WORK/mixed/* | cmp - $WORK/one && echo "--memory $memory: the same"
done
grep -c '^version' $WORK/one
ls $WORK/tmp | wc -l
