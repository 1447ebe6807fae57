#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The Goldberg demo kernel (tests/hvm/goldberg/) as three hvm domains under
# SVM (tests/hvm/goldberg/hvm.dts: from ring 0, from ring 3, from ring 3
# with CR4.UMIP on), beside a dom0 that waits for them: each probe's
# verdict is the one tests/hvm/goldberg/expected.txt holds for that
# environment (svm, svm-ring3, svm-ring3-umip), each domain powers off and
# gives back every frame, and nothing crashes.
set -u
fail=0
check() { # check DESCRIPTION COMMAND...
    if ! "${@:2}"; then
        echo "check failed: $1"
        fail=1
    fi
}

hv=build/hypervisor/carapace.elf
dir=build/tests/hvm/goldberg
table=tests/hvm/goldberg/expected.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/hvm.log

missing=
for f in "$hv" "$dir/dom0.elf" "$dir/hvm.dtb" build/tests/hvm/goldberg.elf; do
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
        -initrd "$dir/dom0.elf,$dir/hvm.dtb,build/tests/hvm/goldberg.elf" \
        </dev/null >"$log" 2>&1
    status=$?
    sed 's/^/| /' "$log"
    out=$(tr -d '\r' <"$log")
    check "dom0 powers off: QEMU exit status 1 (got $status)" test "$status" = 1
    check "SVM is there" grep -q '^SVM: enabled' <<<"$out"
    check "dom0 saw every demo domain end" grep -q '^Test result: SUCCESS$' <<<"$out"
    n=1
    for col in svm svm-ring3 svm-ring3-umip; do
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
