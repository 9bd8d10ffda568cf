flowfilter --help | grep -c -e Examples: -e --invert -e --policy -e --rest
flowfilter --version
