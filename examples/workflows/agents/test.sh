#!/bin/sh
# testing.run: runs the test suite (simulated) for a commit; with SUITE, one suite of a matrix.
. "$(dirname "$0")/lib.sh"
hold_if_asked
say "checking out $(short "$SHA") (${REF:-no ref})"
say "running ${SUITE:-all} tests"
if should_fail; then
    say "3 tests failed: LoginTests.testExpiredToken, LoginTests.testLockout, CartTests.testTotal"
    fail_step "tests failed in ${SUITE:-the suite} (3 of 128)"
fi
say "128 tests passed"
result "{\"status\":\"passed\",\"suite\":\"${SUITE:-all}\",\"passed\":128,\"failed\":0,\"coverage\":85}"
