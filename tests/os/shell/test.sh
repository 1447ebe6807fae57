#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The shell's builtins, quoting, background jobs, and the small programs
# (echo, cat, ls, hello, uptime, ps, spin).
set -u
. tests/os/lib.sh
os_run tests/os/shell/script
check "the prompt is dom0# " has '^dom0# help$'
check "help lists the builtins" has '^  wait +wait for every background command'
check "help lists /bin" has '^ .*newlib-test'
check "quotes keep spaces" has '^two  words and more$'
check "cat /etc/motd" has '^Welcome to Carapace'
check "ls -l /etc shows sizes" has '^- +5400 newlib-test.txt$'
check "ls /bin lists sh" has '^sh$'
check "hello greets from dom0" has '^Hello from user space! I am process [0-9]+ on dom0\.$'
check "uptime" has '^up [0-9]+\.[0-9]{3} s, [0-9]+ processes$'
check "ps has its header" has '^ +PID +PPID STATE +TIME +MEM NAME$'
check "ps lists the shell" has ' sh$'
check "a background job prints its pid" has '^\[[0-9]+\]$'
check "wait reaps it" has '^\[[0-9]+\] done, exit status 0$'
check "36 background jobs never run out of process slots" lacks 'No more processes'
check "ended jobs are announced at the prompt" test "$(grep -cE '^\[[0-9]+\] done, exit status 0$' <<<"$out")" -ge 30
check "cat of a missing file fails" has '^cat: /etc/nothing: No such file or directory$'
check "the shell reports it" has '^sh: cat: exit status 1$'
check "run.sh exits 1, cat's status (got $status)" status_is 1
finish
