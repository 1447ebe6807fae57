#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# newlib-test passes in dom0's user space (printf with floats, malloc,
# reading a ramdisk file with stdio, strtod, qsort, libm, strings).
set -u
. tests/os/lib.sh
os_run tests/os/newlib/script
check "newlib-test reports SUCCESS" has '^newlib-test: [0-9]+ checks, 0 failed$'
check "its result line is SUCCESS" has '^Test result: SUCCESS$'
check "it read the ramdisk file" has 'read 100 lines \(5400 bytes\) from /etc/newlib-test.txt'
check "run.sh exits 0 (got $status)" status_is 0
finish
