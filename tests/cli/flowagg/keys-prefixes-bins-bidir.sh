# Address prefixes, time bins aligned to UTC, and both directions of a conversation in one group.
flowagg -k srcaddr/16 -a count policy/flows.log
flowagg -k start/1m -a count,bytes policy/flows.log
echo '# without --bidir, a conversation is two groups (four records: two interfaces saw it)'
flowagg -k srcaddr,dstaddr,dstport -w 'dstport == 8080 or srcport == 8080' policy/flows.log
echo '# with --bidir, one: client first, service port'
flowagg -k srcaddr,dstaddr,dstport --bidir -w 'dstport == 8080 or srcport == 8080' policy/flows.log
