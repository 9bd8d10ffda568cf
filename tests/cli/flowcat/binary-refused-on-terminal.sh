# Binary never goes to a terminal unless forced (script(1) gives flowcat a terminal).
script -qec "flowcat -O bin samples/aws-docs/v2-ipv6.log" /dev/null | tr -d '\r'; echo "exit ${PIPESTATUS[0]}"
script -qec "flowcat -O bin --force samples/aws-docs/v2-ipv6.log" /dev/null | head -c 7; echo; echo "exit ${PIPESTATUS[0]}"
