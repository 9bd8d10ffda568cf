# GCP logs a flow at both ends (SRC and DEST reports) when both subnets log: read once by
# default, with a warning that counts what was left out; --gcp-both-ends keeps both.
entry() {  # reporter start end
  printf '{"jsonPayload":{"connection":{"src_ip":"10.0.0.1","dest_ip":"10.0.0.2","src_port":40000,"dest_port":443,"protocol":6},"reporter":"%s","start_time":"%s","end_time":"%s","bytes_sent":"1000","packets_sent":"4"}}\n' "$@"
}
{
  entry SRC 2025-01-01T00:00:00.10Z 2025-01-01T00:00:04.90Z
  entry DEST 2025-01-01T00:00:00.12Z 2025-01-01T00:00:04.93Z
  entry SRC 2025-01-01T00:00:05.10Z 2025-01-01T00:00:09.90Z
} > $WORK/both.json
cd $WORK
flowcat -O csv --fields start,srcaddr,dstaddr,bytes,gcp.reporter both.json
flowcat --gcp-both-ends -O csv --fields start,srcaddr,dstaddr,bytes,gcp.reporter both.json
