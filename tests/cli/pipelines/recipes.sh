# The README's recipes (## Recipes), each one pipeline of our tools (no awk, jq or sed), run on
# generated data; the last is checked against flowgen's ground truth too.
set -u
cd "$WORK"
flowgen --seed 4 --duration 2h --rate 2 --scenario all --estate estate.csv -o flows.log 2>/dev/null

echo "== connection success rate per service per hour (lowest first)"
flowjoin --stitch flows.log 2>/dev/null |
  flowagg -k dstaddr,dstport,start/1h -a 'attempts=count,answered=count(where ${rev-packets} > 0)' \
    --set 'success=answered / attempts' --having 'attempts >= 20' --by success --asc --top 5
echo "exit ${PIPESTATUS[*]}"

echo "== deny ratio per destination subnet per hour"
flowagg -k dstaddr/24,start/1h -a 'count,rejected=count(where action == REJECT)' \
  --set 'deny-ratio=rejected / records' --by deny-ratio --top 5 flows.log
echo "exit $?"

echo "== internet egress bytes and cost per owning team"
flowjoin --table interface-id=estate.csv flows.log |
  flowfilter 'srcaddr in 10.0.0.0/8 and dstaddr not in {10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16}' |
  flowagg -k owner -a bytes --set 'usd=bytes / 1G * 0.09'
echo "exit ${PIPESTATUS[*]}"

echo "== bandwidth between two hosts per minute, spread over the minutes"
flowfilter 'addr == 10.0.16.11 and addr == 10.0.1.10' flows.log |
  flowagg -k start/1m -a bytes --spread --fill --set 'mbps=bytes * 8 / 60 / 1M' --top 5 --by bytes
echo "exit ${PIPESTATUS[*]}"

echo "== hosts whose bytes today are more than 3 standard deviations above their baseline"
flowgen --seed 5 --duration 3d --rate 1 -o past.log 2>/dev/null
flowgen --seed 6 --start 2024-06-06T00:00:00Z --duration 1d --rate 1 --scenario exfiltration \
  --truth truth.json -o today.log 2>/dev/null
flowagg -w 'log-status == OK' -k srcaddr,start/1d -a bytes past.log |
  flowagg -k srcaddr -a 'mean(bytes),stddev(bytes)' -O csv -o baseline.csv
flowagg -k srcaddr -a bytes today.log | flowjoin --table srcaddr=baseline.csv |
  flowfilter 'bytes > ${mean-bytes} + 3 * ${stddev-bytes}' | tee found.log
echo "exit ${PIPESTATUS[*]}"
# The ground truth's exfiltration source is among them.
source=$(grep -o '"sources":\["[0-9.]*"' truth.json | cut -d'"' -f4)
flowfilter -c "srcaddr == $source" found.log
