# --flows N writes exactly N records (header aside), alone or with the rate fitted to --duration.
for n in 1 999 123456; do
  echo "--flows $n: $(flowgen --flows $n --no-header | wc -l)"
done
echo "--flows 20000 --duration 10m: $(flowgen --flows 20000 --duration 10m -O csv --no-header --fields version | wc -l)"
echo "--flows 30 --duration 1m --scenario all: $(flowgen --flows 30 --duration 1m --scenario all --no-header | wc -l)"
