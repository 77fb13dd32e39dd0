#!/bin/sh
# deployment.deploy: builds and deploys a commit (simulated) and reports where it is live.
. "$(dirname "$0")/lib.sh"
hold_if_asked
version="$(short "$SHA")"
say "npm run build (${version})"
say "deploying ${version} to production"
if should_fail; then
    fail_step "deploy of ${version} failed: health check returned 502 after 30s"
fi
say "live at https://opencto.example/${version}"
result "{\"status\":\"live\",\"version\":\"${version}\",\"url\":\"https://opencto.example/${version}\"}"
