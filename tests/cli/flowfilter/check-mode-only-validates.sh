# --check compiles the expression (and the policy) and reads no input.
flowfilter --check 'action == REJECT and dstport == ssh' /no/such/file; echo "exit $?"
flowfilter --check 'action == REJECT and dstport == shh' 2>&1; echo "exit $?"
flowfilter --check --policy policy/vpc.policy; echo "exit $?"
