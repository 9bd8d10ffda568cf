# What `aws logs filter-log-events` and `get-log-events` print is read as flow logs, found by
# content: one document, or pages one after another as a --next-token loop writes them (the
# last page empty). A bad message names the file, the line its page starts on and the event.
fields=start,interface-id,srcaddr,dstaddr,dstport,action,log-status
echo "== filter-log-events"
flowcat -O table --fields $fields samples/derived/cwl-filter-log-events.json
echo "== get-log-events, three pages, from a pipe"
flowcat --no-header --fields $fields <samples/derived/cwl-get-log-events-pages.json
echo "== one page a line, keys sorted (jq -cS)"
printf '%s\n' '{"events":[{"message":"2 1 eni-1 10.0.0.1 10.0.0.2 5 443 6 1 40 1700000000 1700000060 ACCEPT OK"}],"nextBackwardToken":"b/1","nextForwardToken":"f/2"}' \
  '{"events":[{"message":"2 1 eni-1 10.0.0.2 10.0.0.1 443 5 6 1 60 1700000000 1700000060 ACCEPT OK"}],"nextBackwardToken":"b/2","nextForwardToken":"f/3"}' |
  flowcat --no-header
echo "== --aws-format"
printf '{"events":[{"message":"2 eni-1 10.0.0.1 10.0.0.2"}]}\n' | flowcat --aws-format 'version interface-id srcaddr dstaddr' -O json
echo "== a bad message"
sed 's/"2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1/"2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 x/' \
  samples/derived/cwl-get-log-events-pages.json >"$WORK/pages.json"
(cd "$WORK" && flowcat pages.json); echo "exit $?"
(cd "$WORK" && flowcat --on-error=skip --no-header pages.json); echo "exit $?"
