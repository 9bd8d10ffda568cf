# A report file must be .html or .md; bad input is a data error naming file and line.
flowstat --report out.pdf policy/flows.log; echo "exit $?"
printf 'version srcaddr bytes\n2 10.0.0.1 12x\n' | flowstat; echo "exit $?"
flowstat no-such-file.log; echo "exit $?"
# A report format one typo away is suggested.
flowstat -O markdwn samples/aws-docs/v2-ipv6.log; echo "exit $?"
