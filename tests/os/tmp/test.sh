#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Writing a configuration in dom0: /tmp is a writable directory, the shell
# redirects output (>, >>) and input (<) and keeps quoted words together,
# and cap creates a domain from the file with an override that has spaces.
# The read-only root and bad redirections fail with a message; cd and pwd
# move about, relative paths start from the working directory.
set -u
. tests/os/lib.sh
os_run tests/os/tmp/script
check "the file has four lines, in order" \
    after '^dom0# cat /tmp/t.cfg$' '^name = "tmpdom"$'
check "  the last of them" after '^name = "tmpdom"$' '^ramdisk = "/boot/domu.cpio"$'
check "input redirection reads it" \
    after '^dom0# cat < /tmp/t.cfg$' '^memory = 4$'
check "ls /tmp lists it" after '^dom0# ls /tmp$' '^t\.cfg$'
check "cap creates the domain from it, with the quoted override" \
    has '^Domain 1 \(tmpdom\) created, paused$'
check "cap list shows it" has '^tmpdom +1 +4 +1 +--p--- '
check "double and single quotes" has '^a "quoted" word and a \$single one$'
check "> truncates" after '^dom0# echo again > /tmp/t.cfg$' '^again$'
n=$(grep -c '^memory = 4$' <<<"$out")
check "  and none of the old contents (memory = 4 shown twice, got $n)" \
    test "$n" = 2
check "the root is read-only" \
    has '^sh: /etc/carapace/x\.cfg: Read-only file system$'
check "no such directory" has '^sh: /nodir/x: (Read-only file system|No such file or directory)$'
check "a missing input file" has '^sh: /tmp/missing: No such file or directory$'
check "> without a file" has '^sh: > needs a file name after it$'
check "a copy through both" after '^dom0# cat /tmp/copy$' '^again$'
check "pwd at first: /" after '^dom0# pwd$' '^/$'
check "cd /tmp; pwd" after '^dom0# cd /tmp$' '^/tmp$'
check "ls lists the working directory" after '^dom0# ls$' '^copy$'
check "a relative path from it" after '^dom0# cat copy$' '^again$'
check "cd ..; pwd" after '^dom0# cd \.\.$' '^/$'
check "cd bin; ./echo runs /bin/echo" after '^dom0# \./echo run from /bin$' '^run from /bin$'
check "cd into nothing" has '^sh: cd: /nosuch: No such file or directory$'
check "cd into a file" has '^sh: cd: /tmp/copy: Not a directory$'
check "cd alone goes to /" after '^dom0# cd$' '^/$'
check "run.sh exits 0 (got $status)" status_is 0
finish
