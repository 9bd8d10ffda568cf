# flowagg --set computes over the output columns after grouping; --having, --by, --top and
# --fields name the new column.
flowagg -k dstport -a count,packets,bytes --set 'bpp=bytes / packets' policy/flows.log
flowagg -k dstport -a count,bytes --set 'per=bytes / records' --having 'per > 500' --by per --top 2 --fields dstport,per \
  policy/flows.log
flowagg -k action -a count --set 'share=records / 12' --by share --asc policy/flows.log
flowagg -k dstport --set 'x=bytez * 2' policy/flows.log; echo "exit $?"
flowagg -k dstport --set 'bytes=records * 2' policy/flows.log; echo "exit $?"
