#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./run.sh tells QEMU's own failures from a clean poweroff (both are
# QEMU's exit status 1) and exits 2 on every usage error, as --help says.
set -u
fail=0
check() { # check DESCRIPTION COMMAND...
    if ! "${@:2}"; then
        echo "check failed: $1"
        fail=1
    fi
}

# expect STATUS REGEX ARGS...: ./run.sh ARGS exits STATUS and says REGEX.
expect() {
    local want=$1 regex=$2 out status
    shift 2
    out=$(./run.sh "$@" </dev/null 2>&1)
    status=$?
    echo "\$ ./run.sh $* -> exit $status"
    tail -n 3 <<<"$out" | sed 's/^/| /'
    check "./run.sh $* exits $want (got $status)" test "$status" = "$want"
    check "./run.sh $* says /$regex/" grep -qE -- "$regex" <<<"$out"
}

expect 3 "QEMU itself failed" -- -bogus
expect 3 "QEMU itself failed" --mem 10T
expect 2 "--dom0: cannot read '/nonexistent'" --dom0 /nonexistent
expect 2 "--dom0: cannot read '/nonexistent'" --dom0 "/nonexistent args"
for opt in --loglvl --mem --append --dom0 --module --script --timeout --quiet; do
    expect 2 "$opt needs" "$opt"
done
expect 2 "--mem needs" --mem ""
expect 0 "powering off" --no-dom0 --mem 64M
expect 3 "QEMU itself failed" --script tests/os/shell/script -- -bogus
# --native boots no hypervisor: its options are refused, not ignored.
for opt in "--dom0 x" "--module x" --no-dom0 "--loglvl debug" "--append x"; do
    # shellcheck disable=SC2086 # the option and its value are two words
    expect 2 "${opt%% *} is for the hypervisor: --native boots no hypervisor" --native $opt
done
expect 3 "QEMU itself failed" --native --mem 10T
expect 1 "kernel panic: cannot start /nonexistent" --native --kargs init=/nonexistent
expect 1 "the native kernel crashed" --native --kargs init=/nonexistent

if [ "$fail" = 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
exit "$fail"
