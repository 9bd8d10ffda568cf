# action, log-status, flow-direction and type take only the values AWS documents (ACCEPT or
# REJECT, ...): any other is an error naming line and field, in AWS text and JSON alike, as a
# bad number is (`accept` and `MAYBE` used to pass without a word). '-' is null, as anywhere.
rec='2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 40 100 160 ACCEPT OK'
printf '%s\n' "$rec" "${rec/ACCEPT/accept}" "${rec/ACCEPT/MAYBE}" "${rec/ OK/ BOGUS}" "${rec/ACCEPT OK/- NODATA}" \
  | flowcat --no-header --on-error=warn; echo "exit $?"
printf '%s\n' '{"action":"REJECT","flow-direction":"ingress","type":"IPv6"}' '{"action":"accept"}' \
  '{"flow-direction":"in"}' '{"type":"ipv4"}' '{"action":1}' '{"action":null}' | flowcat -O csv --on-error=warn
echo "exit $?"
