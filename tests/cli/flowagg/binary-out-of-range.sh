# A binary file may hold any 64 bits; every reader holds numbers to one range (times from 0, a
# port at most 65535, ...). extreme-times.flows (tests/data/SOURCES.md) has a start of -2^63 + 1
# (record 2) and a port of 70000 (record 3) between good records: before, sum(duration)
# overflowed on record 2 (UBSan in rows.cpp) and flowstat failed with "vector::_M_default_append".
flowagg -a 'sum(duration),max(duration)' extreme-times.flows; echo "exit $?"
flowagg --on-error skip -a 'count,sum(duration),max(duration)' extreme-times.flows; echo "exit $?"
flowcat --on-error warn -O csv extreme-times.flows; echo "exit $?"
flowstat -O json extreme-times.flows; echo "exit $?"
flowstat --on-error skip extreme-times.flows | sed -n '/^Totals/,/^$/p'; echo "exit ${PIPESTATUS[0]}"
