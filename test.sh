#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./test.sh [TEST ...]: install what is missing, build everything, run every
# test (or the named ones). See tests/README.md.
set -euo pipefail
cd "$(dirname "$0")"

scripts/deps.sh
if [ ! -f build/newlib/install/x86_64-elf/lib/libc.a ]; then
    echo "test.sh: building newlib for guest programs, once (about 2 minutes)"
fi
ninja
exec python3 tests/run.py "$@"
