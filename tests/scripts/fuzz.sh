#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Every libFuzzer target (tests/fuzz/NAME/, built by ninja into
# build/tests/fuzz/NAME) runs once over its committed corpus without a
# crash, leak or sanitizer report, and every target has a corpus of at
# least one seed. scripts/fuzz.sh runs them for longer.
set -u
fail=0
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for dir in tests/fuzz/*/; do
    name=$(basename "$dir")
    [ -f "$dir/fuzz.c" ] || continue
    n=$((n + 1))
    bin=build/tests/fuzz/$name
    # The committed corpus, and the seeds ninja makes from sources.
    dirs=("$dir/corpus")
    [ -d "build/tests/fuzz/$name.seeds" ] && dirs+=("build/tests/fuzz/$name.seeds")
    seeds=$(find "${dirs[@]}" -type f 2>/dev/null | wc -l)
    if [ ! -x "$bin" ]; then
        echo "check failed: $bin is not built (run: ninja)"
        fail=1
        continue
    fi
    if [ "$seeds" -eq 0 ]; then
        echo "check failed: $dir/corpus/ and its built seeds have no seed"
        fail=1
        continue
    fi
    # -runs=0 with a directory: every file once, then exit.
    if "$bin" -runs=0 "${dirs[@]}" >"$tmp/$name.log" 2>&1; then
        echo "fuzz/$name: $seeds seeds, no crash"
    else
        echo "check failed: fuzz/$name crashed on its corpus:"
        tail -n 30 "$tmp/$name.log"
        fail=1
    fi
done
echo "$n targets run over their corpora"
[ "$n" -ge 9 ] || {
    echo "check failed: fewer than 9 targets"
    fail=1
}

if [ "$fail" -eq 0 ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE"
fi
