#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The density benchmark (docs/benchmarks.md, "Density"), not part of the
# suite: with 4 GiB under -icount shift=0,sleep=off (1 ns = 1
# instruction), cap density creates 128 KiB tiny domains until memory
# runs out (or DOMAIN_MAX), checks every greeting, times one scheduler
# pass over all of them, destroys them all and compares free frames.
# About 5 minutes of wall time. MEM=2G tests/bench/density/run.sh for
# another size. The figures are the `density:` lines.
set -eu
cd "$(dirname "$0")/../../.."
ninja
./run.sh --icount --loglvl warn --mem "${MEM:-4G}" --timeout 1800 \
    --script tests/bench/density/script
