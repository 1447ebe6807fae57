#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap makes hvm domains (type = "hvm" in /etc/carapace/hvm.cfg and
# hvm-hello.cfg): the native kernel boots in one to a shell that dom0
# types into through cap console; one that prints and powers off is kept
# and replayed; cap create -n shows the guest-physical layout; a bad
# memory size or a kernel without a Multiboot header is refused naming the
# config line and value, with nothing made; and 200 create/destroy cycles
# leave free memory exactly as it was.
set -u
. tests/os/lib.sh
os_timeout=110
os_run tests/os/cap-hvm/script --loglvl warn
check "the shell in the hvm domain answers" has '^inside a cap-created hvm domain$'
check "its ramdisk is the domUs'" has '^native# ls /bin$'
check "cap list -l shows it" has '^hvm +1 +16 +1 (-b----|r-----) '
check "cap top shows it" has '^hvm +1 +[rb] '
check "hvm-hello printed and powered off" has '^Hello from user space! I am process 1 on native\.$'
check "hvm-hello is kept, shut down" has '^hvm-hello +1 +4 +1 ---s-- '
check "cap create -n shows the hvm layout" has '^  frames 4096: RAM 0\.\.4093, Multiboot info at 0x9000, module at 0x[0-9a-f]+, shared info 4094, console 4095$'
check "memory=1 is refused, naming the line" has '^cap: create: command line: memory = 1: an hvm domain has 2 to 1024 MiB$'
check "a pv kernel is refused as hvm" has '^cap: create: command line: kernel = "/boot/kernel.elf": no Multiboot header in its first 8 KiB$'
check "200 cycles leak nothing" has '^cycle: 200 creates and destroys: free frames ([0-9]+) before, \1 after$'
check "nothing crashed" lacks 'crashed'
check "run.sh exits 0 (got $status)" status_is 0
finish
