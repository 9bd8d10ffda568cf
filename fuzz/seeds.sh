#!/usr/bin/env bash
# Assembles the seed corpora of the fuzz targets from the repository's test data (nothing is
# duplicated in fuzz/): fuzz/seeds.sh OUT_DIR [FLOWCAT [FLOWAGG]]
#   OUT_DIR/<target>/   one directory per target (every fuzz/*.cpp defining LLVMFuzzerTestOneInput;
#                       a target without seeds of its own here starts from an empty directory)
# FLOWCAT (a built flowcat) converts the text samples to JSON Lines and binary seeds as well;
# FLOWAGG (a built flowagg) makes the --partial state files the partial target starts from.
set -euo pipefail
out=${1:?usage: fuzz/seeds.sh OUT_DIR [FLOWCAT [FLOWAGG]]}
flowcat=${2:-}
flowagg=${3:-}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/tests/data
mapfile -t targets < <(grep -l LLVMFuzzerTestOneInput "$root"/fuzz/*.cpp | xargs -n1 basename | sed 's/\.cpp$//' | sort)
for t in "${targets[@]}"; do mkdir -p "$out/$t"; done

n=0
seed() {  # seed TARGET NAME < content
  n=$((n + 1))
  cat > "$out/$1/$(printf '%03d' $n)-$2"
}

# AWS text: every text log, the golden file, the policy test flows.
mapfile -t logs < <(find "$data/samples" "$data/golden-v1.log" "$data/policy/flows.log" -type f -name '*.log' | sort)
for f in "${logs[@]}"; do seed aws_text "$(basename "$f")" < "$f"; done
# JSON: the JSON samples (single records, CloudWatch envelopes).
while IFS= read -r f; do seed json "$(basename "$f")" < "$f"; done < <(find "$data/samples" -type f -name '*.json' | sort)
# CSV: Athena's query results (every value quoted, underscore names), quoting, a widened column.
seed csv athena.csv < <(printf '"version","account_id","interface_id","srcaddr","dstaddr","srcport","dstport","protocol","packets","bytes","start","end","action","log_status","_col14"\r\n"2","123456789012","eni-1235b8ca123456789","172.31.16.139","172.31.16.21","20641","22","6","20","4249","1418530010","1418530070","ACCEPT","OK","a ""b"", c"\r\n"2","123456789012","eni-1235b8ca123456789","172.31.9.69","172.31.9.12","49761","3389","6","20","4249","1418530010","1418530070","REJECT","OK",\r\n')
seed csv columns.csv < <(printf 'srcaddr,records,conns,peer\n10.0.0.1,3,2,10.0.0.9\n10.0.0.2,4,007,"x\ny"\n')
# Conversations and stream joins: the flowjoin test data, each with a mode byte in front.
for f in "$data"/join/*.log "$data/policy/flows.log"; do
  for m in '\x05' '\x45' '\xc6'; do { printf "$m"; cat "$f"; } | seed join "$(basename "$f")"; done
done
# AWS config and credentials files, and the answers of the credential endpoints (aws_config).
for f in "$data"/aws/*; do seed aws_config "$(basename "$f")" < "$f"; done
# Binary: the golden binary file.
seed binary golden-v1.flows < "$data/golden-v1.flows"
# Parquet: the small files DuckDB wrote (GZIP, SNAPPY, ZSTD with v2 pages and DELTA encodings).
for f in "$data"/parquet/*.parquet; do seed parquet "$(basename "$f")" < "$f"; done
if [[ -n $flowcat ]]; then
  for f in "${logs[@]}"; do
    name=$(basename "$f" .log)
    "$flowcat" --on-error=skip -O json "$f" 2>/dev/null | seed json "$name.jsonl" || true
    "$flowcat" --on-error=skip -O bin "$f" 2>/dev/null | seed binary "$name.flows" || true
    "$flowcat" --on-error=skip -O csv "$f" 2>/dev/null | seed csv "$name.csv" || true
  done
fi
find "$out/json" "$out/binary" -type f -empty -delete

# Partial states (fuzz/partial.cpp): flowagg --partial over the policy test flows, with keys of
# every kind and every value kind between them.
if [[ -n $flowagg ]]; then
  flows=$data/policy/flows.log
  seed partial default.part < <("$flowagg" -k srcaddr --partial "$flows")
  seed partial numbers.part < <("$flowagg" -k srcaddr/24,dstaddr/120,start/1h \
    -a 'count,bytes,min(packets),max(packets),mean(bytes),p50(bytes),p99(duration),first,last' --partial "$flows")
  seed partial sets.part < <("$flowagg" -k srcaddr,dstaddr,dstport --bidir \
    -a 'count,distinct(srcport),approx-distinct(dstaddr),distinct(action)' --partial "$flows")
  seed partial spread.part < <("$flowagg" -k interface-id,start/1m -a count,bytes --spread --partial "$flows")
  seed partial strings.part < <("$flowagg" -k action,interface-id -a 'count,approx-distinct(srcport)' --partial "$flows" "$flows")
  seed partial conditions.part < <("$flowagg" -k addr/24,port \
    -a 'count,stddev(bytes),variance(packets),r=count(where action == REJECT),b=sum(bytes where dstport == 22)' --partial "$flows")
fi

# Decompression: the gzip samples (one member and concatenated members), plus gzip, zstd and
# plain versions of a few text samples.
while IFS= read -r f; do seed decompress "$(basename "$f")" < "$f"; done \
  < <(find "$data" -type f \( -name '*.gz' -o -name '*.bin' \) | sort)
for f in "$data/golden-v1.log" "$data/samples/aws-docs/v2-ipv6.log"; do
  gzip -9nc "$f" | seed decompress "$(basename "$f").gz"
  if command -v zstd >/dev/null; then zstd -q -c "$f" | seed decompress "$(basename "$f").zst"; fi
  seed decompress "$(basename "$f")" < "$f"
done
(gzip -nc "$data/golden-v1.log"; gzip -nc "$data/samples/aws-docs/v2-ipv6.log") | seed decompress multi-member.gz
if command -v zstd >/dev/null; then
  (zstd -q -c "$data/golden-v1.log"; zstd -q -c "$data/samples/aws-docs/v2-ipv6.log") | seed decompress multi-frame.zst
fi

# Tables (fuzz/table.cpp): the first byte picks the kind (0 key, 1 CIDR, 2 ip-ranges.json; +3
# for other looked-up fields), the rest is the table.
seed table key.csv < <(printf '\000'; printf 'interface-id,owner,cost-center,vpc-id\neni-1235b8ca123456789,"web, team",12,-\neni-1a2b3c4d,db,,vpc-1\n')
seed table key-crlf-bom.csv < <(printf '\003'; printf '\357\273\277dstport,service\r\n22,ssh\r\n"3389","rdp ""remote"""\r\n')
seed table key.jsonl < <(printf '\000'; printf '{"interface-id": "eni-1a2b3c4d", "tier": 2, "public": false, "note": null}\n{"interface-id": "eni-1235b8ca123456789", "ratio": 0.5}\n')
seed table cidr.csv < <(printf '\001'; printf 'cidr,zone,tier\n172.31.0.0/16,vpc,1\n172.31.16.0/20,web,2\n172.31.16.139,host,3\n2001:db8:1234::/48,v6,4\n0.0.0.0/0,internet,\n')
seed table cidr.jsonl < <(printf '\004'; printf '{"prefix": "10.0.0.0/8", "zone": "inside"}\n{"prefix": "::/0", "zone": "v6"}\n')
seed table ip-ranges.json < <(printf '\002'; cat "$data/aws-ip-ranges-excerpt.json")

# HTTP request heads (fuzz/http_head.cpp): what curl, Firehose and flowcat --post send, and a
# chunked body after a head.
seed http_head curl.http < <(printf 'POST /firehose HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\nContent-Length: 5\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nhello')
seed http_head firehose.http < <(printf 'POST / HTTP/1.1\r\nhost: example.com\r\nX-Amz-Firehose-Request-Id: ed4acda5-034f-9f42-bba1-f29aea6d7d8f\r\nX-Amz-Firehose-Access-Key: k3y\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nExpect: 100-continue\r\nConnection: keep-alive\r\nContent-Length: 2, 2\r\n\r\n{}')
seed http_head chunked.http < <(printf 'POST /in?x=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\nGET / HTTP/1.0\r\n\r\n')
seed http_head absolute.http < <(printf '\r\nGET http://h:1/p/q?r HTTP/1.0\nConnection: keep-alive\n\n')

# S3 ListObjectsV2 answers (fuzz/s3_list.cpp): a page with objects, entities and a continuation
# token, a delimited page with CommonPrefixes, and an error answer.
seed s3_list page.xml < <(printf '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>AWSLogs/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated><Contents><Key>AWSLogs/1/vpcflowlogs/r/2024/06/03/10/1_vpcflowlogs_r_fl-1_20240603T1005Z_ab.log.gz</Key><LastModified>2024-06-03T10:10:00.000Z</LastModified><ETag>&quot;0f&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents><Contents><Key>a&amp;b&#233;&#x41;</Key><Size>0</Size></Contents><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>')
seed s3_list prefixes.xml < <(printf '<ListBucketResult><Name>b</Name><Prefix>AWSLogs/</Prefix><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated><CommonPrefixes><Prefix>AWSLogs/aws-account-id=1/</Prefix></CommonPrefixes><CommonPrefixes><Prefix><![CDATA[x<y/]]></Prefix></CommonPrefixes></ListBucketResult>')
seed s3_list error.xml < <(printf '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message><RequestId>1</RequestId></Error>')

# Policies: the test policies, and the policies the CLI tests write with printf.
for f in "$data"/policy/*.policy; do seed policy "$(basename "$f")" < "$f"; done
# Filter expressions: the quoted expressions the flowfilter CLI tests and the README pass
# (`flowfilter ... 'EXPR'`, `-e 'EXPR'`), and the expression files they printf.
python3 - "$out" "$root" <<'PY'
import glob, os, re, sys
out, root = sys.argv[1], sys.argv[2]
exprs, policies = [], []
lines = []
for f in sorted(glob.glob(os.path.join(root, "tests/cli/flowfilter/*.sh"))):
    lines += open(f).read().splitlines()
lines += [l for l in open(os.path.join(root, "README.md")).read().splitlines() if l.startswith("flowfilter ")]
for line in lines:
    for m in re.finditer(r"printf '([^']*)' > \$WORK/[\w.-]+\.(expr|policy)", line):
        text = m.group(1).encode().decode("unicode_escape")
        (exprs if m.group(2) == "expr" else policies).append(text)
    if "flowfilter" in line:
        exprs += [q for q in re.findall(r"'([^']*)'", line) if not q.startswith(("|", "s|", "$", "{"))]
exprs += ["${srcaddr} == 10.0.0.1", "duration > 1m and bits-per-second >= 1Mi", "start >= now-1h",
          "start >= 2021-03-26T03:25:00Z", "srcaddr != pkt-srcaddr", "dstaddr in 2001:db8::/32",
          "protocol == tcp and dstport in 1024..65535", "log-status is null", "interface-id == eni-*"]
seen = set()
for i, e in enumerate(x for x in exprs if not (x in seen or seen.add(x))):
    open(os.path.join(out, "filter", f"expr-{i:03d}"), "w").write(e)
for i, p in enumerate(policies):
    open(os.path.join(out, "policy", f"cli-{i:03d}.policy"), "w").write(p)
PY
for t in "${targets[@]}"; do
  printf '%s: %s seeds\n' "$t" "$(find "$out/$t" -type f | wc -l)"
done
