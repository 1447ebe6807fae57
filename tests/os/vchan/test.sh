#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# vchan between domains started from the boot configuration: domain 1
# streams 100 MiB (checksummed, every word checked) to dom0; dom0's client
# of a ref nobody granted gets a clear error; domain 2 closes halfway and
# dom0's receiver sees the early end of stream.
set -u
. tests/os/lib.sh
domu=(--module build/guest-kernel/kernel.elf
    --module build/guest-kernel/ramdisk.cpio)

os_run tests/os/vchan/script --module build/tests/os/vchan/boot.dtb \
    "${domu[@]}" "${domu[@]}"
check "a ref that is not granted: a clear error" \
    has '^vchan-stream: cannot connect to the vchan \(domain 1, ref 77\): the ref is not granted to this domain$'
check "100 MiB from domain 1, checksummed end to end" \
    has '^vchan-stream: received 100 MiB, checksum ok$'
check "exactly 100 MiB and the checksum went through" \
    has '^vchan-stream: 104857608 bytes in [0-9]+ ms'
check "domain 1 sent it all" \
    has '^vchan-stream: sent 104857600 bytes, [0-9]+ notifications'
check "the peer's close is EOF, after exactly what it sent" \
    has '^vchan-stream: end of stream after 1048576 bytes, expected 2097160 \(peer closed early\)$'
check "no kernel trouble" lacks 'kernel panic|killed:|refused'
check "run.sh exits 0 (got $status)" status_is 0
finish
