# Either-side keys: a record grouped under its source and under its destination (once when both
# are the same), checked against a two-pass computation in Python; addr,port pair the endpoints.
flowgen --seed 10 --duration 20m --scenario all -o "$WORK/f.log"
flowcat -O bin "$WORK/f.log" -o "$WORK/f.flows"
flowagg -k addr/24 -a count,bytes --no-header "$WORK/f.log" | sort > "$WORK/one"
flowagg -k addr/24,port -a count,bytes --no-header "$WORK/f.log" | sort > "$WORK/two"
flowcat --fields srcaddr,dstaddr,srcport,dstport,bytes --no-header "$WORK/f.log" | python3 -c '
import sys, ipaddress
one, two = {}, {}
def net(a):
    if a == "-": return "-"
    ip = ipaddress.ip_address(a)
    return str(ipaddress.ip_network(f"{a}/{24 if ip.version == 4 else 24}", strict=False).network_address)
def add(groups, key, b):
    n, s = groups.get(key, (0, None))
    groups[key] = (n + 1, s if b == "-" else (s or 0) + int(b))
for line in sys.stdin:
    sa, da, sp, dp, b = line.split()
    for k in {net(sa), net(da)}: add(one, k, b)
    for k in {(net(sa), sp), (net(da), dp)}: add(two, k, b)
def show(s): return "-" if s is None else str(s)
with open(sys.argv[1], "w") as f:
    for k, (n, s) in one.items(): print(k, n, show(s), file=f)
with open(sys.argv[2], "w") as f:
    for (a, p), (n, s) in two.items(): print(a, p, n, show(s), file=f)
' "$WORK/py-one" "$WORK/py-two"
cmp "$WORK/one" <(sort "$WORK/py-one") && echo "addr/24 = sources and destinations, two passes: $(wc -l < "$WORK/one") groups"
cmp "$WORK/two" <(sort "$WORK/py-two") && echo "addr/24,port = endpoints, two passes: $(wc -l < "$WORK/two") groups"
echo '# the busiest hosts either side (each flow counted at both of its ends)'
flowagg -k addr -a count,bytes --top 3 -O table "$WORK/f.flows"
spec=(-k addr/24,port -a 'count,bytes,r=count(where action == REJECT)')
flowagg "${spec[@]}" "$WORK/f.log" > "$WORK/ref"
for f in f.log f.flows; do
  for t in 1 2 3; do cmp "$WORK/ref" <(flowagg --threads $t "${spec[@]}" "$WORK/$f") && echo "$f, $t threads: same answer"; done
done
cmp "$WORK/ref" <(flowagg --memory 16k "${spec[@]}" "$WORK/f.log") && echo "spilled: same answer"
flowagg "${spec[@]}" --partial -o "$WORK/s" "$WORK/f.flows" && cmp "$WORK/ref" <(flowagg --merge "$WORK/s") && echo "partial, merged: same answer"
echo "# regrouped: the output has an addr column, which the next call groups by"
flowagg -k addr/24 -a count -O bin "$WORK/f.log" | flowagg -k addr/16 -a count | head -3
flowagg -k addr --bidir "$WORK/f.log"; echo "exit $?"
