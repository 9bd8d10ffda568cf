printf '2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 100 160 ACCEPT OK\r\n\n   \n2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 100 160 REJECT OK\r\n' | flowcat --no-header
