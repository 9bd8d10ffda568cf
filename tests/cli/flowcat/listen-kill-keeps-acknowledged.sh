# SIGKILL after requests were answered 200 (a crash, the OOM killer): every acknowledged record is
# in the output, which reads as it is (-o FILE in AWS text and binary; -o DIR/ in NAME.part). A
# second receiver on the same output is refused. The next run cuts off what a kill in the middle
# of a write leaves (the start of a record), appends to FILE or renames the .part file into
# place, and goes on.
. ../cli/net-helpers.bash
flowgen --flows 100 --seed 3 >$WORK/body.log
flowcat -O bin $WORK/body.log -o $WORK/body.flows
for out in out.log out.flows hours/; do
  echo "-- -o $out"
  fmt=aws torn=$WORK/body.log
  case $out in *.flows) fmt=bin torn=$WORK/body.flows ;; esac
  listen_start /dev/null $WORK/err -o $WORK/$out -O $fmt
  for i in 1 2 3; do post -o /dev/null --data-binary @$WORK/body.log http://127.0.0.1:$PORT/; done
  timeout 10 flowcat --listen 127.0.0.1:0 -o $WORK/$out -O $fmt 2>&1 | sed "s|$WORK/||g"
  echo "second receiver: exit ${PIPESTATUS[0]}"
  listen_kill
  left=$WORK/$out
  [ -d $left ] && left=$(echo $WORK/$out*.part)
  echo "left: ${left#$WORK/}" | sed 's/[0-9]\{8\}T[0-9][0-9]Z/YYYYMMDDTHHZ/'
  echo "records: $(flowcat --count $left)"
  head -c 40 $torn >>$left
  listen_start /dev/null $WORK/err -o $WORK/$out -O $fmt
  post -o /dev/null --data-binary @$WORK/body.log http://127.0.0.1:$PORT/
  listen_stop
  no_port <$WORK/err | sed -e "s|$WORK/||g" -e 's/[0-9]\{8\}T[0-9][0-9]Z/YYYYMMDDTHHZ/g'
  ls $WORK/$out | sed -e "s|$WORK/||" -e 's/[0-9]\{8\}T[0-9][0-9]Z/YYYYMMDDTHHZ/'
  echo "records: $(flowcat --count $WORK/$out*)"
done
