#!/bin/sh
# code.review: reviews a change (simulated) and approves it, or requests changes (FAIL).
. "$(dirname "$0")/lib.sh"
hold_if_asked
say "reviewing $(short "$SHA")${TITLE:+: $TITLE}"
say "read 12 files, 340 lines changed"
if should_fail; then
    fail_step "changes requested: the session token is logged in plain text (auth/session.ts:88)"
fi
say "looks good: 2 minor suggestions"
result "{\"status\":\"approved\",\"approved\":true,\"comments\":2}"
