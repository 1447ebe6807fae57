#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Compare a Goldberg demo run with one column of its expected verdicts.

    check.py TABLE COLUMN LOG [PREFIX]
    check.py --lines LOG PREFIX

TABLE is tests/hvm/goldberg/expected.txt (a row per probe, a column per
environment), COLUMN the environment's name, LOG the run's output, and
PREFIX what starts each of the run's lines (e.g. "(d1) " for an hvm
domain whose console goes to the hypervisor's serial line). Every probe
of the table must print exactly one `goldberg: NAME ... verdict=V` line
with V as expected, none that the table lacks, and the run must end with
its own `Test result: SUCCESS`. Prints one line per difference and a
summary; exit status 0 if the run matches, 1 if not, 2 on a usage error.
With --lines it only prints the run's lines, rejoined and without the
prefix (for other checks of the same log).
"""
import re
import sys


def read_table(path, column):
    """The expected verdict of each probe, in the table's order."""
    header, rows = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if not words:
                continue
            if words[0] == "#" and len(words) > 1 and words[1] == "probe":
                header = words[1:]
            elif not words[0].startswith("#"):
                rows.append(words)
    if header is None or column not in header[1:]:
        raise ValueError(f"{path}: no column {column!r}")
    k = header.index(column)
    for r in rows:
        if len(r) != len(header):
            raise ValueError(f"{path}: row {r[0]!r} has {len(r)} words")
    return [(r[0], r[k]) for r in rows]


def run_lines(text, prefix):
    """The run's own lines, without the prefix. An hvm domain's output
    comes in pieces when it is preempted mid-line (the hypervisor ends the
    piece and labels the rest again), so the pieces are joined and split
    again where each of the demo's lines starts."""
    pieces = []
    for line in text.splitlines():
        line = line.rstrip("\r")
        if line.startswith(prefix):
            pieces.append(line[len(prefix):])
    return re.split(r"(?=goldberg: |Test result: )", "".join(pieces))


def read_run(text, prefix):
    """The verdict of each probe the run printed (a list per name) and
    its last result line."""
    seen, result = {}, None
    probe = re.compile(r"goldberg: (\S+) .* verdict=(\S+)$")
    for line in run_lines(text, prefix):
        m = probe.match(line)
        if m:
            seen.setdefault(m.group(1), []).append(m.group(2))
        elif line.startswith("Test result: "):
            result = line[len("Test result: "):]
    return seen, result


def main(argv):
    if len(argv) == 4 and argv[1] == "--lines":
        try:
            with open(argv[2], encoding="utf-8", errors="replace") as f:
                print("\n".join(line for line in run_lines(f.read(), argv[3])
                                if line))
        except OSError as e:
            print(f"goldberg-check: {e}")
            return 2
        return 0
    if len(argv) not in (4, 5):
        print("usage: " + " | ".join(
            line.strip() for line in __doc__.strip().splitlines()[2:4]),
            file=sys.stderr)
        return 2
    table, column, log = argv[1:4]
    prefix = argv[4] if len(argv) == 5 else ""
    try:
        expected = read_table(table, column)
        with open(log, encoding="utf-8", errors="replace") as f:
            seen, result = read_run(f.read(), prefix)
    except (OSError, ValueError) as e:
        print(f"goldberg-check: {e}")
        return 2
    bad = 0
    for name, want in expected:
        got = seen.pop(name, [])
        if got != [want]:
            print(f"goldberg-check: {column}: {name}: expected {want}, "
                  f"got {' '.join(got) or 'no line'}")
            bad += 1
    for name in seen:
        print(f"goldberg-check: {column}: {name}: not in the table")
        bad += 1
    if result is None or not result.startswith("SUCCESS"):
        print(f"goldberg-check: {column}: the run's result is {result}")
        bad += 1
    print(f"goldberg-check: {column}: {len(expected)} probes, "
          f"{bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
