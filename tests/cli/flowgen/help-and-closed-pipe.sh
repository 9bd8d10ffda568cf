flowgen --help | grep -c -e Examples: -e --scenario -e --log-version
flowgen --version | sed -E "s/\(commit [0-9a-f]{12}\)/(commit COMMIT)/"
# A closed pipe ends a long run quietly with 0.
flowgen --duration 30d | head -1; echo "exit ${PIPESTATUS[0]}"
