#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Every C source and header of the tree is formatted as the root
# .clang-format says (clang-format --dry-run finds no change to make), and
# the check itself notices a badly formatted file.
set -u
fail=0

if ! command -v clang-format >/dev/null; then
    echo "clang-format is not installed (scripts/deps.sh installs it)"
    echo "Test result: ERROR (no clang-format)"
    exit 0
fi

# (a) The tree: the files git tracks, or every *.c/*.h outside build/.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.c' '*.h')
else
    mapfile -t files < <(find . -path ./build -prune -o \
        \( -name '*.c' -o -name '*.h' \) -print)
fi
bad=0
for f in "${files[@]}"; do
    [ -f "$f" ] || continue # deleted in the work tree, not yet committed
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not formatted: $f (run: clang-format -i $f)"
        bad=$((bad + 1))
    fi
done
echo "${#files[@]} files checked, $bad not formatted"
[ "$bad" -eq 0 ] || fail=1

# (b) The check notices drift: a file the root style would change.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp .clang-format "$tmp/"
printf 'int  f( int x ){return x;}\n' >"$tmp/drift.c"
if clang-format --dry-run --Werror "$tmp/drift.c" >/dev/null 2>&1; then
    echo "check failed: a badly formatted file passed"
    fail=1
fi

if [ "$fail" -eq 0 ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE"
fi
