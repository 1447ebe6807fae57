#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# fuzz.sh [SECONDS] [NAME...]: run each libFuzzer target (tests/fuzz/NAME/,
# every one by default) for SECONDS (default 60) from its committed corpus,
# one process on one core, and print per target the executions, the
# executions per second and whether it crashed. New inputs go to
# build/tests/fuzz/NAME.corpus/ (the committed corpus is only read); a
# crashing input is saved as build/tests/fuzz/NAME-crash-*. Exit 1 if any
# target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-60}
case "$secs" in
'' | *[!0-9]*)
    echo "usage: $0 [SECONDS] [NAME...]" >&2
    exit 2
    ;;
esac
shift || true
if [ $# -gt 0 ]; then
    names=("$@")
else
    names=()
    for d in tests/fuzz/*/; do
        [ -f "$d/fuzz.c" ] && names+=("$(basename "$d")")
    done
fi

targets=$(printf 'build/tests/fuzz/%s ' "${names[@]}")
# shellcheck disable=SC2086
ninja $targets fuzz-seeds >/dev/null || ninja $targets fuzz-seeds
crashed=0
printf '%-10s %10s %8s %10s  %s\n' target execs seconds execs/s result
for name in "${names[@]}"; do
    work=build/tests/fuzz/$name.corpus
    log=build/tests/fuzz/$name.log
    mkdir -p "$work"
    seeds=
    [ -d "build/tests/fuzz/$name.seeds" ] && seeds=build/tests/fuzz/$name.seeds
    rc=0
    "build/tests/fuzz/$name" -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="build/tests/fuzz/$name-" "$work" \
        "tests/fuzz/$name/corpus" $seeds >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    t=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    result=ok
    if [ "$rc" -ne 0 ]; then
        crashed=1
        result="CRASH (exit $rc): $(grep -o 'Test unit written to .*' "$log" |
            tail -1) (log: $log)"
    fi
    printf '%-10s %10s %8s %10s  %s\n' "$name" "${execs:-?}" "$secs" \
        "${t:-?}" "$result"
done
exit "$crashed"
