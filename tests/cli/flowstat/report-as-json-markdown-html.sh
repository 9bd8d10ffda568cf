# For machines (JSON, schema flowstat/1), and pages to attach to a ticket (Markdown, HTML).
flowstat -O json --top 2 policy/flows.log | jq -S .
flowstat -O markdown --top 2 policy/flows.log | head -24
flowstat --top 2 --report "$WORK/r.html" -o "$WORK/r.txt" policy/flows.log
xmllint --noout "$WORK/r.html" && echo "html: well-formed (XML), $(grep -o '<svg' "$WORK/r.html" | wc -l) SVG charts, $(grep -c 'http' "$WORK/r.html") external references"
cmp "$WORK/r.txt" <(flowstat --top 2 policy/flows.log) && echo "-o: the same text"
