# --set adds Float columns (shortest round-trip, whole numbers without ".0", null as -) that a
# later --set, --fields and the next tool can name; they round-trip through the binary format.
flowcat --set 'bpp=bytes / packets' --set 'kb=round(bytes / 1K * 10) / 10' --set 'z=bytes / (packets - 10)' \
  --fields srcaddr,bytes,packets,bpp,kb,z policy/flows.log | head -4
flowcat --set 'bpp=bytes / packets' -O bin policy/flows.log > $WORK/s.flows
flowcat --fields bpp -O json $WORK/s.flows | head -2
flowcat --fields bpp -O csv $WORK/s.flows | head -2
flowfilter -c '${bpp} >= 100' $WORK/s.flows
flowcat --set 'bpp=${bpp} * 2' --fields bpp $WORK/s.flows | head -2
flowcat --set 'bytes=packets * 2' policy/flows.log; echo "exit $?"
flowcat --set 'bpp=bytes /' policy/flows.log; echo "exit $?"
