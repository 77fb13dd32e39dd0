#!/bin/sh
# notify.send: posts a summary (simulated: prints it).
. "$(dirname "$0")/lib.sh"
hold_if_asked
say "${MESSAGE:-nothing to say}"
result "{\"status\":\"sent\"}"
