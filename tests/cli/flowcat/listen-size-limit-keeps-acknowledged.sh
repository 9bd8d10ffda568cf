# --listen under a file-size limit (writes fail as on a full disk: EFBIG instead of ENOSPC): the
# request that does not fit is answered 500 and taken back out of the file, which holds exactly
# the records acknowledged before it; the receiver goes on (a small request still fits) and exits
# 1 at the end. -o FILE in AWS text and binary (each commit ends a binary stream), and -o DIR/.
. ../cli/net-helpers.bash
flowgen --flows 300 --seed 1 >$WORK/300.log
sed -n 1,2p $WORK/300.log >$WORK/1.log
for out in out.log out.flows hours/; do
  echo "-- -o $out"
  fmt=aws
  case $out in *.flows) fmt=bin ;; esac
  size=$(flowcat -O $fmt $WORK/300.log | wc -c)
  ulimit -S -f $((size * 7 / 2 / 1024)) # room for three requests, not four
  listen_start /dev/null $WORK/err -o $WORK/$out -O $fmt
  ulimit -S -f unlimited
  for body in 300 300 300 300 1; do
    post -o /dev/null --data-binary @$WORK/$body.log http://127.0.0.1:$PORT/
  done
  listen_stop
  no_port <$WORK/err | sed -e "s|$WORK/||g" -e 's/[0-9]\{8\}T[0-9][0-9]Z/YYYYMMDDTHHZ/'
  echo "records: $(flowcat --count $WORK/$out*)"
done
