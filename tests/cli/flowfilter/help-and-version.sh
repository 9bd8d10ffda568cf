flowfilter --help | grep -c -e Examples: -e --invert -e --policy -e --rest
flowfilter --version | sed -E "s/\(commit [0-9a-f]{12}\)/(commit COMMIT)/"
