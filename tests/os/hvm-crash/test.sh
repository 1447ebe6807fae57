#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# hvm domains that misbehave die alone, each with a report naming what it
# did: a triple fault, a store outside its guest-physical memory (a nested
# page fault), an intercepted instruction the hypervisor does not emulate
# (wbinvd), string port I/O, a debug-register write and an MSR write
# hardware would refuse (tests/hvm/bad.S, chosen by each domain's
# command line in crash.dts). dom0, a blocked hvm domain and an hvm domain
# running the native kernel go on, and each dead domain's frames all go
# back to the allocator.
set -u
. tests/os/lib.sh
os_run tests/os/hvm-crash/script --module build/tests/os/hvm-crash/crash.dtb \
    --module build/guest-kernel/kernel-native.elf \
    --module build/guest-kernel/ramdisk.cpio --module build/tests/hvm/bad.elf
check "the triple fault is reported" has '^ERROR: Domain 2 \(triple\) crashed: triple fault \(shutdown\) at rip 0x[0-9a-f]+$'
check "the NPT fault names the address" has '^ERROR: Domain 3 \(outside\) crashed: nested page fault: guest-physical 0xf0000000 is outside its 2040 KiB of RAM'
check "the unknown instruction is named" has '^ERROR: Domain 4 \(unknown\) crashed: intercepted instruction or event 0x89 \(wbinvd\) at rip 0x[0-9a-f]+: not emulated$'
check "string I/O is refused" has '^ERROR: Domain 5 \(string\) crashed: string port I/O \(ins/outs\) at port 0x3f8'
check "a debug-register write is refused" has '^ERROR: Domain 6 \(debugreg\) crashed: intercepted instruction or event 0x30 \(mov to a debug register\)'
check "a non-canonical FS base is a #GP (no IDT: a triple fault)" has '^ERROR: Domain 7 \(badmsr\) crashed: triple fault \(shutdown\)'
check "a crash report shows the vCPU" has '^ERROR:   hvm vCPU 0: RIP 0+100[0-9a-f]+ '
for d in triple outside unknown string debugreg badmsr; do
    check "$d's frames all go back" has "^Domain [0-9] \\($d\\) destroyed: [0-9]+ frames freed, 0 still in use$"
done
check "cap list shows good and idle only" has '^idle +8 +2 +1 -b---- '
check "the good domain's shell answers" has '^the good domain goes on$'
check "the idle domain is destroyed" has '^Domain 8 \(idle\) destroyed: [0-9]+ frames freed, 0 still in use$'
check "dom0 goes on" after 'Domain 8 \(idle\) destroyed' '^dom0# cap list$'
check "run.sh exits 0 (got $status)" status_is 0
finish
