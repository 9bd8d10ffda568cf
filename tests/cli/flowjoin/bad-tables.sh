# A table that does not read is an error naming its file, line and column (exit 1); a lookup
# spec that is not FIELD=FILE is a usage error (exit 2).
flowjoin --table interface-id=join/bad.csv join/flows.log; echo "exit $?"
flowjoin --cidr srcaddr=join/estate.csv join/flows.log; echo "exit $?"
flowjoin --table join/estate.csv join/flows.log; echo "exit $?"
flowjoin --cidr srcport=join/subnets.csv join/flows.log; echo "exit $?"
flowjoin --table interface-id=join/none.csv join/flows.log; echo "exit $?"
