# For machines (JSON, schema flowstat/1), and pages to attach to a ticket (Markdown, HTML).
flowstat -O json --top 2 policy/flows.log | jq -S .
flowstat -O markdown --top 2 policy/flows.log | head -24
flowstat --top 2 --report "$WORK/r.html" -o "$WORK/r.txt" policy/flows.log
xmllint --noout "$WORK/r.html" && echo "html: well-formed (XML), $(grep -o '<svg' "$WORK/r.html" | wc -l) SVG charts, $(grep -c 'http' "$WORK/r.html") external references"
cmp "$WORK/r.txt" <(flowstat --top 2 policy/flows.log) && echo "-o: the same text"
# For people, protocols by name (as flowfilter takes them); rejected ports have no bytes column.
flowstat -O markdown --top 2 policy/flows.log | sed -n '/^## Protocols/,/^## Distribution/p;/^## Rejected destination ports/,$p'
grep -o '<h2>Rejected destination ports</h2><table><tr>.*</table>' "$WORK/r.html" | sed 's/<svg[^>]*><rect width="\([0-9.]*\)"[^<]*<\/svg>/[bar \1]/g'
