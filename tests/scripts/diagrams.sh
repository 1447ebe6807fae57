#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Every picture in docs/diagrams/ is drawn from its text source: the
# committed NAME.svg is exactly what scripts/diagram.py makes of NAME.txt
# (edit the .txt, run the script, commit both), and a bad source is
# reported with its file and line.
set -u
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
for src in docs/diagrams/*.txt; do
    svg=${src%.txt}.svg
    n=$((n + 1))
    if ! python3 scripts/diagram.py "$src" "$tmp/out.svg"; then
        echo "check failed: $src does not draw"
        fail=1
    elif ! cmp -s "$tmp/out.svg" "$svg"; then
        echo "check failed: $svg is not what $src draws" \
            "(run: python3 scripts/diagram.py $src $svg)"
        fail=1
    fi
done
echo "$n diagrams checked"
[ "$n" -ge 4 ] || { echo "check failed: fewer than 4 diagrams"; fail=1; }

printf 'boxes t\nbox a 0 0 10 10 "a"\narrow a nowhere "x"\n' >"$tmp/bad.txt"
if python3 scripts/diagram.py "$tmp/bad.txt" "$tmp/bad.svg" 2>"$tmp/err"; then
    echo "check failed: an arrow to an unknown box was drawn"
    fail=1
elif ! grep -q "bad.txt" "$tmp/err"; then
    echo "check failed: the error does not name the file: $(cat "$tmp/err")"
    fail=1
fi

if [ "$fail" -eq 0 ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE"
fi
