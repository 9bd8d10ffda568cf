# Version 5 fields as a table; a custom field list; JSON and CSV of the same records.
flowgen --flows 6 --log-version 5 --fields interface-id,srcaddr,dstaddr,tcp-flags,pkt-dstaddr,flow-direction,traffic-path -O table
flowgen --flows 4 --aws-format '${version} ${interface-id} ${srcaddr} ${dstport} ${tcp-flags} ${action}'
flowgen --flows 2 --log-version 3 -O json
flowgen --flows 2 -O csv
