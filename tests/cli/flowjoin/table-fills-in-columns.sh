# The interface table (key: interface-id, the column named like the field) adds instance-id,
# tier, service and owner; instance-id is a known field: where the record has none it is filled
# in, and eni-ccc (not in the table) gets nulls.
flowjoin --table interface-id=join/estate.csv -O table \
  --fields interface-id,srcaddr,dstaddr,instance-id,tier,service,owner join/flows.log
echo "== bytes per owner, each packet once"
flowjoin -q --dedup join/flows.log | flowjoin --table interface-id=join/estate.csv | flowagg -k owner -a count,bytes -O aws
