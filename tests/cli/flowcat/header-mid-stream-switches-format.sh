# Concatenated S3 objects: a new header switches the format; a repeated identical one is absorbed.
flowcat <<'IN'
version srcaddr dstaddr action log-status
2 10.0.0.1 10.0.0.2 ACCEPT OK
version srcaddr dstaddr action log-status
2 10.0.0.3 10.0.0.4 REJECT OK

version vpc-id srcaddr dstaddr action log-status
3 vpc-abc 10.0.0.5 10.0.0.6 ACCEPT OK
IN
