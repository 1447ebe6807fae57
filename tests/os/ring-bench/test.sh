#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ring-bench under -icount (deterministic): carapace/ring.h throughput
# between dom0 (front end) and a domU (back end) started from the boot
# configuration, for 64 B and 4 KiB messages, with and without
# notification avoidance.
set -u
. tests/os/lib.sh
os_run tests/os/ring-bench/script --icount \
    --module build/tests/os/ring-bench/boot.dtb \
    --module build/guest-kernel/kernel.elf \
    --module build/guest-kernel/ramdisk.cpio
line='msgs +[0-9]+\.[0-9] bytes/1000 insns +[0-9]+\.[0-9] MB/s  notifications [0-9]+ \+ [0-9]+$'
for size in 64 4096; do
    for mode in avoid always; do
        check "$size B notify-$mode figure" \
            has "^bench: ring +$size B notify-$mode +[0-9]+ $line"
    done
done
# Avoidance must save notifications: fewer than one per 8 messages.
n=$(grep -E '^bench: ring +64 B notify-avoid' <<<"$out" |
    sed -E 's/.*notifications ([0-9]+) .*/\1/')
check "notification avoidance sends few notifications (${n:-none})" \
    test "${n:-20000}" -lt 2500
check "run.sh exits 0 (got $status)" status_is 0
finish
