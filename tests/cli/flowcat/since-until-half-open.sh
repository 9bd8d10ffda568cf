# Records whose start lies in [since, until): consecutive windows never overlap.
flowcat --no-header --since 2023-11-14T22:14 --until 1700000100 <<'IN'
2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000039 1700000060 ACCEPT OK
2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000040 1700000060 ACCEPT OK
2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000099 1700000160 ACCEPT OK
2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000100 1700000160 ACCEPT OK
IN
