#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The guest kernel image holds no sensitive instruction (issue 4), and
# scripts/check-sensitive.py finds every one of them in an object built to
# hold them all (tests/scripts/sensitive-check-bad.S), without false alarms.
set -u
fail=0
check() { # check DESCRIPTION COMMAND...
    if ! "${@:2}"; then
        echo "check failed: $1"
        fail=1
    fi
}

# (a) The kernel (or the image named by $1): must exist, the test does not
# skip, and be clean.
kernel=${1:-build/guest-kernel/kernel.elf}
if [ -f "$kernel" ]; then
    python3 scripts/check-sensitive.py "$kernel"
    status=$?
    check "$kernel has no sensitive instructions (exit $status)" test "$status" = 0
else
    check "$kernel exists (run ninja)" false
fi

# (c) The native image is exempt by design (its backend runs in ring 0 and
# uses the real instructions), and is a real image the check must fail:
# every hit lies in a function of the native backend's own objects
# (build/guest-kernel/native/), none in the generic kernel both images
# share.
native=build/guest-kernel/kernel-native.elf
if [ -f "$native" ]; then
    nout=$(python3 scripts/check-sensitive.py "$native")
    status=$?
    echo "$nout" | tail -n 1
    check "$native fails the check (exit $status, expected 1)" test "$status" = 1
    own=$(nm --defined-only build/guest-kernel/native/*.o | awk 'NF == 3 { print $3 }' | sort -u)
    for fn in $(sed -nE 's/.* in ([^:]+): .*/\1/p' <<<"$nout" | sort -u); do
        check "$native: $fn (a hit) belongs to the native backend" grep -qx -- "$fn" <<<"$own"
    done
    for insn in hlt lidt wrmsr iretq; do
        check "$native: $insn is reported" grep -qE ": $insn( |$)" <<<"$nout"
    done
else
    check "$native exists (run ninja)" false
fi

# (b) The check itself, on the deliberately bad object.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -c tests/scripts/sensitive-check-bad.S -o "$tmp/bad.o"
out=$(python3 scripts/check-sensitive.py "$tmp/bad.o")
status=$?
echo "$out" | tail -n 3
check "bad.o fails the check (exit $status, expected 1)" test "$status" = 1
for insn in cli sti popf pushf hlt lgdt lidt lldt ltr sgdt sidt sldt str \
    smsw lmsw clts rdmsr wrmsr rdpmc xsetbv invlpg invpcid invd wbinvd \
    insb insw outsb outsl iretq iret sysretq swapgs monitor mwait; do
    check "bad.o: $insn is reported" grep -qE "in bad_all: (rep )?$insn( |$)" <<<"$out"
done
for regs in '%cr3,%rax' '%rax,%cr3' '%db7,%rax' '%rax,%db7'; do
    check "bad.o: mov $regs is reported" grep -qF "mov    $regs" <<<"$out"
done
check "bad.o: in and out are reported (4)" test "$(grep -cE 'in bad_all: (in|out) ' <<<"$out")" = 4
check "bad.o: 42 hits in all" grep -q ": 42 sensitive instruction" <<<"$out"
check "bad.o: the look-alikes are not reported" \
    bash -c '! grep -qE "in (str|strlen_like):" <<<"$1"' _ "$out"

if [ "$fail" = 0 ]; then echo "Test result: SUCCESS"; else echo "Test result: FAILURE"; fi
exit "$fail"
