flowgen --help | grep -c -e Examples: -e --scenario -e --log-version
flowgen --version
# A closed pipe ends a long run quietly with 0.
flowgen --duration 30d | head -1; echo "exit ${PIPESTATUS[0]}"
