#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The heap grows on demand with zero-filled pages up to the per-process
# limit (then ENOMEM), and the stack grows to a few MiB.
set -u
. tests/os/lib.sh
os_run tests/os/memory/script
check "memtest: heap grew, zero-filled" has '^memtest: heap grew by 16 MiB'
check "memtest: ENOMEM past the limit" has '^memtest: growing by 64 MiB fails'
check "stackgrow: 4 MiB of stack" has '^stackgrow: 1024 frames, 4096 KiB of stack'
check "both report SUCCESS" test "$(grep -c '^Test result: SUCCESS$' <<<"$out")" = 2
check "run.sh exits 0 (got $status)" status_is 0
finish
