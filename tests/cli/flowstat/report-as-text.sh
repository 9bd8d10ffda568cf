# The report for a person: ASCII bars in the C locale, block characters in a UTF-8 one.
flowstat policy/flows.log
echo '# UTF-8, top 2'
LC_ALL=C.UTF-8 flowstat --top 2 policy/flows.log | sed -n '1,12p;/Traffic over time/,+2p'
