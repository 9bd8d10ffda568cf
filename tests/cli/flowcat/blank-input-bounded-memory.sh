# Blank input costs no memory: format detection used to hold every leading blank line (2 GB of
# newlines took 3.1 GB of RAM). Peak RSS stays under 256 MB for 2 GB of newlines before the data,
# among the records, and in JSON; line numbers still count the blank lines.
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 77; }
cd "$WORK"
# 2 GiB of newlines as 32 gzip members of 64 MiB each (8.7 MB, made in about a second).
head -c 64M /dev/zero | tr '\0' '\n' | gzip -1 > nl64.gz
for i in $(seq 32); do cat nl64.gz; done > nl.gz
cat nl64.gz nl64.gz nl64.gz nl64.gz > nl256.gz  # 256 MiB: more than the bar, if it were held
rec='2 123456789012 eni-1 10.0.0.1 10.0.0.2 40000 443 6 1 40 100 160 ACCEPT OK'
printf '%s\n' "$rec" | gzip > rec.gz
printf '{"srcaddr":"10.0.0.1","bytes":40}\n' | gzip > rec.json.gz
peak() {  # runs the command; prints its output and whether its peak RSS stayed under 256 MB
  /usr/bin/time -f %M -o rss "$@"
  echo "exit $?"
  kb=$(tail -1 rss)
  # Under AddressSanitizer its shadow memory and quarantine come on top (still far below 3 GB).
  if [ "$kb" -lt "$([ -z "${ASAN_OPTIONS:-}" ] && echo 262144 || echo 1048576)" ]; then
    echo "peak RSS under 256 MB"
  else
    echo "peak RSS $kb KB"
  fi
}
echo "== nothing but newlines"
peak flowcat -c nl.gz
echo "== newlines, then a record with a bad value: its line number counts them"
printf '%s\n' "${rec/ 443 / 70000 }" | gzip > bad.gz
cat nl64.gz bad.gz > nl-bad.gz
peak flowcat -c nl-bad.gz
echo "== a record, newlines, a record"
cat rec.gz nl256.gz rec.gz > rec-nl-rec.gz
peak flowcat -c rec-nl-rec.gz
echo "== newlines, then JSON (detected), and read as JSON by -I json"
cat nl256.gz rec.json.gz > nl-json.gz
peak flowcat -O csv nl-json.gz
peak flowcat -I json -O csv nl-json.gz
echo "== a line of 64 MiB among records: an error naming its line"
{ printf '%s\n' "$rec"; head -c 64M /dev/zero | tr '\0' 'x'; printf '\n%s\n' "$rec"; } | gzip -1 > long.gz
peak flowcat -c long.gz
