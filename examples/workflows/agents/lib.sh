# Shared by the example agents' scripts (sourced, not run). Each script is what a shell agent
# runs for one step: `flotilla agent --executor shell` runs the task's `payload.command` with the
# task's `payload.env` in the agent's working directory (this folder's parent).
#
# Contract with the workflows in ..:
# - STEP names the step (default: the script's name); SUITE the matrix suite, when there is one.
# - FAIL makes a step fail on purpose, to try the failure paths: the step fails when FAIL holds
#   `fail:<step>` (or `fail:<suite>`), e.g. `--input fail=fail:deploy`, or a pushed commit whose
#   message says `[fail:test]`.
# - The last line a step prints on stdout is its result as one JSON object: the agent reports it
#   as the task result's `summary`, which later steps read with
#   `fromJSON(steps.<id>.result.summary)`. Nothing is printed on stderr unless the step fails.
# - Holding a step (for watching it live, and for the end-to-end test that proves steps run in
#   parallel): if the file `hold/<step>.hold` exists in the working directory, the step writes
#   `hold/<step>.started` and waits until the .hold file is removed (at most HOLD_LIMIT seconds,
#   default 300).
# - DELAY (seconds, default 0.2) is the pause between progress lines, so output is visible live.

STEP="${STEP:-$(basename "$0" .sh)}"
DELAY="${DELAY:-0.2}"

say() {
    printf '[%s] %s\n' "$STEP" "$*"
    sleep "$DELAY"
}

should_fail() {
    case " ${FAIL:-} " in
        *"fail:$STEP"[!A-Za-z0-9_-]*) return 0 ;;
    esac
    if [ -n "${SUITE:-}" ]; then
        case " ${FAIL:-} " in
            *"fail:$SUITE"[!A-Za-z0-9_-]*) return 0 ;;
        esac
    fi
    return 1
}

hold_if_asked() {
    [ -e "hold/$STEP.hold" ] || return 0
    : > "hold/$STEP.started"
    say "held: waiting for hold/$STEP.hold to be removed"
    waited=0
    limit="${HOLD_LIMIT:-300}"
    while [ -e "hold/$STEP.hold" ]; do
        sleep 0.05
        waited=$((waited + 1))
        if [ "$waited" -ge $((limit * 20)) ]; then
            echo "[$STEP] still held after ${limit}s; giving up" >&2
            exit 3
        fi
    done
}

# Fails the step: a reason on stderr (the task's error summary) and exit code 1.
fail_step() {
    echo "[$STEP] FAILED: $*" >&2
    exit 1
}

# The step's result: one JSON object, the last line on stdout.
result() {
    printf '%s\n' "$1"
}

# The first 7 characters of a commit id, letters and digits only (it goes into JSON).
short() {
    printf '%s' "${1:-unknown}" | tr -cd 'A-Za-z0-9' | cut -c1-7
}
