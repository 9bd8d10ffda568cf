printf '2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 100 160 ACCEPT OK\n2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 300 360 ACCEPT OK\n' > $WORK/a
printf '2 1 eni-b 10.0.0.1 10.0.0.2 1 2 6 1 40 100 160 ACCEPT OK\n2 1 eni-b 10.0.0.1 10.0.0.2 1 2 6 1 40 200 260 ACCEPT OK\n' > $WORK/b
flowcat --no-header --merge $WORK/a $WORK/b
