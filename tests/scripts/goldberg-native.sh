#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The Goldberg demo kernel (tests/hvm/goldberg/) on plain QEMU, no
# hypervisor: each probe's verdict from ring 0, from ring 3 and from ring 3
# with CR4.UMIP on is the one tests/hvm/goldberg/expected.txt holds for
# that environment (native, ring3, ring3-umip); its shadow-MMU probes
# alias and cr3race (attacks.c) hold; and the comparison itself fails on
# a changed verdict, a missing line and a failed run.
set -u
fail=0
check() { # check DESCRIPTION COMMAND...
    if ! "${@:2}"; then
        echo "check failed: $1"
        fail=1
    fi
}

image=build/tests/hvm/goldberg.elf
table=tests/hvm/goldberg/expected.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run COLUMN APPEND: boot the demo as the test runner boots a kernel, and
# compare its output with the table's column.
run() {
    local log=$tmp/$1.log
    timeout $(awk -v f="${CARAPACE_TIMEOUT_SCALE:-1}" 'BEGIN { print 30 * f }') \
        ${CARAPACE_QEMU:-qemu-system-x86_64} -M q35 -cpu max -m 128M -smp 1 \
        -display none -nodefaults -serial stdio -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel "$image" -append "$2" </dev/null >"$log" 2>&1
    local status=$?
    sed 's/^/| /' "$log"
    check "$1: QEMU exits through port 0xf4 (status $status, expected 1)" \
        test "$status" = 1
    check "$1: every verdict as $table says" \
        python3 tests/hvm/goldberg/check.py "$table" "$1" "$log"
}

if [ -f "$image" ]; then
    run native ""
    run ring3 "ring3"
    run ring3-umip "umip ring3"
    # The shadow-MMU probes (attacks.c) that must hold on bare metal too.
    timeout 30 ${CARAPACE_QEMU:-qemu-system-x86_64} -M q35 -cpu max -m 128M \
        -smp 1 -display none -nodefaults -serial stdio -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel "$image" -append "alias cr3race" </dev/null >"$tmp/alias.log" 2>&1
    sed 's/^/| /' "$tmp/alias.log"
    check "alias: a write through an alias of an L1 is seen" \
        grep -q '^goldberg: attack alias: .* verdict=ok' "$tmp/alias.log"
    check "cr3race: L1 writes around CR3 switches are seen" \
        grep -q '^goldberg: attack cr3race: .* verdict=ok' "$tmp/alias.log"
else
    check "$image exists (run ninja)" false
fi

# The comparison can fail: one verdict changed, one line gone, the run's
# result not SUCCESS, a column that does not exist.
if [ -f "$tmp/native.log" ]; then
    sed 's/\(goldberg: popf .*verdict=\)ok/\1lost/' "$tmp/native.log" >"$tmp/bad1"
    grep -v 'goldberg: lar ' "$tmp/native.log" >"$tmp/bad2"
    sed 's/^Test result: SUCCESS/Test result: FAILURE/' "$tmp/native.log" >"$tmp/bad3"
    for b in bad1 bad2 bad3; do
        python3 tests/hvm/goldberg/check.py "$table" native "$tmp/$b" >"$tmp/$b.out"
        status=$?
        sed 's/^/| /' "$tmp/$b.out"
        check "check.py fails on $b (exit $status, expected 1)" test "$status" = 1
    done
    check "bad1 names the changed probe" grep -q '^goldberg-check: native: popf: expected ok, got lost$' "$tmp/bad1.out"
    check "bad2 names the missing probe" grep -q '^goldberg-check: native: lar: expected ok, got no line$' "$tmp/bad2.out"
    python3 tests/hvm/goldberg/check.py "$table" nosuch "$tmp/native.log" >/dev/null
    status=$?
    check "check.py refuses an unknown column (exit $status, expected 2)" test "$status" = 2
fi

if [ "$fail" = 0 ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE"
fi
exit "$fail"
