# -f reads the expression (comments allowed); @FILE reads a list of prefixes.
cat > $WORK/exfil.expr <<'X'
# Accepted traffic to a blocklisted address
action == ACCEPT
  and dstaddr in @policy/blocklist.txt   # either family
X
flowfilter -f $WORK/exfil.expr -O json policy/flows.log
flowfilter -c 'addr in @policy/blocklist.txt' policy/flows.log
