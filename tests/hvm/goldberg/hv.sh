#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The Goldberg demo kernel as domains of a boot configuration, beside a
# dom0 that waits for them (dom0.c): hv.sh DTB NAME... boots the
# hypervisor with build/tests/hvm/goldberg/DTB, whose domains are the
# NAMEs in order (domain ids 1, 2, ...), each also a column of
# expected.txt; every domain's verdicts must be its column's, each must
# power off and give back every frame, and nothing may crash. Prints the
# session indented, one line per failed check, and the result line;
# exits 0 or 1. Used by script/goldberg-hvm and script/goldberg-trap.
set -u
fail=0
check() { # check DESCRIPTION COMMAND...
    if ! "${@:2}"; then
        echo "check failed: $1"
        fail=1
    fi
}

dtb=$1
shift
hv=build/hypervisor/carapace.elf
dir=build/tests/hvm/goldberg
table=tests/hvm/goldberg/expected.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/run.log

missing=
for f in "$hv" "$dir/dom0.elf" "$dir/$dtb" build/tests/hvm/goldberg.elf; do
    [ -f "$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
    check "built:$missing (run ninja)" false
else
    timeout $(awk -v f="${CARAPACE_TIMEOUT_SCALE:-1}" 'BEGIN { print 60 * f }') \
        ${CARAPACE_QEMU:-qemu-system-x86_64} -M q35 -cpu max -m 256M -smp 1 \
        -display none -nodefaults -serial stdio -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel "$hv" -append loglvl=info \
        -initrd "$dir/dom0.elf,$dir/$dtb,build/tests/hvm/goldberg.elf" \
        </dev/null >"$log" 2>&1
    status=$?
    sed 's/^/| /' "$log"
    out=$(tr -d '\r' <"$log")
    check "dom0 powers off: QEMU exit status 1 (got $status)" test "$status" = 1
    check "dom0 saw every demo domain end" grep -q '^Test result: SUCCESS$' <<<"$out"
    n=1
    for col in "$@"; do
        check "$col (d$n): every verdict as $table says" \
            python3 tests/hvm/goldberg/check.py "$table" "$col" "$log" "(d$n) "
        check "$col (d$n) powers off" grep -q "^Domain $n ($col): poweroff$" <<<"$out"
        check "$col (d$n) gives back every frame" \
            grep -qE "^Domain $n \\($col\\) destroyed: [0-9]+ frames freed, 0 still in use$" <<<"$out"
        n=$((n + 1))
    done
    check "nothing crashed" bash -c '! grep -q crashed <<<"$1"' _ "$out"
fi

if [ "$fail" = 0 ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE"
fi
exit "$fail"
