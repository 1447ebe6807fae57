#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tradeoffs.py: what each basic operation costs on every backend, side by side.

    tradeoffs.py [--backends A,B] [--from-logs DIR] [--out DIR] [--docs]

Boots each backend with `./run.sh --icount FLAGS --kargs
init=/bin/tradeoff`: the guest kernel runs /bin/tradeoff
(guest-kernel/user/bin/tradeoff.c) as its first process, and powers off
when it exits. Under -icount shift=0,sleep=off its figures are instruction
counts, and with nothing typed into the machine (no console input, whose
arrival would follow the wall clock) they repeat exactly, run after run. Each session is
kept in OUT/NAME.log; the `tradeoff: OP N` lines are read from it (a
carriage return and a `(d0) `-like console label are allowed), and the
run FAILS, naming the backend and the operation, if a line is malformed,
the `tradeoff: done COUNT` line is missing or disagrees, or the backends
did not report the same operations.

Prints one Markdown table (a row per operation, a column of instructions
per backend and, when native is in the run, each other backend's ratio to
it), and writes OUT/tradeoffs.csv and OUT/tradeoffs.svg (a log-scale bar
chart, scripts/chart.py).

  --backends A,B   which rows of BACKENDS below to run (default: all)
  --from-logs DIR  read DIR/NAME.log instead of booting (the harness's own
                   test, script/tradeoffs-harness, feeds it crafted logs)
  --out DIR        where the logs, CSV and SVG go (default build/tradeoffs)
  --docs           also copy the CSV and SVG to docs/ and put the table
                   between the markers of docs/tradeoffs.md
  --docs-dir DIR   the docs directory for --docs (default docs; for tests)

Paths are relative to the current directory (the repository root under
`./run.sh --tradeoffs`). Exit status: 0, 1 if any check failed or a
backend did not run, 2 for a usage error. Standard library only.
"""
import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import chart  # noqa: E402  (scripts/chart.py, beside this file)

# The backends, in table order: name, run.sh flags, label (the chart's
# legend). native comes first: the ratios are to it. A new backend (hvm,
# trap) is one more row.
BACKENDS = [
    ("native", ["--native"], "native (no hypervisor)"),
    ("pv", ["--append", "bootscrub=no"], "pv (dom0 on Carapace)"),
    ("hvm", ["--hvm", "--append", "bootscrub=no"],
     "hvm (native kernel under SVM on Carapace)"),
    ("trap", ["--trap", "--append", "bootscrub=no"],
     "trap (native kernel in ring 3, trap-and-emulate)"),
]
# bootscrub=no on the hypervisor backends: QEMU's RAM is zero at power-on,
# and otherwise the idle loop zeroes the boot's free memory while the
# program sleeps, which timer-wakeup would count (docs/tradeoffs.md).
# Backends whose kernel is not the machine's first: the run is a dom0
# session that waits for /bin/tradeoff's last line (on the serial line,
# "(d1) " lines), then ends (scripts/console.py types the closing exit).
SCRIPTED = {"hvm": "scripts/tradeoffs-wait.script",
            "trap": "scripts/tradeoffs-wait.script"}
REFERENCE = "native"
# The first process: nothing is typed, so nothing waits on the wall clock.
INIT = "init=/bin/tradeoff"
# A trap domain's CPUID does not trap: /bin/tradeoff is told to count its
# traps (VMMCALL 2, emulated there) all the same.
INIT_ARGS = {"trap": " --trap"}
SESSION_TIMEOUT = 300  # seconds: a run takes a few under TCG

LINE = re.compile(r"^(?:\([^()\s]+\) )?tradeoff: (.*)$")
EXITS = re.compile(r"^(?:\([^()\s]+\) )?tradeoff-exits: (\S+) ([0-9]+(?:\.[0-9]+)?)$")
INIT_OK = re.compile(r"^(?:\(d[0-9]+\) )?kernel: init exited with status 0\r?$", re.M)
OP = re.compile(r"[a-z][a-z0-9-]*")
VALUE = re.compile(r"[0-9]+(?:\.[0-9]+)?")
BEGIN, END = "<!-- tradeoffs:table -->", "<!-- /tradeoffs:table -->"


class Failed(Exception):
    pass


def exits(text):
    """{op: exits per op} from a session's tradeoff-exits lines (hvm)."""
    found = {}
    for line in text.replace("\r", "").splitlines():
        m = EXITS.match(line.rstrip())
        if m:
            found[m.group(1)] = m.group(2)
    return found


def parse(name, text):
    """The [(op, value)] of a session, in order, and a list of problems."""
    ops, errors, done = {}, [], None
    for line in text.replace("\r", "").splitlines():
        m = LINE.match(line.rstrip())
        if not m:
            continue
        words = m.group(1).split()
        if done is not None:
            errors.append(f"backend {name}: a line after the done line: {line!r}")
        elif len(words) == 2 and words[0] == "done" and words[1].isdigit():
            done = int(words[1])
        elif len(words) != 2 or not OP.fullmatch(words[0]):
            errors.append(f"backend {name}: malformed line {line!r}")
        elif not VALUE.fullmatch(words[1]):
            errors.append(f"backend {name}: op {words[0]}: malformed number "
                          f"{words[1]!r} in {line!r}")
        elif words[0] in ops:
            errors.append(f"backend {name}: op {words[0]} reported twice")
        else:
            ops[words[0]] = words[1]
    if done is None:
        errors.append(f"backend {name}: no 'tradeoff: done COUNT' line (did "
                      "/bin/tradeoff run to its end?)")
    elif done != len(ops) and not errors:
        errors.append(f"backend {name}: the done line counts {done} ops, "
                      f"but {len(ops)} were read")
    return list(ops.items()), errors


def compare(results):
    """Problems: a backend without some op of the first's, or with more."""
    (ref, ref_ops), errors = results[0], []
    want = [op for op, _ in ref_ops]
    for name, ops in results[1:]:
        have = [op for op, _ in ops]
        errors += [f"backend {name}: no line for op {op} ({ref} has one)"
                   for op in want if op not in have]
        errors += [f"backend {name}: op {op} is not in {ref}'s output"
                   for op in have if op not in want]
    return errors


def run_backend(name, flags, out):
    """Boots the backend, keeps its session in OUT/NAME.log, returns it."""
    cmd = [os.path.join(ROOT, "run.sh"), "--icount", *flags, "--kargs",
           INIT + INIT_ARGS.get(name, "")]
    if name in SCRIPTED:
        cmd += ["--timeout", str(SESSION_TIMEOUT), "--script", SCRIPTED[name]]
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              timeout=SESSION_TIMEOUT + 60)
        text = proc.stdout.decode("utf-8", "replace")
        status = proc.returncode
    except subprocess.TimeoutExpired as err:
        text = (err.stdout or b"").decode("utf-8", "replace")
        status = None
    log = os.path.join(out, f"{name}.log")
    with open(log, "w") as f:
        f.write(text)
    print(f"tradeoffs: {name}: {time.monotonic() - start:.1f} s, session in {log}",
          file=sys.stderr)
    if status == 2 and "unknown option" in text:
        raise Failed(f"backend {name}: ./run.sh does not know "
                     f"{' '.join(flags)}: this tree has no {name} backend "
                     f"(choose others with --backends)")
    if status != 0:
        why = "timed out" if status is None else f"exited with status {status}"
        raise Failed(f"backend {name}: ./run.sh {why} (session in {log})")
    if not INIT_OK.search(text):
        raise Failed(f"backend {name}: /bin/tradeoff did not exit with "
                     f"status 0 (session in {log})")
    return text


def read_log(name, logs):
    path = os.path.join(logs, f"{name}.log")
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError as err:
        raise Failed(f"backend {name}: cannot read {path}: {err.strerror}")


def number(text):
    v = float(text)
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def ratio(value, base):
    return f"{float(value) / float(base):.1f}x" if float(base) > 0 else "-"


def table(results, exit_counts=None):
    """Markdown: op, then each backend's figure (and its ratio to native),
    then the exits per op of each backend that counts them (hvm)."""
    exit_counts = exit_counts or {}
    names = [n for n, _ in results]
    by = {n: dict(ops) for n, ops in results}
    ref = REFERENCE if REFERENCE in names else None
    head, rule = ["operation"], ["---"]
    for n in names:
        head.append(n)
        rule.append("--:")
        if ref and n != ref:
            head.append(f"{n}/{ref}")
            rule.append("--:")
    counted = [n for n in names if exit_counts.get(n)]
    for n in counted:
        head.append(f"{n} exits")
        rule.append("--:")
    rows = ["| " + " | ".join(head) + " |", "|" + "|".join(rule) + "|"]
    for op, _ in results[0][1]:
        cells = [f"`{op}`"]
        for n in names:
            cells.append(number(by[n][op]))
            if ref and n != ref:
                cells.append(ratio(by[n][op], by[ref][op]))
        for n in counted:
            cells.append(exit_counts[n].get(op, "-"))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def write_csv(results, path, exit_counts=None):
    exit_counts = exit_counts or {}
    counted = [n for n, _ in results if exit_counts.get(n)]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["op"] + [n for n, _ in results] + [f"{n}-exits" for n in counted])
    by = {n: dict(ops) for n, ops in results}
    for op, _ in results[0][1]:
        w.writerow([op] + [by[n][op] for n, _ in results] +
                   [exit_counts[n].get(op, "") for n in counted])
    with open(path, "w") as f:
        f.write(buf.getvalue())


def write_svg(results, labels, path):
    """The chart; a backend keeps its colour whichever others are shown."""
    by = {n: dict(ops) for n, ops in results}
    order = [n for n, _, _ in BACKENDS]
    colours = [chart.COLOURS[order.index(n) % len(chart.COLOURS)]
               for n, _ in results]
    groups = [op for op, _ in results[0][1]]
    values = [[float(by[n][op]) for n, _ in results] for op in groups]
    svg = chart.bar_chart(
        "What each operation costs, per backend", groups,
        [labels[n] for n, _ in results], values,
        "instructions per operation (QEMU -icount; log scale)", colours)
    with open(path, "w") as f:
        f.write(svg)


def update_docs(md, text):
    """Puts text between the table markers of md (both must be there)."""
    try:
        with open(md) as f:
            doc = f.read()
    except OSError as err:
        raise Failed(f"--docs: cannot read {md}: {err.strerror}")
    start, end = doc.find(BEGIN), doc.find(END)
    if start < 0 or end < start:
        raise Failed(f"--docs: {md} lacks the markers {BEGIN} ... {END}")
    doc = doc[:start + len(BEGIN)] + "\n" + text + doc[end:]
    with open(md, "w") as f:
        f.write(doc)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="backends: " + ", ".join(n for n, _, _ in BACKENDS))
    ap.add_argument("--backends", default=",".join(n for n, _, _ in BACKENDS))
    ap.add_argument("--from-logs", metavar="DIR")
    ap.add_argument("--out", metavar="DIR", default="build/tradeoffs")
    ap.add_argument("--docs", action="store_true")
    ap.add_argument("--docs-dir", metavar="DIR", default=os.path.join(ROOT, "docs"))
    args = ap.parse_args()
    known = {n: (flags, label) for n, flags, label in BACKENDS}
    wanted = [b for b in args.backends.split(",") if b]
    bad = [b for b in wanted if b not in known]
    if bad or not wanted:
        ap.error(f"unknown backend {', '.join(bad) or '(none)'}: "
                 f"choose from {', '.join(known)}")
    chosen = [n for n, _, _ in BACKENDS if n in wanted]  # table order
    os.makedirs(args.out, exist_ok=True)
    # Every backend is read, and the ops compared, before failing: one run
    # then names every problem (a lost line shows in both checks).
    results, errors, exit_counts = [], [], {}
    for name in chosen:
        try:
            text = (read_log(name, args.from_logs) if args.from_logs
                    else run_backend(name, known[name][0], args.out))
        except Failed as err:
            errors.append(str(err))
            continue
        ops, problems = parse(name, text)
        results.append((name, ops))
        exit_counts[name] = exits(text)
        errors += problems
    if results:
        errors += compare(results)
    if errors:
        print("tradeoffs: FAILED:\n" + "\n".join(errors), file=sys.stderr)
        return 1
    md = table(results, exit_counts)
    print(md, end="", flush=True)
    csv_path = os.path.join(args.out, "tradeoffs.csv")
    svg_path = os.path.join(args.out, "tradeoffs.svg")
    write_csv(results, csv_path, exit_counts)
    write_svg(results, {n: known[n][1] for n in chosen}, svg_path)
    print(f"tradeoffs: wrote {csv_path} and {svg_path}", file=sys.stderr)
    if args.docs:
        try:
            update_docs(os.path.join(args.docs_dir, "tradeoffs.md"), md)
        except Failed as err:
            print(f"tradeoffs: FAILED: {err}", file=sys.stderr)
            return 1
        shutil.copyfile(csv_path, os.path.join(args.docs_dir, "tradeoffs.csv"))
        shutil.copyfile(svg_path, os.path.join(args.docs_dir, "tradeoffs.svg"))
        docs = os.path.relpath(args.docs_dir)
        print(f"tradeoffs: updated {docs}/tradeoffs.md, .csv, .svg",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
