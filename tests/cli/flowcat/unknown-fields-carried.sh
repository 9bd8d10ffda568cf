# Fields newer than the table (v9-v11) pass through as opaque strings, in every position.
flowcat <<'IN'
version interface-id encryption-status srcaddr next-hop-interface-id action log-status
10 eni-0a1b2c3d 1 10.0.0.1 eni-99 ACCEPT OK
10 eni-0a1b2c3d - 10.0.0.2 - REJECT OK
IN
