# Inputs that cannot be read are errors naming the file, exit 1 (flowfilter: 2), whatever
# --on-error says; with -o nothing is written. (Permissions are not used: root reads a chmod 000
# file. A directory, a missing file and /proc/self/mem, whose first page cannot be read, fail for
# everyone.)
cd $WORK
mkdir adir
cp $OLDPWD/samples/aws-docs/v2-default-accept-reject.log good.log
flowcat adir; echo "directory: exit $?"
flowcat missing.log; echo "missing: exit $?"
flowcat /proc/self/mem; echo "read error: exit $?"
flowcat --on-error=skip good.log missing.log; echo "--on-error=skip: exit $?"
flowcat good.log adir -o out.log; echo "-o: exit $?"; echo "files: $(ls | tr '\n' ' ')"
flowfilter 'action == ACCEPT' good.log missing.log; echo "flowfilter: exit $?"
