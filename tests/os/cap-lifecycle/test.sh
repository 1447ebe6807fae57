#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# cap: three domains listed with the right states (running or blocked,
# paused, running), CPU time stands still while paused and moves after
# unpause, shutdown -w, destroy, and free memory back to the figure before.
set -u
. tests/os/lib.sh
os_run tests/os/cap-lifecycle/script
# The Time(s) of spin in the n-th `cap list`.
spin_time() { grep -E '^spin ' <<<"$out" | sed -n "${1}p" | awk '{print $6}'; }
state() { grep -E "^$1 " <<<"$out" | sed -n "${2}p" | awk '{print $5}'; }
check "three domains created" test "$(grep -cE '^Domain [0-9]+ \((one|two|spin)\) created(, paused)?$' <<<"$out")" = 3
check "one is running or blocked" test "$(state one 1 | grep -cE '^(r|-b)')" = 1
check "two is paused" test "$(state two 1)" = "--p---"
check "spin is running" test "$(state spin 1)" = "r-----"
check "spin paused" test "$(state spin 2)" = "--p---"
echo "spin CPU time: $(spin_time 1) $(spin_time 2) $(spin_time 3) $(spin_time 4)"
check "CPU time stands still while paused" test "$(spin_time 2)" = "$(spin_time 3)"
check "CPU time moves after unpause" awk "BEGIN { exit !($(spin_time 4) > $(spin_time 3)) }"
check "one shut down (poweroff)" has '^cap: domain [0-9]+ \(one\) powered off: destroy$'
check "no domain 42" has "^cap: destroy: no domain with id 42$"
check "all destroyed" test "$(grep -cE '^(one|two|spin) ' <<<"$out")" -ge 4
lastlist=$(awk '/^dom0# cap list$/ { buf = ""; f = 1; next } /^dom0# / { f = 0 } f { buf = buf $0 "\n" } END { printf "%s", buf }' <<<"$out")
check "the last list shows dom0 only" test "$(grep -vc '^Name' <<<"$lastlist")" = 1
free=$(grep -E '^free_frames +: ' <<<"$out" | awk '{print $3}')
echo "free frames: $(echo $free)"
check "free memory after destroying all equals before" test "$(echo $free | awk '{print ($1 == $2 && NF == 2)}')" = 1
check "run.sh exits 0 (got $status)" status_is 0
finish
