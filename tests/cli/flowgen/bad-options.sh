# Usage errors exit 2 with a clear message.
flowgen --duration 3x; echo "exit $?"
flowgen --scenario port-scam; echo "exit $?"
flowgen --flows 10 --rate 5; echo "exit $?"
flowgen --aws-format '${version} ${tgw-id}'; echo "exit $?"
flowgen --aws-format '${version} ${srcadr}'; echo "exit $?"
flowgen --log-version 6; echo "exit $?"
flowgen --s3 $WORK/b -O json; echo "exit $?"
printf 'webs 3\n' > $WORK/topo; flowgen --topology $WORK/topo 2>&1 | sed "s|$WORK|WORK|"; echo "exit ${PIPESTATUS[0]}"
