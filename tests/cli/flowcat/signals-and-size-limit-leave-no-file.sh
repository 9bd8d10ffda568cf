# A write that fails (here: a file-size limit, as a full disk would) exits 1 and leaves neither
# the target nor a temporary file; SIGTERM, SIGINT, SIGHUP and SIGQUIT leave no temporary file.
flowgen --flows 3000 -O json -o $WORK/in.json
mkdir $WORK/out
(ulimit -f 64; flowcat -O json $WORK/in.json -o $WORK/out/big.json) 2>&1 | sed "s|$WORK/||g"
echo "exit ${PIPESTATUS[0]}"
echo "left in out/: $(ls $WORK/out | wc -l)"
ulimit -c 0  # SIGQUIT would dump core here
for sig in TERM INT HUP QUIT; do
  mkfifo $WORK/fifo
  flowcat -o $WORK/out/f.log $WORK/fifo &
  pid=$!
  exec 3>$WORK/fifo                      # the writer keeps flowcat waiting for more input
  head -3 samples/aws-docs/v2-default-accept-reject.log >&3
  for i in $(seq 50); do ls $WORK/out | grep -q . && break; sleep 0.1; done
  before=$(ls $WORK/out | wc -l)
  kill -$sig $pid
  wait $pid 2>/dev/null
  code=$?
  exec 3>&-
  rm $WORK/fifo
  echo "SIG$sig: exit $code"
  echo "SIG$sig: temporary files before $before, after $(ls $WORK/out | wc -l)"
done
