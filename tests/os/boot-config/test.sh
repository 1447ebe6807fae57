#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# README.md's boot-configuration example, as printed: dtc compiles
# tests/os/boot-config/two.dts, run.sh boots it with the guest kernel and
# the domU ramdisk as modules, dom0's cap lists both domUs and attaches to
# alpha's shell.
set -u
. tests/os/lib.sh
ninja build/guest-kernel/kernel.elf build/toolstack/boot/domu.cpio >/dev/null
dtc -I dts -O dtb -o build/two.dtb tests/os/boot-config/two.dts
os_run tests/os/boot-config/script --module build/two.dtb \
    --module build/guest-kernel/kernel.elf \
    --module build/toolstack/boot/domu.cpio
check "cap list shows alpha" has '^alpha +1 +8 +1 '
check "cap list shows beta" has '^beta +2 +8 +1 '
check "alpha's shell answers" has '^typed into alpha$'
check "Ctrl-] comes back to dom0" after 'typed into alpha' '^dom0# cap list$'
check "run.sh exits 0 (got $status)" status_is 0
finish
