flowcat --help | grep -c -e Examples: -e --output-format -e --on-error
flowcat --version
