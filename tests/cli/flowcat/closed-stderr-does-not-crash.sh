# Warnings into a closed pipe (2>&1 | head -1) must not abort flowcat.
printf '2 x\n2 y\n2 z\n' > $WORK/bad.log
flowcat --on-error warn $WORK/bad.log 2>&1 >/dev/null | head -1 | sed 's|/tmp/[^:]*/bad.log|bad.log|'
echo "flowcat: exit ${PIPESTATUS[0]}"
