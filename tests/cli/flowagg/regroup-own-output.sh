# Groups are records: grouping them again adds up their records, packets and bytes.
flowgen --seed 9 --duration 15m -O bin -o "$WORK/f.flows"
flowagg -k srcaddr/24 "$WORK/f.flows" | flowagg -k srcaddr/16 > "$WORK/two-steps"
flowagg -k srcaddr/16 "$WORK/f.flows" > "$WORK/one-step"
cmp "$WORK/two-steps" "$WORK/one-step" && echo "text: same answer"
flowagg -k srcaddr/24 -O bin "$WORK/f.flows" | flowagg -k srcaddr/16 | cmp - "$WORK/one-step" && echo "binary: same answer"
echo "records: $(flowagg -a count "$WORK/f.flows" | tail -1) = $(flowcat --count "$WORK/f.flows")"
