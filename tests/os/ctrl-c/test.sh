#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Ctrl-C on the console stops the foreground program (spin, forever) and
# the shell's prompt returns.
set -u
. tests/os/lib.sh
os_run tests/os/ctrl-c/script
check "spin was running" has '^spin [0-9]+: tick 2$'
check "the shell reports SIGINT (status 130)" has '^sh: spin: exit status 130$'
check "the prompt returns" has '# echo back at the prompt$'
check "the next command runs" after 'exit status 130' '^back at the prompt$'
check "run.sh exits 0 (got $status)" status_is 0
finish
