# Arithmetic mistakes point at their place.
flowfilter 'srcaddr * 2 > 1' policy/flows.log; echo "exit $?"
flowfilter 'log(bytes, 2) > 1' policy/flows.log; echo "exit $?"
flowfilter 'bytes / > 1' policy/flows.log; echo "exit $?"
flowfilter 'bytes / packets in {1, 2}' policy/flows.log; echo "exit $?"
