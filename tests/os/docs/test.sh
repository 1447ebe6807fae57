#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Every console session that README.md and docs/toolstack.md show is run
# exactly as printed, each in a fresh boot, and must appear in the
# session as shown (tests/os/docs/check.py: the rules, and how a block
# says which ./run.sh options it was run with).
set -u
exec python3 tests/os/docs/check.py README.md docs/toolstack.md
