# A NUL byte in an @file list is shown in the error (\x00) with the reason; it used to end the
# message there: "'1.2.3.4" and nothing after.
printf '10.0.0.1\n1.2.3.4\0\n' > "$WORK/list"
flowfilter "srcaddr in @$WORK/list" </dev/null 2>&1 | sed "s|$WORK|WORK|g"; echo "exit ${PIPESTATUS[0]}"
