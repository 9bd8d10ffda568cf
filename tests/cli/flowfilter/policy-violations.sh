# A policy check: the violating connections' first records on stdout, the summary on stderr,
# exit 1. Reports: JUnit (well-formed XML), SARIF 2.1.0, GitHub annotations.
cd policy
flowfilter --policy vpc.policy --report junit=$WORK/policy.xml --report sarif=$WORK/policy.sarif --report github -O table flows.log
echo "exit $?"
xmllint --noout $WORK/policy.xml && echo "junit: well-formed XML"
xmllint --xpath 'concat(count(//testcase), " testcases, ", count(//failure), " failures: ", (//failure)[1]/@type, " ", (//failure)[2]/@type)' $WORK/policy.xml; echo
jq -r '"sarif \(.version): \(.runs[0].tool.driver.name), \(.runs[0].tool.driver.rules | length) rules, results:",
       (.runs[0].results[] | "  \(.ruleId) \(.properties.violation) at \(.locations[0].physicalLocation.artifactLocation.uri):\(.locations[0].physicalLocation.region.startLine)")' $WORK/policy.sarif
