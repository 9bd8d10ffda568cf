# --unique drops records equal in every field to one before (an S3 object read twice) and says
# how many; alone in input order (a hash set), with --sort by neighbours (also spilled). A record
# that differs in one field only is kept. The count is of whole records, before --fields.
flowgen --flows 200 --seed 2 --duration 10m -o $WORK/a.log
flowgen --flows 100 --seed 9 --duration 10m -o $WORK/b.log
# One line of b differs from a line of a in its bytes only.
{ head -1 $WORK/b.log; sed -n 2p $WORK/a.log | awk '{ $10 = $10 + 1 } 1'; } >$WORK/c.log
flowcat --unique $WORK/a.log $WORK/b.log $WORK/a.log $WORK/c.log $WORK/b.log >$WORK/out
flowcat $WORK/a.log $WORK/b.log $WORK/c.log | cmp - $WORK/out && echo "alone: the first of each, in input order"
flowcat --sort start $WORK/a.log $WORK/b.log $WORK/c.log >$WORK/sorted
flowcat --unique --sort start $WORK/a.log $WORK/b.log $WORK/a.log $WORK/c.log $WORK/b.log | sort >$WORK/s1
sort $WORK/sorted | cmp - $WORK/s1 && echo "with --sort: the same records"
flowcat --unique --sort start --memory 64Ki $WORK/a.log $WORK/b.log $WORK/a.log $WORK/c.log $WORK/b.log 2>/dev/null |
  tail -n +2 | awk '{ print $11 }' | sort -c -n && echo "with --sort, spilled: in start order"
flowcat --unique --sort start --memory 64Ki $WORK/a.log $WORK/b.log $WORK/a.log $WORK/c.log $WORK/b.log 2>/dev/null |
  sort | cmp - $WORK/s1 && echo "with --sort, spilled: the same records"
flowcat --unique --count $WORK/a.log $WORK/a.log
flowcat --unique --fields srcaddr $WORK/a.log $WORK/a.log | wc -l
flowcat -q --unique $WORK/a.log $WORK/a.log | wc -l
