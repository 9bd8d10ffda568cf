# Parquet never goes to a terminal unless forced (script(1) gives flowcat a terminal), and a
# receiver cannot write it (a Parquet file is whole only with its footer).
script -qec "flowcat -O parquet samples/aws-docs/v2-ipv6.log" /dev/null | tr -d '\r'; echo "exit ${PIPESTATUS[0]}"
script -qec "flowcat -O parquet --force samples/aws-docs/v2-ipv6.log" /dev/null | head -c 4; echo; echo "exit ${PIPESTATUS[0]}"
flowcat --listen 127.0.0.1:0 -O parquet; echo "exit $?"
