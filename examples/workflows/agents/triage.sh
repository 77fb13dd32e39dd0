#!/bin/sh
# testing.triage: reads failed test results and files what it finds (simulated).
. "$(dirname "$0")/lib.sh"
hold_if_asked
say "triaging: ${RESULTS:-no results}"
say "grouped the failures into 1 issue"
result "{\"status\":\"triaged\",\"issues\":1}"
