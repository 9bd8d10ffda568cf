# The sources sending the most bytes, as AWS text (the default off a terminal), a table and JSON.
flowagg -k srcaddr --top 3 policy/flows.log
flowagg -k srcaddr,dstport -a count,bytes,p50=p50\(bytes\) --by records -O table policy/flows.log
flowagg -k action -a 'count,distinct(interface-id),first,last' -O json policy/flows.log
