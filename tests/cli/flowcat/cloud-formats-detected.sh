# GCP, Azure and AWS envelope inputs are recognised by content and mapped onto our fields.
fields=start,srcaddr,srcport,dstaddr,dstport,protocol,packets,bytes,action,flow-direction
echo "== GCP (Cloud Logging LogEntry)"
flowcat -O table --fields $fields,gcp.reporter samples/otel-collector-contrib/gcp/*.json
echo "== Azure NSG version 2"
flowcat -O table --fields $fields,azure.flow-state,azure.counters,azure.rule samples/azure-docs/nsg-v2-doc-sample.json
echo "== Azure VNet (milliseconds)"
flowcat -O csv --fields $fields,azure.flow-state,azure.encryption samples/azure-docs/vnet-doc-sample.json | head -4
echo "== CloudWatch Logs: Lambda event, Kinesis base64"
flowcat --no-header samples/derived/cwl-lambda-event.json samples/derived/cwl-kinesis-record-data.b64
echo "== Firehose members: a VPC envelope, a health check, a Transit Gateway envelope in a custom format"
flowcat --on-error=skip --no-header samples/derived/cwl-firehose-concatenated-gzip-members.bin
