#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The Goldberg demo kernel (tests/hvm/goldberg/) as trap domains, run in
# ring 3 by trap-and-emulate. (1) tests/hvm/goldberg/trap.dts: each
# probe's verdict is the one tests/hvm/goldberg/expected.txt holds for the
# "trap" column (the five UMIP instructions, far transfers and INT n trap
# and are emulated; PUSHF, POPF, LAR, LSL, VERR, VERW, MOV from CS and SS,
# PUSH FS stay broken) and, in a domain run with CR4.UMIP off, for the
# "trap-noumip" column (the five UMIP instructions leak too); from the
# guest's own ring 3 (with and without its CR4.UMIP), exactly what bare
# metal's ring 3 shows (trap-ring3, trap-ring3-umip); each powers off and
# gives back every frame (tests/hvm/goldberg/hv.sh). (2) attack.dts, the shadow-MMU probes of
# attacks.c: page-table writes through an alias of an L1 and around CR3
# switches are all seen; a leaf naming a frame outside the domain's RAM,
# a table outside it, an address in the hypervisor's half, a triple fault,
# string port I/O, a debug register and paging turned off each crash
# their domain alone, with a report; the instruction probes still run in
# a domain beside them; every frame comes back and the hypervisor goes on.
set -u
fail=0
check() { # check DESCRIPTION COMMAND...
    if ! "${@:2}"; then
        echo "check failed: $1"
        fail=1
    fi
}

bash tests/hvm/goldberg/hv.sh trap.dtb trap trap-noumip trap-ring3 \
    trap-ring3-umip | sed 's/^Test result: /hv.sh: /'
check "the trap column (tests/hvm/goldberg/hv.sh)" test "${PIPESTATUS[0]}" = 0

dir=build/tests/hvm/goldberg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -f "$dir/attack.dtb" ] && [ -f build/hypervisor/carapace.elf ]; then
    timeout $(awk -v f="${CARAPACE_TIMEOUT_SCALE:-1}" 'BEGIN { print 60 * f }') \
        ${CARAPACE_QEMU:-qemu-system-x86_64} -M q35 -cpu max -m 256M -smp 1 \
        -display none -nodefaults -serial stdio -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel build/hypervisor/carapace.elf -append loglvl=info \
        -initrd "$dir/dom0.elf,$dir/attack.dtb,build/tests/hvm/goldberg.elf" \
        </dev/null >"$tmp/attack.log" 2>&1
    status=$?
    sed 's/^/| /' "$tmp/attack.log"
    out=$(tr -d '\r' <"$tmp/attack.log")
    check "dom0 powers off: QEMU exit status 1 (got $status)" test "$status" = 1
    check "dom0 saw every domain end" grep -q '^Test result: SUCCESS$' <<<"$out"
    # Domain 1's own lines, rejoined where the console split them.
    d1=$(python3 tests/hvm/goldberg/check.py --lines "$tmp/attack.log" "(d1) ")
    check "a write through an alias of an L1 is seen" \
        grep -q '^goldberg: attack alias: .* verdict=ok$' <<<"$d1"
    check "L1 writes around CR3 switches are seen" \
        grep -q '^goldberg: attack cr3race: .* verdict=ok$' <<<"$d1"
    check "the alias domain ends well" grep -q '^Test result: SUCCESS$' <<<"$d1"
    check "a foreign frame crashes its domain" \
        grep -q '^ERROR: Domain 2 (foreign) crashed: it maps guest-physical 0x40000000 at 0x1ff000, outside its 4088 KiB of RAM$' <<<"$out"
    check "a foreign table crashes its domain" \
        grep -q '^ERROR: Domain 3 (foreigntable) crashed: its page tables for 0x200000 reach guest-physical 0x40000000, outside its 4088 KiB of RAM$' <<<"$out"
    check "the hypervisor's range crashes its domain" \
        grep -q "^ERROR: Domain 4 (hyprange) crashed: it touched 0xffff800000000000, in the hypervisor's address range" <<<"$out"
    check "a triple fault crashes its domain" \
        grep -q '^ERROR: Domain 5 (triple) crashed: triple fault: cannot deliver #UD invalid opcode (vector 6) through its IDT at 0, nor a double fault$' <<<"$out"
    check "string port I/O crashes its domain" \
        grep -q '^ERROR: Domain 6 (outs) crashed: string port I/O (ins/outs) at port 0x3f8: not emulated$' <<<"$out"
    check "a debug register crashes its domain" \
        grep -q '^ERROR: Domain 7 (dr) crashed: a debug-register access at rip 0x[0-9a-f]*: not emulated$' <<<"$out"
    check "paging off crashes its domain" \
        grep -q '^ERROR: Domain 8 (nopaging) crashed: it turned paging off (CR0 0x[0-9a-f]*): a trap domain stays in long mode$' <<<"$out"
    check "no attack read anything or went on" \
        bash -c '! grep -qE "verdict=(mapped|survived)" <<<"$1"' _ "$out"
    check "the probes beside them run" \
        python3 tests/hvm/goldberg/check.py tests/hvm/goldberg/expected.txt \
        trap "$tmp/attack.log" "(d9) "
    for n in 1 2 3 4 5 6 7 8 9; do
        check "domain $n gives back every frame" \
            grep -qE "^Domain $n \\([a-z]+\\) destroyed: [0-9]+ frames freed, 0 still in use$" <<<"$out"
    done
else
    check "built: $dir/attack.dtb and the hypervisor (run ninja)" false
fi

if [ "$fail" = 0 ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE"
fi
exit "$fail"
