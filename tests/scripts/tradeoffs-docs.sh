#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# docs/tradeoffs.md, docs/tradeoffs.csv and docs/tradeoffs.svg are what
# `./run.sh --tradeoffs --docs` makes today: the harness is run for real,
# on every backend, and its CSV, chart and table must equal the committed
# ones (under -icount with nothing typed in, every run gives the same
# figures, so any difference means the figures changed and the docs were
# not regenerated).
set -u
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 scripts/tradeoffs.py --out "$out" >"$out/table.md" 2>"$out/err"
status=$?
cat "$out/err" "$out/table.md"
if [ "$status" != 0 ]; then
    echo "check failed: scripts/tradeoffs.py exited $status"
    fail=1
fi
for f in tradeoffs.csv tradeoffs.svg; do
    if ! cmp -s "$out/$f" "docs/$f"; then
        echo "check failed: docs/$f is not what the harness makes now:"
        diff "docs/$f" "$out/$f" | head -20
        fail=1
    fi
done
table=$(sed -n '/<!-- tradeoffs:table -->/,/<!-- \/tradeoffs:table -->/p' docs/tradeoffs.md |
    sed '1d;$d')
if [ "$table" != "$(cat "$out/table.md")" ]; then
    echo "check failed: docs/tradeoffs.md's table is not what the harness prints"
    fail=1
fi
if [ "$fail" != 0 ]; then
    echo "(regenerate them with ./run.sh --tradeoffs --docs)"
    echo "Test result: FAILURE"
    exit 1
fi
echo "Test result: SUCCESS"
