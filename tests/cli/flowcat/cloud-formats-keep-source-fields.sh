# Source-specific fields ("gcp.", "azure.") survive every format of ours: binary, JSON, AWS text.
flowcat -O bin samples/otel-collector-contrib/gcp/vpc-flow-log-synthetic.json | flowcat -O json > $WORK/gcp.json
flowcat -O json samples/otel-collector-contrib/gcp/vpc-flow-log-synthetic.json | cmp - $WORK/gcp.json && echo "gcp: binary keeps every field"
flowcat --fields gcp.src-gke-details.pod.pod-name,gcp.dest-location.city -O csv $WORK/gcp.json
# Azure as AWS text, header of dotted names included, reads back to the same records.
flowcat samples/azure-docs/vnet-tutorial-2025-section.json > $WORK/azure.log
cat $WORK/azure.log
flowcat -O json $WORK/azure.log | flowcat -O bin | flowcat | cmp - $WORK/azure.log && echo "azure: AWS text round trip"
# AWS text cannot hold a space; JSON can.
flowcat samples/otel-collector-contrib/gcp/vpc-flow-log-synthetic.json
