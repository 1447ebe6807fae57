#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# An hvm domain boots the guest kernel's native image, unmodified, under
# SVM beside dom0 (tests/os/hvm/hvm.dts); dom0's `cap console` reaches its
# shell through the emulated COM1 and the console ring; the OS test
# programs pass inside it (newlib, a NULL dereference killed, spawn to the
# limit, two processes sharing the CPU, Ctrl-C); `cap pause`, `unpause`
# and `destroy` work on it, and destroying it frees every frame it had.
set -u
. tests/os/lib.sh
os_run tests/os/hvm/script --module build/tests/os/hvm/hvm.dtb \
    --module build/guest-kernel/kernel-native.elf \
    --module build/guest-kernel/ramdisk.cpio
check "the hvm domain is built" has '^hvm1: hvm domain 1 built: 32 MiB, Multiboot entry 0x[0-9a-f]+$'
check "cap list shows it" has '^hvm1 +1 +32 +1 '
check "the native kernel boots in it" has '^Carapace guest kernel: native, 29 MiB'
check "its shell answers" has '^hello from hvm$'
check "newlib-test passes inside" has '^newlib-test: [0-9]+ checks, 0 failed$'
check "the NULL dereference is killed" has '^sh: nullderef: exit status 139$'
check "spawn stops at the limit" has '^spawn-loop: spawn failed after [0-9]+ children: .* \(errno 11\)$'
check "cpu-pair passes inside" has '^cpu-pair: children [0-9]+ and [0-9]+$'
check "spin was interrupted by Ctrl-C" has '^sh: spin: exit status 130$'
check "the prompt comes back after Ctrl-C" has '^back at the prompt$'
check "paused, it shows --p---" has '^hvm1 +1 +32 +1 --p--- '
check "destroyed, every frame goes back" has '^Domain 1 \(hvm1\) destroyed: [0-9]+ frames freed, 0 still in use$'
check "nothing crashed" lacks 'crashed'
read -r before after < <(sed -nE 's/^free_frames +: ([0-9]+)$/\1/p' <<<"$out" | tr '\n' ' ')
check "free frames grow by the domain's 8192 and more ($before -> ${after:-?})" \
    test "${after:-0}" -ge $((${before:-1 << 40} + 8192))
check "run.sh exits 0 (got $status)" status_is 0
finish
