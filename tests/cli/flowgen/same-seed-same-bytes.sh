# The same seed and options give the same bytes in every format; another seed does not.
for f in aws json bin; do
  a=$(flowgen --flows 5000 --scenario all --log-version 5 -O $f | md5sum)
  b=$(flowgen --flows 5000 --scenario all --log-version 5 -O $f | md5sum)
  [ "$a" = "$b" ] && echo "$f: same" || echo "$f: DIFFERENT"
done
[ "$(flowgen --flows 100 | md5sum)" != "$(flowgen --flows 100 --seed 2 | md5sum)" ] && echo "seed 2: different"
# Binary read back gives the text flowgen writes.
flowgen --flows 3000 -O bin | flowcat | cmp - <(flowgen --flows 3000) && echo "bin round trip: identical"
flowgen --flows 3000 -O bin | flowcat --count
