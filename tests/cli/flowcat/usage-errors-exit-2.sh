flowcat --bogus; echo "exit $?"
flowcat -O xml; echo "exit $?"
flowcat --since yesterday samples/aws-docs/v2-ipv6.log; echo "exit $?"
flowcat --aws-format 'version SrcAddr' samples/aws-docs/v2-ipv6.log; echo "exit $?"
flowcat does-not-exist.log; echo "exit $?"
# A name one typo away from a choice is suggested.
flowcat -O jsno samples/aws-docs/v2-ipv6.log; echo "exit $?"
flowcat --on-error skp samples/aws-docs/v2-ipv6.log; echo "exit $?"
