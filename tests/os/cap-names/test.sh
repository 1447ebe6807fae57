#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap -h and --version, cap list with names and ids, cap domid and cap
# domname (xl's lookups), and what each says when the domain is not there;
# cap create -n (check and plan, make nothing), and why a shutdown is
# refused.
set -u
. tests/os/lib.sh
os_run tests/os/cap-names/script
check "cap -h prints the usage" after '^dom0# cap -h$' '^usage: cap COMMAND'
check "cap --version names the ABI" \
    has '^cap, the Carapace toolstack, for hypercall ABI [0-9]+\.[0-9]+$'
check "cap list shell lists shell alone" \
    after '^dom0# cap list shell$' '^shell +1 +8 +1 +--p--- '
check "cap list -l 0 shell: Domain-0 then shell" \
    after '^dom0# cap list -l 0 shell$' '^Domain-0 +0 '
check "cap list nosuch fails" \
    after '^dom0# cap list nosuch$' "^cap: list: no domain named 'nosuch'$"
check "its exit status is 1" after '^dom0# cap list nosuch$' '^sh: cap: exit status 1$'
check "cap uptime: dom0" after '^dom0# cap uptime$' '^Domain-0 +0 0:00:[0-9][0-9]$'
check "cap uptime: the new domain" after '^dom0# cap uptime$' '^shell +1 0:00:[0-9][0-9]$'
check "cap uptime NAME, and a name that is not there" \
    after '^dom0# cap uptime shell nosuch$' "^cap: uptime: no domain named 'nosuch'$"
check "cap domid shell" after '^dom0# cap domid shell$' '^1$'
check "cap domid Domain-0" after '^dom0# cap domid Domain-0$' '^0$'
check "cap domid nosuch" after '^dom0# cap domid nosuch$' "^cap: domid: no domain named 'nosuch'$"
check "cap domname 1" after '^dom0# cap domname 1$' '^shell$'
check "cap domname 0" after '^dom0# cap domname 0$' '^Domain-0$'
check "cap domname 7" after '^dom0# cap domname 7$' '^cap: domname: no domain with id 7$'
check "cap domname x1" after '^dom0# cap domname x1$' "^cap: domname: 'x1' is not a domain id$"
check "create -n shows the plan" \
    after '^dom0# cap create -n /etc/carapace/hello.cfg memory=8$' '^Domain hello: 8 MiB, 1 vCPU, kernel /boot/kernel\.elf \(ABI [0-9]+\.[0-9]+, entry 0x[0-9a-f]+\), ramdisk /boot/domu\.cpio$'
check "  and where its pieces go" has '^  frames 2048 at 0x40000000: start info [0-9]+, .*free from [0-9]+$'
check "  and makes nothing" after '^Nothing created \(-n\)\.$' '^Domain-0 +0 '
check "  nor a domain hello" lacks '^hello +[0-9]+ '
check "create -n checks like create" \
    has '^cap: create: command line: memory = 1: 1 MiB is too small: the image, the ramdisk and the boot data need [0-9]+ KiB$'
check "a paused domain takes a shutdown, and stops when unpaused" \
    after '^dom0# cap unpause ran$' '^Domain 1 \(ran\): poweroff$'
check "a shutdown of a stopped domain says why it is refused" \
    has '^cap: shutdown: domain 1 \(ran\): it has shut down already; only destroy is left$'
check "run.sh exits 0 (got $status)" status_is 0
finish
