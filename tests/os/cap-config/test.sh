#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap create with bad configurations: each message names file:line, key
# and value, the status is 1 and no domain exists afterwards; builds
# failing half-way (out of memory, --fail-at) give back every frame.
set -u
. tests/os/lib.sh
os_run tests/os/cap-config/script
d=/etc/carapace/tests
check "memory" has "^cap: create: $d/memory.cfg:3: memory = \"lots\": not a number of MiB$"
check "unknown key" has "^cap: create: $d/unknown.cfg:3: colour = \"blue\": unknown key$"
check "missing kernel file" has "^cap: create: $d/nokernel.cfg:2: kernel = \"/boot/nothere.elf\": cannot open: No such file or directory$"
check "not an ELF" has "^cap: create: $d/notelf.cfg:2: kernel = \"/etc/motd\": not an ELF file \(bad magic\)$"
check "bad name" has "^cap: create: $d/name.cfg:1: name = \"bad 5\": not a valid name"
check "no name" has "^cap: create: $d/noname.cfg: name: missing \(it is required\)$"
check "bad action" has "^cap: create: $d/action.cfg:3: on_crash = \"explode\": not \"destroy\", \"restart\" or \"preserve\"$"
check "vcpus" has "^cap: create: $d/vcpus.cfg:3: vcpus = 2: only 1 vCPU is supported$"
check "too small" has "^cap: create: $d/small.cfg:4: memory = 1: 1 MiB is too small"
check "missing file" has "^cap: create: $d/none.cfg: cannot open: No such file or directory$"
check "override" has '^cap: create: command line: memory = lots: not a number of MiB$'
check "out of memory rolls back, and says how much" has '^cap: create: /etc/carapace/hello.cfg: domain hello: populate: not enough free memory: [0-9]+ MiB needed, [0-9]+ MiB \([0-9]+ frames\) free$'
check "--fail-at load" has '^cap: create: /etc/carapace/hello.cfg: domain hello: load: failed on purpose'
check "--fail-at setvcpucontext" has 'domain hello: setvcpucontext: failed on purpose'
check "--fail-at unpause" has 'domain hello: unpause: failed on purpose'
check "usage status" has '^usage: cap create'
check "every failure exits 1" test "$(grep -c '^sh: cap: exit status 1$' <<<"$out")" = 15
check "no domain was left" lacks '^(bad|hello)'
free=$(grep -E '^free_frames +: ' <<<"$out" | awk '{print $3}')
echo "free frames: $(echo $free)"
check "free frames unchanged" test "$(echo $free | awk '{print ($1 == $2 && NF == 2)}')" = 1
check "run.sh exits 0 (got $status)" status_is 0
finish
