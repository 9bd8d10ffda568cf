# 100,000 bytes of binary garbage (made the same every time by a small generator): detected as
# text, so the error says it is binary data and where; nothing is written, exit 1. With
# --on-error=skip it is one count, not a flood (--on-error=warn: a warning a line, as asked).
# As JSON, as the binary format, or gzip-compressed it is refused too.
cd $WORK
awk 'BEGIN { x = 1; for (i = 0; i < 100000; i++) { x = (x * 75 + 74) % 65537; printf "%c", x % 256 } }' > garbage
flowcat garbage; echo "exit $?"
flowcat -O json garbage | wc -c; echo "exit ${PIPESTATUS[0]}"
flowcat -q --on-error=skip garbage | wc -c; echo "exit ${PIPESTATUS[0]}"
echo "--on-error=warn: $(flowcat --on-error=warn garbage 2>&1 | grep -c 'skipped: ') warnings"
flowcat -I json garbage; echo "exit $?"
flowcat -I bin garbage; echo "exit $?"
gzip -c garbage > garbage.gz
flowcat garbage.gz -o out.log; echo "exit $?"; echo "files: $(ls)"
