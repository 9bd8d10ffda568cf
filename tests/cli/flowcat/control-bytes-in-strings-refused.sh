# A NUL or other control character inside a string field is refused, naming line and field
# (it used to be kept as data); --on-error=warn skips and counts the line.
cd "$WORK"
rec='2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 40 100 160 ACCEPT OK'
printf '%s\n%s\n%s\n' "$rec" "${rec/eni-1/eni-1$'\x01'x}" "$rec" > ctl.log
printf '2 123456789012 eni\0-1 10.0.0.1 10.0.0.2 40000 443 6 1 40 100 160 ACCEPT OK\n' >> ctl.log
flowcat --no-header ctl.log; echo "exit $?"
flowcat --no-header --on-error=warn ctl.log; echo "exit $?"
# JSON escapes one as \u0000: the same for the string fields we know.
printf '{"srcaddr":"10.0.0.1","interface-id":"eni-1\\u0000"}\n' | flowcat
