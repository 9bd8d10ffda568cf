# A mistake in a policy (or a file it includes) names the file and line, exit 2.
printf 'include "base.policy"\nallow web-in: internet -> web tcp/80\nallow db-out: db -> internet tcp/80-\n' > $WORK/bad.policy
cp policy/base.policy $WORK/
flowfilter --policy $WORK/bad.policy policy/flows.log 2>&1 | sed "s|$WORK/||g"; echo "exit ${PIPESTATUS[0]}"
flowfilter --policy policy/vpc.policy --report junit policy/flows.log; echo "exit $?"
flowfilter --report github 'true' policy/flows.log; echo "exit $?"
flowfilter --policy policy/vpc.policy -c policy/flows.log; echo "exit $?"
