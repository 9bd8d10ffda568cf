# --aws-format reads header-less custom formats, ${} or bare names.
flowcat --aws-format '${version} ${interface-id} ${srcaddr} ${dstaddr} ${tcp-flags} ${action}' <<'IN'
3 eni-1235b8ca123456789 52.213.180.42 10.0.0.62 2 ACCEPT
3 eni-1235b8ca123456789 10.0.0.62 52.213.180.42 18 ACCEPT
IN
