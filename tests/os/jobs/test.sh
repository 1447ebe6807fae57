#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The shell's jobs and kill builtins: background commands are listed and
# can be ended (a CPU-bound spin too), with the signal's exit status.
set -u
. tests/os/lib.sh
os_run tests/os/jobs/script
check "jobs lists both sleeps" after '^dom0# jobs$' '^\[3\] sleep 200$'
check "jobs lists the first" has '^\[2\] sleep 100$'
check "kill 2 ends it with SIGTERM (128 + 15)" after '^dom0# kill 2$' '^\[2\] done, exit status 143$'
check "kill -KILL 3 (128 + 9)" after '^dom0# kill -KILL 3$' '^\[3\] done, exit status 137$'
check "spin is stopped by kill -INT (128 + 2)" after '^dom0# kill -INT 4$' '^\[4\] done, exit status 130$'
check "kill of no such process" has '^sh: kill: 99: No such process$'
check "a bad signal is a usage error" has '^usage: kill \[-SIG\] PID'
check "no job left after the kills" test "$(awk '/^dom0# jobs$/ { n++ } END { print n }' <<<"$out")" = 3
check "the last jobs lists nothing" after '^dom0# kill -KILL 3$' '^dom0# jobs$'
check "it lists nothing: the next line is a prompt" awk '
    /^dom0# jobs$/ { n++; if (n == 3) { getline; ok = /^dom0# spin &$/ } }
    END { exit !ok }' <<<"$out"
check "no unknown command" lacks 'command not found'
check "run.sh exits 0, sleep 0's status (got $status)" status_is 0
finish
