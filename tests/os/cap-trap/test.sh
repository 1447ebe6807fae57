#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap create with type = "trap" (/etc/carapace/trap.cfg): the native
# kernel in ring 3 by trap-and-emulate, built by the toolstack (its
# long-mode entry note, DOMCTL_F_TRAP, setvcpucontext with its boot L4);
# its shell answers through cap console and runs processes; cap list
# shows it; cap destroy frees it; the dry run shows the kind, the
# long-mode entry and the layout; a pv
# kernel is refused as a trap kernel; 20 create/destroy cycles leak
# nothing.
set -u
. tests/os/lib.sh
os_timeout=110
os_run tests/os/cap-trap/script --loglvl warn
check "the shell in the trap domain answers" has '^inside a cap-created trap domain$'
check "its ramdisk is the domUs'" has '^native# ls /bin$'
check "ls ran inside it" after '^native# ls /bin$' '^sh$'
check "cap create -n says trap and the long-mode entry" has '^Domain trap: trap, 16 MiB, 1 vCPU, kernel /boot/kernel-native\.elf \(Multiboot, long-mode entry 0x[0-9a-f]+\), ramdisk /boot/domu\.cpio$'
check "cap list -l shows it" has '^trap +1 +16 +1 (-b----|r-----) '
check "cap create -n shows the layout" has '^  frames 4096: RAM 0\.\.4093, Multiboot info at 0x9000, module at 0x[0-9a-f]+, shared info 4094, console 4095$'
check "a pv kernel is refused as a trap kernel" has '^cap: create: command line: kernel = "/boot/kernel.elf": no Multiboot header in its first 8 KiB$'
check "20 cycles leak nothing" has '^cycle: 20 creates and destroys: free frames ([0-9]+) before, \1 after$'
check "nothing crashed" lacks 'crashed'
check "run.sh exits 0 (got $status)" status_is 0
finish
