# An interrupted --post says what became of the records, in the line a failed post gives: 350
# records read (300 of them delivered in three requests, 50 waiting for a fourth while the input
# stays open), then SIGTERM or SIGINT. The counts add up to what was read, the receiver holds at
# least those said delivered and at most those read, and flowcat dies of the signal (143, 130).
. ../cli/net-helpers.bash
flowgen --flows 350 --seed 3 -o $WORK/in.log
listen_start $WORK/out $WORK/err
mkfifo $WORK/fifo
received() { grep -vc '^version' $WORK/out; }
for sig in TERM INT; do
  echo "== SIG$sig"
  flowcat --post http://127.0.0.1:$PORT/in --batch-records 100 <$WORK/fifo 2>$WORK/post.err &
  pid=$!
  exec 3>$WORK/fifo # the input stays open after the records
  cat $WORK/in.log >&3
  before=$(received)
  for _ in $(seq 400); do
    [ $(($(received) - before)) -ge 300 ] && break
    sleep 0.05
  done
  sleep 0.5 # the answer to the third request arrives
  kill -$sig $pid
  wait $pid
  echo "sender: exit $?"
  exec 3>&-
  sed -E 's/[0-9]+ records delivered, [0-9]+ not delivered/D records delivered, U not delivered/' $WORK/post.err | no_port
  d=$(sed -nE 's/.* ([0-9]+) records delivered.*/\1/p' $WORK/post.err)
  u=$(sed -nE 's/.* ([0-9]+) not delivered.*/\1/p' $WORK/post.err)
  r=$(($(received) - before))
  [ "$((d + u))" = 350 ] && echo "delivered + not delivered = the 350 records read"
  [ "$d" -le "$r" ] && [ "$r" -le "$((d + u))" ] && echo "received: at least those delivered, at most those read"
done
listen_stop
