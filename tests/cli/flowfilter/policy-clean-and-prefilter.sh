# No violation: exit 0. -e narrows the records checked (here: the web tier's interface only).
cd policy
flowfilter --policy vpc.policy -e 'interface-id == eni-web' -q flows.log; echo "exit $?"
flowfilter --policy vpc.policy -e 'interface-id == eni-web' flows.log; echo "exit $?"
