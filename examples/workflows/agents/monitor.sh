#!/bin/sh
# monitoring.health: watches a fresh deployment (simulated); fails on an error spike.
. "$(dirname "$0")/lib.sh"
hold_if_asked
say "health checks on ${URL:-the deployment}"
say "error rate 0.1%, p95 180 ms"
if should_fail; then
    fail_step "error rate 7.5% on ${URL:-the deployment} (threshold 1%)"
fi
result "{\"status\":\"healthy\",\"error_rate\":0.001}"
