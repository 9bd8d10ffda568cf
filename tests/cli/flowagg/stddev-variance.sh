# stddev and variance (population) per group against Python's statistics.pstdev and pvariance of
# the same records, rounded halves up; equal through threads, spills and --partial/--merge.
flowgen --seed 9 --duration 20m --scenario all -o "$WORK/f.log"
flowcat -O bin "$WORK/f.log" -o "$WORK/f.flows"
spec=(-k dstport -a 'count,mean(bytes),variance(bytes),stddev(bytes),stddev(packets)' --no-header)
flowagg "${spec[@]}" "$WORK/f.log" > "$WORK/one"
flowcat --fields dstport,bytes,packets --no-header "$WORK/f.log" | python3 -c '
import sys, statistics, math
from fractions import Fraction
groups = {}
for line in sys.stdin:
    port, b, p = line.split()
    groups.setdefault(port, []).append((b, p))
def key(k): return (-1,) if k == "-" else (int(k),)
def rnd(x): return math.floor(Fraction(x) + Fraction(1, 2))
def show(xs, f):
    xs = [int(x) for x in xs if x != "-"]
    return str(rnd(f(xs))) if xs else "-"
for port in sorted(groups, key=key):
    rows = groups[port]
    b = [r[0] for r in rows]
    p = [r[1] for r in rows]
    print(port, len(rows), show(b, statistics.mean), show(b, statistics.pvariance), show(b, statistics.pstdev), show(p, statistics.pstdev))
' > "$WORK/python"
cmp "$WORK/one" "$WORK/python" && echo "flowagg = statistics.pstdev/pvariance: $(wc -l < "$WORK/one") groups"
head -3 "$WORK/one"
for f in f.log f.flows; do
  for t in 1 2 3; do cmp "$WORK/one" <(flowagg --threads $t "${spec[@]}" "$WORK/$f") && echo "$f, $t threads: same answer"; done
done
cmp "$WORK/one" <(flowagg --memory 8k "${spec[@]}" "$WORK/f.log") && echo "spilled: same answer"
head -1 "$WORK/f.log" > "$WORK/h"
tail -n +2 "$WORK/f.log" > "$WORK/body"
split -n l/3 "$WORK/body" "$WORK/part."
for p in "$WORK"/part.a?; do cat "$WORK/h" "$p" | flowagg "${spec[@]}" --partial -o "$p.state"; done
cmp "$WORK/one" <(flowagg --merge --no-header "$WORK"/part.a?.state) && echo "merged partials: same answer"
