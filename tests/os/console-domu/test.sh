#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# A domU's console output reaches dom0's back end: the guest kernel runs as
# a domU from a boot configuration (console ring, grant ref 0, event
# channel), and dom0's conread shows its output, the last 64 KiB of it for
# a domU that prints more.
set -u
. tests/os/lib.sh
dir=tests/os/console-domu
domu=(--module build/guest-kernel/kernel.elf
    --module build/guest-kernel/ramdisk.cpio)

os_run $dir/script-hello --module build/tests/os/console-domu/boot.dtb \
    "${domu[@]}"
if has '^kernel: console back end off'; then
    echo "Test result: SKIP (the hypervisor has no domain control)"
    exit 0
fi
check "dom0 has /dev/dom/1/console" has '^console$'
check "conread of a domain without a console fails" \
    has '^conread: /dev/dom/7/console: No such file or directory$'
check "the domU's banner reached dom0" \
    has '^Carapace guest kernel: hello, 16 MiB'
check "a domU's console output reaches dom0's back end" \
    after 'conread 1$' '^Hello from user space! I am process 1 on hello\.$'
check "its kernel's last line too" \
    after '^Hello from user space!' '^kernel: init exited with status 0$'
check "no domU output on the serial line" lacks '^\(d1\) '

os_run $dir/script-spew --module build/tests/os/console-domu/spew.dtb \
    "${domu[@]}"
# conread's output: after the command, up to the domU kernel's last line.
hist=$(awk 'f { print } f && /^kernel: init exited/ { exit }
    /conread 1$/ { f = 1 }' <<<"$out")
bytes=$(($(printf '%s\n' "$hist" | wc -c)))
echo "conread printed $bytes bytes"
# 1100 lines of 64 bytes, then the kernel's 34-byte exit line: the last
# 65536 bytes start 30 bytes before the end of line 77.
line() { printf '%05d spew %s %05d' "$1" "$(printf '%.0s.' {1..46})" "$1"; }
first=$(line 77)
first=${first: -29}
check "conread printed exactly 64 KiB (got $bytes)" test "$bytes" = 65536
check "the first line is the tail of line 77" \
    test "$(head -n 1 <<<"$hist")" = "$first"
check "line 78 follows whole" test "$(sed -n 2p <<<"$hist")" = "$(line 78)"
check "the last spew line is 1100" \
    test "$(tail -n 2 <<<"$hist" | head -n 1)" = "$(line 1100)"
check "the last line is the kernel's" \
    test "$(tail -n 1 <<<"$hist")" = "kernel: init exited with status 0"
finish
