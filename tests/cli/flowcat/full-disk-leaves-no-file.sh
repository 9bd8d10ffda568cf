# A full disk under -o FILE (a real 256 KiB tmpfs) is a write error naming the file: exit 1
# (flowfilter: 2), no temporary file left, and an existing target kept as it was. Mounting needs
# root (CI runs as root); without it the case is skipped (counted as such by run.sh), and the
# same write-error path is still covered through a file-size limit by
# signals-and-size-limit-leave-no-file.
if [ "$(id -u)" != 0 ]; then echo "needs root to mount a small tmpfs" >&2; exit 77; fi
mkdir $WORK/disk
if ! mount -t tmpfs -o size=256k flowlogs-test $WORK/disk 2>$WORK/mount.err; then
  echo "cannot mount a tmpfs: $(cat $WORK/mount.err)" >&2
  exit 77
fi
trap 'cd / && umount $WORK/disk' EXIT
flowgen --flows 20000 -O json -o $WORK/in.json
echo "kept as it was" > $WORK/disk/old.json
cd $WORK/disk
flowcat -O json ../in.json -o old.json; echo "flowcat: exit $?"; echo "disk holds: $(ls); old.json: $(cat old.json)"
flowgen --flows 20000 -O json -o new.json; echo "flowgen: exit $?"; echo "disk holds: $(ls)"
flowfilter 'action == ACCEPT' -O json ../in.json -o new.json; echo "flowfilter: exit $?"; echo "disk holds: $(ls)"
# Standard output on a full disk: the same message, exit 1.
flowcat -O json ../in.json > new.json; echo "stdout: exit $?"
