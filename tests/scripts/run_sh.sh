#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./run.sh boots the hypervisor, shows the boot log and returns 0 after the
# clean poweroff; --help and a bad option behave as documented.
set -u
fail=0
check() { # check DESCRIPTION COMMAND...
    if ! "${@:2}"; then
        echo "check failed: $1"
        fail=1
    fi
}

out=$(./run.sh --no-dom0 --loglvl debug --mem 64M 2>&1)
status=$?
echo "$out" | tail -n 12
check "run.sh exits 0 after poweroff (got $status)" test "$status" = 0
check "boot log shows the frame count" grep -qE 'Memory: [0-9]+ usable frames' <<<"$out"
check "loglvl=debug prints the boot information tree" grep -q 'carapace,bootinfo-v1' <<<"$out"
check "boot reaches poweroff" grep -q 'No dom0 kernel (no boot module): powering off' <<<"$out"

help=$(./run.sh --help)
check "--help exits 0 and lists --gdb" grep -q -- '--gdb' <<<"$help"

bad=$(./run.sh --no-such-option 2>&1)
status=$?
check "a bad option exits 2 (got $status)" test "$status" = 2
check "a bad option is named" grep -q "unknown option '--no-such-option'" <<<"$bad"

if [ "$fail" = 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
exit "$fail"
