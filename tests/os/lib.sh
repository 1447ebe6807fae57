# SPDX-License-Identifier: BSD-2-Clause
#
# Helpers for the end-to-end tests of the guest OS (tests/scripts/os-*.sh):
# each boots the hypervisor with the guest kernel and its ramdisk, types a
# script from tests/os/NAME/ into dom0's shell with ./run.sh --script, and
# checks the session. Source it from the repository root.

fail=0

# check DESCRIPTION COMMAND...: a failed COMMAND fails the test.
check() {
    if ! "${@:2}"; then
        echo "check failed: $1"
        fail=1
    fi
}

# os_run SCRIPT [run.sh options...]: runs the session; sets $out (without
# carriage returns) and $status (run.sh's exit status), and prints the
# session indented, so that a program's own "Test result:" line in it is
# not taken for the test's.
os_run() {
    local script=$1
    shift
    # --quiet 20: a loaded machine can be silent for seconds in a slow
    # command (cap destroy); a line typed early would interleave.
    out=$(./run.sh --timeout 100 --quiet 20 "$@" --script "$script" 2>&1)
    status=$?
    out=${out//$'\r'/}
    sed 's/^/| /' <<<"$out"
    echo "run.sh --script $script: exit status $status"
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
        echo "Test result: FAILURE"
    fi
    exit "$fail"
}
