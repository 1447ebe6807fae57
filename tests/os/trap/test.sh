#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# A trap domain boots the guest kernel's native image, unmodified, in ring
# 3 under trap-and-emulate beside dom0 (tests/os/trap/trap.dts); dom0's
# `cap console` reaches its shell through the emulated COM1 and the
# console ring; the OS test programs pass inside it (newlib, a NULL
# dereference killed, spawn to the limit, two processes sharing the CPU,
# Ctrl-C); `cap pause` and `unpause` work on it; `cap destroy` ends it
# and every frame it had comes back.
set -u
. tests/os/lib.sh
os_timeout=110
os_run tests/os/trap/script --module build/tests/os/trap/trap.dtb \
    --module build/guest-kernel/kernel-native.elf \
    --module build/guest-kernel/ramdisk.cpio
check "the trap domain is built" has '^trap1: trap domain 1 built: 32 MiB, long-mode entry 0x[0-9a-f]+, L4 0x[0-9a-f]+$'
check "cap list shows it" has '^trap1 +1 +32 +1 '
check "the native kernel boots in it" has '^Carapace guest kernel: native, 29 MiB'
check "its shell answers" has '^hello from trap$'
check "newlib-test passes inside" has '^newlib-test: [0-9]+ checks, 0 failed$'
check "the NULL dereference is killed" has '^sh: nullderef: exit status 139$'
check "spawn stops at the limit" has '^spawn-loop: spawn failed after [0-9]+ children: .* \(errno 11\)$'
check "cpu-pair passes inside" has '^cpu-pair: children [0-9]+ and [0-9]+$'
check "spin was interrupted by Ctrl-C" has '^sh: spin: exit status 130$'
check "the prompt comes back after Ctrl-C" has '^back at the prompt$'
check "paused, it shows --p---" has '^trap1 +1 +32 +1 --p--- '
check "unpaused, it runs again" after '^dom0# cap unpause trap1$' '^trap1 +1 +32 +1 (r-----|-b----) '
check "destroyed, every frame goes back" has '^Domain 1 \(trap1\) destroyed: [0-9]+ frames freed, 0 still in use$'
check "nothing crashed" lacks 'crashed'
read -r before after < <(sed -nE 's/^free_frames +: ([0-9]+)$/\1/p' <<<"$out" | tr '\n' ' ')
check "run.sh exits 0 (got $status)" status_is 0
finish
