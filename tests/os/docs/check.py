#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""check.py: run the console sessions of the docs, exactly as printed.

    check.py FILE.md...

A session block is a fenced code block right after a line
`<!-- session: ./run.sh [OPTIONS] -->` (invisible once rendered; the prose
around the block says how it was run). Every fenced block that shows a
`dom0# ` prompt must have one, so that no example escapes the test.

For each session block, the lines `HOST# TEXT` (HOST: dom0, or a domU's
name on its console) are typed in order into a fresh boot of `./run.sh
OPTIONS --script`, and the block must then appear in the session as
consecutive lines, compared without trailing blanks, except that:

  - a line `...` stands for any number of lines (output the docs cut);
  - a number with a decimal point (a CPU time) matches any such number;
  - in a `cap list` row, the states `r-----` and `-b----` match each other
    (a domain waiting for its console is blocked or, just woken by it,
    runnable, depending on when the list is taken); so, in a `ps` row, do
    `S` and `R` (a process just started in the background may not be
    asleep yet on a loaded machine);
  - on a line with a time or a frequency (a number followed by ` ms`,
    ` us` or ` kHz`), every number matches any number;
  - so on a boot banner's lines about memory (`Memory: ...`, `Carapace
    guest kernel: ...`): frame counts, sizes and addresses move with every
    change to an image, and the docs show their shape;
  - `HOST# ^]` and `HOST# ^C` are keys (Ctrl-], Ctrl-C), sent but not
    echoed: they match `HOST# `;
  - a bare `HOST#` (the prompt where the reader takes over) matches that
    prompt with whatever is typed at it next (the `exit` that ends the
    session).

Prints each session and what did not match, then the test's one result
line; exits 1 if anything failed.
"""
import os
import re
import subprocess
import sys
import tempfile

MARK = re.compile(r"^<!-- session: \./run\.sh(.*?) -->$")
PROMPT = re.compile(r"^([a-z0-9_.-]+)# (.*)$")
KEYS = ("^]", "^C", "^D")
DECIMAL = re.compile(r"\d+\.\d+")
TIMED = re.compile(r"\d+ (?:ms|us|kHz)\b")
RUN_OR_BLOCKED = r" (?:r-----|-b----) "
BANNER = re.compile(r"^(?:Memory: |Carapace guest kernel: )")
PSROW = re.compile(r"^(\s*\d+\s+\d+\s+)([RS])(\s+\d+\.\d+\s.*)$")


def blocks(path):
    """(line number, run.sh options or None, lines) of each fenced block."""
    out, opts, body, start = [], None, None, 0
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if body is None and line.startswith("```"):
                body, start = [], n
            elif body is not None and line.startswith("```"):
                out.append((start, opts, body))
                body, opts = None, None
            elif body is not None:
                body.append(line)
            else:
                m = MARK.match(line)
                opts = m.group(1).split() if m else (opts if not line.strip() else None)
    return out


def pattern(line):
    """The regex a doc line stands for (module docstring)."""
    m = PROMPT.match(line)
    if m and m.group(2) in KEYS:
        line = m.group(1) + "#"
    line = line.rstrip()
    if re.fullmatch(r"[a-z0-9_.-]+#", line):
        return re.compile(re.escape(line) + "(?: .*)?")
    if TIMED.search(line) or BANNER.match(line):
        number = r"0x[0-9a-f]+|\d+"
        parts = re.split(number, line)
        return re.compile(f"(?:{number})".join(re.escape(p) for p in parts))
    ps = PSROW.match(line)
    if ps:
        rest = r"\d+\.\d+".join(re.escape(p) for p in DECIMAL.split(ps.group(3)))
        return re.compile(re.escape(ps.group(1)) + "[RS]" + rest)
    parts = DECIMAL.split(line)
    rx = r"\d+\.\d+".join(re.escape(p) for p in parts)
    for state in ("r-----", "-b----"):
        rx = rx.replace(re.escape(" " + state + " "), RUN_OR_BLOCKED)
    return re.compile(rx)


def matches(doc, session, i, j):
    """Do doc[i:] match session[j:] from j on (consecutive lines)?"""
    if i == len(doc):
        return True
    if doc[i] == "...":
        return any(matches(doc, session, i + 1, k) for k in range(j, len(session) + 1))
    if j < len(session) and pattern(doc[i]).fullmatch(session[j].rstrip()):
        return matches(doc, session, i + 1, j + 1)
    return False


def first_mismatch(doc, session):
    """The first doc line that never matches (for the message)."""
    j = 0
    for line in doc:
        if line == "...":
            continue
        p = pattern(line)
        while j < len(session) and not p.fullmatch(session[j].rstrip()):
            j += 1
        if j == len(session):
            return line
        j += 1
    return None


def run_session(opts, doc):
    """Boots ./run.sh OPTS --script with the block's typed lines."""
    typed = []
    for line in doc:
        m = PROMPT.match(line)
        if m and m.group(2):
            typed.append(m.group(2))
    scale = float(os.environ.get("CARAPACE_TIMEOUT_SCALE") or 1) or 1
    with tempfile.NamedTemporaryFile("w", suffix=".script", delete=False) as f:
        f.write("".join(t + "\n" for t in typed))
    try:
        cmd = ["./run.sh", *opts, "--timeout", f"{40 * scale:g}", "--quiet", "20",
               "--script", f.name]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=60 * scale)
    finally:
        os.unlink(f.name)
    text = proc.stdout.decode("utf-8", "replace").replace("\r", "")
    return cmd, text, proc.returncode


def check_block(path, start, opts, doc):
    """Runs one session block; returns a failure message or None."""
    where = f"{path}:{start}"
    if opts is None:
        return f"{where}: a block with a dom0# prompt but no <!-- session: --> line"
    cmd, text, status = run_session(opts, doc)
    print(f"== {where}: {' '.join(cmd[:-1])} (exit status {status})")
    print("".join(f"| {line}\n" for line in text.splitlines()), end="")
    session = text.splitlines()
    if any(matches(doc, session, 0, j) for j in range(len(session))):
        return None
    missing = first_mismatch(doc, session)
    if missing is None:
        return f"{where}: every line is there, but not one after the other as shown"
    return f"{where}: not in the session: {missing!r}"


def main():
    failures, count = [], 0
    for path in sys.argv[1:]:
        for start, opts, doc in blocks(path):
            if opts is None and not any(PROMPT.match(line) or line == "dom0#"
                                        for line in doc):
                continue
            count += 1
            why = check_block(path, start, opts, doc)
            if why:
                print(f"check failed: {why}")
                failures.append(why)
    if not count:
        failures.append("no session blocks found")
    if failures:
        print(f"Test result: FAILURE ({len(failures)} of {count} blocks; first: "
              f"{failures[0]})")
        return 1
    print(f"Test result: SUCCESS ({count} session blocks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
