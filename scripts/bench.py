#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""bench.py [--no-run]: run every deterministic benchmark and print its figures.

The one command behind the figures of docs/benchmarks.md and
docs/paravirtualization.md: it runs the benchmark tests under
`-icount shift=0,sleep=off` (guest time counts instructions, so each figure
repeats exactly, even on a loaded machine) through tests/run.py, then
prints every `bench:` line of their logs as Markdown
(a section per test). --no-run only reads the logs of the last run. Exits non-zero if a
benchmark failed or printed no figure. (The 486-domain density run is
separate and slow: docs/benchmarks.md.)
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHES = [
    ("guest/bench-hypercall", "hypercalls and page-table updates (ticks/op)"),
    ("guest/bench-evtchn", "event channels (ticks/op)"),
    ("script/os-bench", "the guest OS (ns = instructions per op)"),
    ("script/os-ring-bench", "shared rings"),
]
LINE = re.compile(r"^(?:\| )?bench: (.*\S)\s*$")


def figures(name):
    path = os.path.join(ROOT, "build", "tests", "logs", name + ".log")
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [m.group(1) for m in map(LINE.match, f) if m]
    except OSError:
        return []


def main(argv):
    if argv[1:] not in ([], ["--no-run"]):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    status = 0
    if not argv[1:]:
        names = [n for n, _ in BENCHES]
        status = subprocess.call(
            [sys.executable, os.path.join(ROOT, "tests", "run.py"), "-j", "1",
             "--icount"] + names, cwd=ROOT, stdout=subprocess.DEVNULL)
    for name, title in BENCHES:
        lines = figures(name)
        print(f"\n### {title} ({name})\n")
        if not lines:
            print(f"(no figures: see build/tests/logs/{name}.log)")
            status = status or 1
            continue
        for line in lines:
            print(f"    {line}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
