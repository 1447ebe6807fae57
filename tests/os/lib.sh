# SPDX-License-Identifier: BSD-2-Clause
#
# Helpers for the end-to-end tests of the guest OS (tests/os/NAME/test.sh):
# each boots the hypervisor with the guest kernel and its ramdisk, types a
# script from tests/os/NAME/ into dom0's shell with ./run.sh --script, and
# checks the session. Source it from the repository root.

fail=0 first_failure=""

# The backend a test.sh was run for: tests/run.py runs script/os-NAME-native
# as `test.sh --native` (tests/os/NAME/backends), and os_run passes it on to
# run.sh. Sourced without arguments, lib.sh sees test.sh's.
os_backend=()
case "${1-}" in
--native) os_backend=(--native) ;;
"") ;;
*) echo "tests/os/lib.sh: unknown backend option '$1'" >&2; exit 2 ;;
esac

# os_timeout: seconds for a whole session (run.sh --timeout), before
# scaling by $CARAPACE_TIMEOUT_SCALE (tests/run.py --timeout-scale sets
# it). A script may set it before os_run. Less than the runner's 120 s for
# a script test, scaled alike, so that the session's own timeout comes
# first and says what happened.
os_timeout=${os_timeout:-100}

# failed DESCRIPTION: count a failed check; the first one is the verdict's.
failed() {
    echo "check failed: $1"
    fail=1
    [ -n "$first_failure" ] || first_failure=$1
}

# check DESCRIPTION COMMAND...: a failed COMMAND fails the test.
check() {
    if ! "${@:2}"; then
        failed "$1"
    fi
}

# scaled SECONDS: SECONDS times $CARAPACE_TIMEOUT_SCALE (default 1).
scaled() {
    awk -v s="$1" -v f="${CARAPACE_TIMEOUT_SCALE:-1}" \
        'BEGIN { if (f + 0 <= 0) f = 1; printf "%g\n", s * f }'
}

# os_run SCRIPT [run.sh options...]: runs the session; sets $out (without
# carriage returns) and $status (run.sh's exit status), and prints the
# session indented, so that a program's own "Test result:" line in it is
# not taken for the test's. A session that timed out fails the test first
# of all: the checks after it only see part of the session.
os_run() {
    local script=$1 timeout
    shift
    timeout=$(scaled "$os_timeout")
    # --quiet 20: a loaded machine can be silent for seconds in a slow
    # command (cap destroy); a line typed early would interleave.
    out=$(./run.sh ${os_backend[@]+"${os_backend[@]}"} --timeout "$timeout" \
        --quiet 20 "$@" --script "$script" 2>&1)
    status=$?
    out=${out//$'\r'/}
    sed 's/^/| /' <<<"$out"
    echo "run.sh --script $script: exit status $status"
    local expect
    expect=$(grep -m1 -E '^console: @expect .*: timed out$' <<<"$out")
    if [ -n "$expect" ]; then
        failed "the session stopped: ${expect#console: } (30 s)"
    elif grep -qE '^console: timeout' <<<"$out"; then
        failed "the session timed out after $timeout s: os_timeout $os_timeout times CARAPACE_TIMEOUT_SCALE ${CARAPACE_TIMEOUT_SCALE:-1}"
    fi
}

# has REGEX: the session matches the extended regex (grep -E).
has() {
    grep -qE -- "$1" <<<"$out"
}

# lacks REGEX: the session does not match it.
lacks() {
    ! grep -qE -- "$1" <<<"$out"
}

# after FIRST SECOND: a line matching SECOND comes after one matching FIRST.
after() {
    awk -v a="$1" -v b="$2" '$0 ~ a { seen = 1; next } seen && $0 ~ b { ok = 1 }
        END { exit !ok }' <<<"$out"
}

# status_is N: run.sh exited with N.
status_is() {
    test "$status" = "$1"
}

# The test's one result line, and its exit status.
finish() {
    if [ "$fail" = 0 ]; then
        echo "Test result: SUCCESS"
    else
        echo "Test result: FAILURE (first: $first_failure)"
    fi
    exit "$fail"
}
