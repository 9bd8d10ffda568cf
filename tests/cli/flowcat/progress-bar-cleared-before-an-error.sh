# On a terminal the progress bar (after a second) is cleared before a message, so the error
# does not run on after it. script(1) gives flowcat a terminal; the input comes through a FIFO
# slowly enough for the bar to show. The bar's figures vary: shown as <progress>.
cd $WORK
line=$(head -1 $OLDPWD/samples/aws-docs/v2-default-accept-reject.log)
for i in $(seq 70000); do echo "$line"; done > part
mkfifo fifo
(cat part; sleep 1.2; cat part; echo "2 x") > fifo &
script -qec "flowcat fifo > /dev/null" /dev/null | cat -v | sed -E 's/(\^Mflowcat: fifo [^^]*\^\[\[K)+/<progress>/'
echo
