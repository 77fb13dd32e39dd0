#!/bin/sh
# deployment.rollback: puts the previous version back (simulated).
. "$(dirname "$0")/lib.sh"
hold_if_asked
say "rolling back: ${REASON:-no reason given}"
say "previous version restored"
result "{\"status\":\"rolled_back\"}"
