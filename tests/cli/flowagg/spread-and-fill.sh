# --spread shares a record's sums out over the time bins it covers (whole numbers that add up to
# the record's); --fill adds the bins no record touched as zeros, per series of the other keys.
cat > "$WORK/f.log" <<'LOG'
version srcaddr dstaddr packets bytes start end
2 10.0.1.5 10.0.2.9 10 6007 1717372800 1717373400
2 10.0.1.5 10.0.2.9 3 90 1717373430 1717373460
2 10.0.2.9 10.0.1.5 1 7 1717373700 1717373700
2 10.0.2.9 10.0.1.5 2 100 1717373790 1717373770
2 10.0.2.9 10.0.1.5 - - 1717372830 1717372890
LOG
cd "$WORK"
echo '# whole: a 600 s record in the minute of its start'
flowagg -k start/1m -a count,packets,bytes -O table f.log
echo '# spread: 6007 bytes over ten minutes (600 or 601 each); start == end and end < start whole'
flowagg -k start/1m -a 'count,packets,bytes,max(bytes)' --spread -O table f.log
echo '# spread and filled: minutes 11 to 14 as zeros, max null; the totals are the records'"'"' own'
flowagg -k start/1m -a 'count,packets,bytes,max(bytes)' --spread --fill -O table f.log
flowagg -k start/1d -a packets,bytes --spread -O table f.log
echo '# the example of --help: bandwidth between two hosts per minute'
flowfilter 'addr == 10.0.1.5 and addr == 10.0.2.9' f.log | flowagg -k start/1m -a bytes --spread --fill -O csv
echo '# filled per source, each over the same range'
flowagg -k srcaddr,start/5m -a bytes --spread --fill -O table f.log
flowagg -k start/5m,srcaddr -a bytes --fill --having 'bytes == 0' -O table f.log
echo '# usage'
flowagg -k srcaddr --spread f.log; echo "exit $?"
flowagg -k start/1m,end/1h --fill f.log; echo "exit $?"
flowagg -k start/1m --fill --partial f.log; echo "exit $?"
echo '# a record over a million bins is a data error naming its line'
printf 'version start end bytes\n2 0 2000000 5\n' | flowagg -k start/1s --spread; echo "exit $?"
