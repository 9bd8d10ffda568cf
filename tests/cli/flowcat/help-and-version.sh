flowcat --help | grep -c -e Examples: -e --output-format -e --on-error
flowcat --version | sed -E "s/\(commit [0-9a-f]{12}\)/(commit COMMIT)/"
