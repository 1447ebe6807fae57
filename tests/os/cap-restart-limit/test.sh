#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# on_crash = "restart" has a limit: a domU that crashes within 10 s of each
# start is restarted 5 times, then kept crashed (cap list shows it) until
# cap destroy, after which nothing brings it back; cap destroy of a domain
# in its restart loop ends the loop too.
set -u
. tests/os/lib.sh
os_run tests/os/cap-restart-limit/script
restarts=$(grep -cE '^Domain [0-9]+ \(crash\) created \(restarted\)$' <<<"$out")
check "5 restarts (got $restarts)" test "$restarts" = 5
check "the limit is named" has '^cap: domain [0-9]+ \(crash\) restarted 5 times, each stopping within 10 s: restart limit reached, kept stopped'
check "kept: cap list shows it crashed" after 'restart limit reached' '^crash +[0-9]+ .* -*c-* '
check "destroyed: not listed after cap destroy" \
    awk '/cap destroy crash/ { d = 1 } d && /^crash / { bad = 1 } END { exit bad }' <<<"$out"
check "no restart after the limit" \
    awk '/restart limit reached/ { l = 1 } l && /\(crash\) created/ { bad = 1 } END { exit bad }' <<<"$out"
check "again was restarted before its destroy" has '^Domain [0-9]+ \(again\) created \(restarted\)$'
check "again: nothing after cap destroy" \
    awk '/cap destroy again/ { d = 1 } d && (/\(again\) created/ || /^again /) { bad = 1 } END { exit bad }' <<<"$out"
check "run.sh exits 0 (got $status)" status_is 0
finish
