# --listen -o DIR/: hourly files named by the UTC hour, renamed into place on SIGTERM; a file of the
# same hour from an earlier run is kept (the next gets -1).
. ../cli/net-helpers.bash
for run in 1 2; do
  listen_start /dev/null $WORK/err -o $WORK/hours/ -O json
  curl -sS --max-time 20 -o /dev/null --data-binary @samples/aws-docs/v2-default-accept-reject.log http://127.0.0.1:$PORT/
  listen_stop
done
ls $WORK/hours | sed 's/[0-9]\{8\}T[0-9][0-9]Z/YYYYMMDDTHHZ/'
cat $WORK/hours/* | wc -l
