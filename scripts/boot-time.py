#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""boot-time.py [-n RUNS] [-- run.sh options]: where the boot to `dom0# ` goes.

Two configurations are booted in turn, RUNS times each: the boot as it is
now, and the boot as it was before issue 14's cuts (the hypervisor waiting
for 3 timer ticks instead of 1, and zeroing dom0's memory as it builds it
instead of trusting QEMU's zeroed RAM: `--append "timer_check=3
bootscrub=idle"`), so that both
figures come from the same run on the same, equally loaded, machine.

Boots the machine RUNS times (default 9) as ./run.sh does (it builds
first, and takes its options, e.g. --native), and timestamps, in wall time
from the moment QEMU is started, the first byte on the serial line (QEMU
and the firmware), the hypervisor's "Boot complete" line (its own boot),
"dom0: domain 0 built" (building dom0) and the shell's prompt (dom0's
kernel booting to its shell). Prints each stage's median and the total's
median, minimum and maximum, then powers each machine off. A benchmark,
not a test: wall time depends on the machine and its load; compare runs
made in the same command (docs/benchmarks.md, "Boot time").
"""
import os
import re
import select
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKS = [
    ("first serial byte (QEMU start, firmware)", re.compile(rb".")),
    ("hypervisor boot (to \"Boot complete\")", re.compile(rb"Boot complete after")),
    ("dom0 built", re.compile(rb"dom0: domain 0 built")),
    ("dom0 kernel to its prompt", re.compile(rb"(?m)^[a-z0-9]+# ")),
]


def qemu_command(opts):
    """run.sh's QEMU command line, as it prints it with CARAPACE_PRINT_QEMU."""
    env = dict(os.environ, CARAPACE_PRINT_QEMU="1")
    out = subprocess.run([os.path.join(ROOT, "run.sh"), *opts], cwd=ROOT,
                         env=env, stdout=subprocess.PIPE, check=True).stdout
    return out.decode().split("\0")[:-1]


def one_boot(cmd, timeout=60.0):
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen, buf, at = [], b"", []
    try:
        while len(at) < len(MARKS) and time.monotonic() - t0 < timeout:
            r, _, _ = select.select([proc.stdout], [], [], 0.5)
            if not r:
                continue
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            now = time.monotonic() - t0
            buf += chunk
            while len(at) < len(MARKS) and MARKS[len(at)][1].search(buf):
                at.append(now)
        proc.stdin.write(b"poweroff\n")
        proc.stdin.flush()
        proc.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()
    del seen
    return at if len(at) == len(MARKS) else None


def main(argv):
    runs, opts = 9, []
    if "--" in argv:
        opts = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    if argv[1:3] and argv[1] == "-n":
        runs = int(argv[2])
    elif argv[1:]:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    configs = [("now", qemu_command(opts)),
               ("before (timer_check=3 bootscrub=idle)",
                qemu_command(opts + ["--append",
                                     "timer_check=3 bootscrub=idle"]))]
    boots = {name: [] for name, _ in configs}
    for _ in range(runs):
        for name, cmd in configs:
            b = one_boot(cmd)
            if b:
                boots[name].append(b)
    status = 0
    for name, _ in configs:
        got = boots[name]
        if not got:
            print(f"boot-time: {name}: no boot reached the prompt", file=sys.stderr)
            status = 1
            continue
        print(f"boot-time: {name}: {len(got)} of {runs} boots, wall time, median:")
        prev = [0.0] * len(got)
        for i, (stage_name, _) in enumerate(MARKS):
            stage = statistics.median(b[i] - p for b, p in zip(got, prev))
            print(f"bench: {name}: {stage_name}: {stage * 1000:.0f} ms")
            prev = [b[i] for b in got]
        total = [b[-1] for b in got]
        print(f"bench: {name}: boot to the prompt: median "
              f"{statistics.median(total) * 1000:.0f} ms (min "
              f"{min(total) * 1000:.0f}, max {max(total) * 1000:.0f})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
