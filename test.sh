#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./test.sh [TEST ...]: install what is missing, build everything, run every
# test (or the named ones). See tests/README.md.
set -euo pipefail
cd "$(dirname "$0")"

scripts/deps.sh
ninja
exec python3 tests/run.py "$@"
