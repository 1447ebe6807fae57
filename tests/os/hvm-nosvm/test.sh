#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# On a CPU without SVM (QEMU's -cpu qemu64), hvm domains fail cleanly: the
# boot configuration's hvm domain is reported and skipped while dom0
# boots; `cap create` of an hvm config says why and creates nothing (the
# domain list and the free frames are the same before and after).
set -u
. tests/os/lib.sh
os_run tests/os/hvm-nosvm/script --cpu qemu64 \
    --module build/tests/os/hvm/hvm.dtb \
    --module build/guest-kernel/kernel-native.elf \
    --module build/guest-kernel/ramdisk.cpio
check "the boot-time hvm domain is refused, saying why" has '^ERROR: hvm1: an hvm domain needs AMD SVM with nested paging, which this CPU does not offer \(QEMU: -cpu max\)$'
check "the boot goes on without it" has '^ERROR: Boot configuration: domain 1 \(hvm1\) not built \(error -38\); going on$'
check "cap create says why" has '^cap: create: /etc/carapace/hvm.cfg: domain hvm: createdomain: the CPU has no SVM with nested paging: hvm domains cannot run here \(QEMU: -cpu max\)$'
check "no domain is listed but dom0" lacks '^(hvm|hvm1) +[0-9]'
read -r before after < <(sed -nE 's/^free_frames +: ([0-9]+)$/\1/p' <<<"$out" | tr '\n' ' ')
check "free frames unchanged (${before:-?} -> ${after:-?})" test -n "${before:-}" -a "${before:-x}" = "${after:-y}"
check "run.sh exits 0 (got $status)" status_is 0
finish
