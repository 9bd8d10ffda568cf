# Contradictions and omissions are usage errors (exit 2) that say what to give.
flowjoin join/flows.log; echo "exit $?"
flowjoin --stitch --dedup join/flows.log; echo "exit $?"
flowjoin --with join/instances.log join/flows.log; echo "exit $?"
flowjoin --on srcaddr --stitch join/flows.log; echo "exit $?"
flowjoin --with join/instances.log --on 'srcaddr,,x' join/flows.log; echo "exit $?"
flowjoin --stitch --idle 0 join/flows.log; echo "exit $?"
flowjoin --with join/instances.log --on srcaddr --join outer join/flows.log; echo "exit $?"
flowjoin --with join/missing.log --on srcaddr join/flows.log; echo "exit $?"
# Names one typo away are suggested: a key that cannot be a field name, one in neither input.
flowjoin --with join/instances.log --on dst_port join/flows.log; echo "exit $?"
flowjoin --with join/instances.log --on dstprot join/flows.log; echo "exit $?"
flowjoin --with join/instances.log --on srcaddr=scraddr join/flows.log; echo "exit $?"
flowjoin --with join/instances.log --on srcaddr --join iner join/flows.log; echo "exit $?"
