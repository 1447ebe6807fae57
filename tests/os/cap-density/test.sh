#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap density, small: under -icount, 40 tiny domains (128 KiB each,
# tests/bench/density/tiny.c) run at once with consoles attached on
# demand; every greeting is read back, a scheduler pass is timed, and
# destroying them all returns every frame. Bad arguments are refused
# with a message. The benchmark (until 4 GiB runs out) is
# tests/bench/density/run.sh (docs/benchmarks.md, "Density").
set -u
. tests/os/lib.sh
os_run tests/os/cap-density/script --icount --mem 256M --loglvl warn
check "a missing file is named" has '^cap: density: .*/etc/carapace/nope.cfg.*$'
check "-n 0 is refused" has '^cap: density: usage: cap density FILE \[-n MAX\] \(MAX: 1 to 32768\)$'
check "40 at once" has '^density: 40 domains running at once \(the -n limit\); [0-9]+ frames free$'
check "a create rate" has '^density: create rate [0-9]+ ns per domain'
check "frames per domain" has '^density: frames per domain [0-9]+\.[0-9]{2} \(guest memory 32\)$'
check "every greeting" has '^density: 40 of 40 greetings right$'
check "a scheduler pass" has '^density: one scheduler pass over all 40: [0-9]+ ns'
check "every frame back" has '^density: destroy [0-9]+ ns per domain; all memory free [0-9]+ ns after the first destroy: free frames ([0-9]+) \(before: \1\)$'
check "no tiny domain left" lacks '^tiny-[0-9]+ '
check "run.sh exits 0 (got $status)" status_is 0
finish
