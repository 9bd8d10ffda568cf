# One vantage point per direction: the one that saw the most bytes (eni-aaa's extra window), on a
# tie the lower interface-id; the NAT gateway's legs go; NODATA passes; the bytes add up to the
# stitched conversations' bytes (7300 + 7500 + 80 + 672 = 15552).
flowjoin --dedup join/flows.log
flowjoin -q --dedup join/flows.log | flowagg -a count,bytes -O aws
