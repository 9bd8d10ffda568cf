# A Float column (flowcat --set, through the binary format) in flowagg: a key is grouped by its
# text, distinct counts its values, and a sum over it is refused (not read as a wrong number).
flowcat --set 'bpp=round(bytes / packets / 10)' -O bin policy/flows.log > $WORK/f.flows
flowagg -k bpp -a 'count,distinct(bpp)' $WORK/f.flows
flowagg -k dstport -a 'sum(bpp)' < $WORK/f.flows; echo "exit $?"
