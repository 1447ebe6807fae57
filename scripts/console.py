#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""console.py: drive dom0's shell on a serial console from a script file.

    console.py [--timeout S] [--quiet S] [--eol cr|lf] SCRIPT -- COMMAND...

Runs COMMAND (QEMU with `-serial stdio`) with pipes, copies everything it
prints to our stdout as it arrives (the kernel's tty echoes what we type,
so this is the whole session), and types SCRIPT into it, one line at a
time. A line is sent when the console is ready for it:

  - the output since the previous line ends with a shell prompt (a line
    matching `^\\S+# $`, e.g. `dom0# `), or
  - the output has been quiet for --quiet seconds (default 5): that is how
    a line reaches a program that reads the console, such as `cat`.

Script lines:

  ^C             sends Ctrl-C (byte 0x03), without a newline
  ^D             sends Ctrl-D (byte 0x04), without a newline
  ^]             sends Ctrl-] (byte 0x1d), without a newline: what
                 detaches `cap console`
  # ...          a comment: not sent
  @expect RE     waits (at most --expect-timeout s, default 30) until the
                 output since the previous line sent matches the Python
                 regex RE; the line after it is then sent at once, without
                 waiting for a prompt (e.g. `spin`, `@expect tick 3`, `^C`)
  @sleep S       waits S seconds, then goes on like @expect
  anything else  is typed followed by Enter (--eol: `cr`, what a terminal
                 sends, by default; or `lf`)

At the end of the script it types `exit`: the shell exits with the status
of its last command, and the kernel prints `kernel: init exited with
status N` and powers off (a `poweroff N` in the script prints `kernel:
poweroff (status N)` instead). console.py then exits with N.

Only dom0's own such line counts: a domU's kernel prints the same words
on its console, which `cap console` shows in the session. dom0's line is
the last one after the last line typed, and the machine then powers off
(QEMU exits with status 1); until QEMU exits the script goes on. It exits 1,
saying why, if QEMU stopped without such a line (a crash), if an @expect
timed out, or after --timeout seconds in all (default 120; QEMU is killed);
3 if QEMU itself failed (it printed an error).
"""
import argparse
import os
import re
import subprocess
import sys
import threading
import time

PROMPT = re.compile(r"(?:^|\n)[^\S\n]*\S+# $")
KERNEL_END = re.compile(r"kernel: (?:init exited with status|poweroff \(status) (-?\d+)")
# QEMU's exit status (isa-debug-exit) when the hypervisor stops the machine.
# QEMU's own errors (its status is 1 then too, like a poweroff).
QEMU_ERROR = re.compile(r"^qemu-system-[^:]*: (?!warning: ).*$", re.M)
QEMU_STATUS = {1: "the machine powered off", 3: "the hypervisor stopped on a fatal error",
               5: "dom0 crashed", 7: "dom0 asked for a reboot"}


class Console:
    """QEMU's output, collected by a reader thread."""

    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.buf = bytearray()
        self.last = time.monotonic()  # when output last arrived
        self.eof = False
        self.cond = threading.Condition()
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        fd = self.proc.stdout.fileno()
        out = sys.stdout.buffer
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if data:
                out.write(data)
                out.flush()
            with self.cond:
                if not data:
                    self.eof = True
                else:
                    self.buf += data
                    self.last = time.monotonic()
                self.cond.notify_all()
            if not data:
                return

    def text(self, since=0):
        return self.buf[since:].decode("utf-8", "replace").replace("\r", "")

    def send(self, data):
        """Types DATA; returns the output position it was sent at."""
        with self.cond:
            pos = len(self.buf)
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except OSError:
            pass  # QEMU has gone: the caller notices eof
        return pos

    def wait(self, ready, deadline):
        """Waits until ready() (called with the lock held) or EOF or the
        deadline: returns "ready", "eof" or "timeout"."""
        with self.cond:
            while True:
                if ready():
                    return "ready"
                if self.eof:
                    return "eof"
                now = time.monotonic()
                if now >= deadline:
                    return "timeout"
                self.cond.wait(min(0.1, deadline - now))

    def kill(self):
        try:
            os.killpg(self.proc.pid, 9)
        except OSError:
            pass


def note(msg):
    sys.stdout.flush()
    print(f"\nconsole: {msg}", file=sys.stderr, flush=True)


def parse_script(path):
    with open(path) as f:
        lines = [line.rstrip("\r\n") for line in f]
    return [line for line in lines if not line.lstrip().startswith("#")]


def dom0_status(con, status, last_sent):
    """dom0's N from its `kernel: ...` line, or None. A domU's kernel
    prints the same words (cap console shows them), so only a line after
    the last one typed counts, and only if the machine then powered off."""
    found = KERNEL_END.findall(con.text(last_sent))
    if found and status == 1:
        return int(found[-1]) & 0xff
    return None


def finish(con, deadline, timeout, last_sent):
    """After the script: wait for QEMU's exit (the machine powering off)."""
    state = con.wait(lambda: False, deadline)
    if con.proc.poll() is None:
        con.kill()
    status = con.proc.wait()
    n = dom0_status(con, status, last_sent)
    if n is not None:
        return n
    error = QEMU_ERROR.search(con.text())
    if status == 1 and error:
        note(f"QEMU itself failed: {error.group(0).strip()}")
        return 3
    if state == "timeout":
        note(f"timeout: the session took more than --timeout {timeout:g} s and the "
             "machine had not powered off (QEMU killed)")
    else:
        why = QEMU_STATUS.get(status, f"QEMU exited with status {status}")
        note(f"{why}, without dom0's `kernel: init exited` or `kernel: poweroff` "
             "line after the last line typed")
    return 1


def main():
    ap = argparse.ArgumentParser(description="Drive dom0's shell from a script file.")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds for the whole session (default 120)")
    ap.add_argument("--quiet", type=float, default=5.0,
                    help="seconds of silence after which the next line is sent "
                         "without a prompt (default 5)")
    ap.add_argument("--expect-timeout", type=float, default=30.0,
                    help="seconds an @expect line waits (default 30)")
    ap.add_argument("--eol", choices=("cr", "lf"), default="cr",
                    help="what Enter sends (default cr, like a terminal)")
    ap.add_argument("script")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        ap.error("no command to run (put it after --)")
    try:
        lines = parse_script(args.script)
    except OSError as err:
        print(f"console: {args.script}: {err.strerror}", file=sys.stderr)
        return 2

    eol = b"\r" if args.eol == "cr" else b"\n"
    deadline = time.monotonic() + args.timeout
    con = Console(cmd)
    since, need_ready = 0, True

    sent_at = time.monotonic()

    def ready():
        if len(con.buf) > since and PROMPT.search(con.text(max(since, len(con.buf) - 256))):
            return True
        return time.monotonic() - max(con.last, sent_at) >= args.quiet

    for line in lines + [None]:
        if line is not None and line.startswith("@"):
            word, _, arg = line.partition(" ")
            if word == "@expect":
                regex = re.compile(arg, re.M)
                state = con.wait(lambda: regex.search(con.text(since)),
                                 min(deadline, time.monotonic() + args.expect_timeout))
                if state != "ready":
                    why = "QEMU exited" if state == "eof" else "timed out"
                    note(f"@expect {arg!r}: {why}")
                    con.kill()
                    return 1
            elif word == "@sleep":
                con.wait(lambda: False, min(deadline, time.monotonic() + float(arg)))
            else:
                note(f"unknown directive {word!r} in {args.script}")
                con.kill()
                return 2
            need_ready = False
            continue
        if need_ready:
            # Not a `kernel: ...` line: it may be a domU's (cap console).
            # The machine powering off ends the script (eof).
            state = con.wait(ready, deadline)
            if state != "ready":
                break  # finish() says why
        if line is None:
            line = "exit"
        data = {"^C": b"\x03", "^D": b"\x04", "^]": b"\x1d"}.get(
            line, line.encode() + eol)
        since = con.send(data)
        sent_at, need_ready = time.monotonic(), True
    return finish(con, deadline, args.timeout, since)


if __name__ == "__main__":
    sys.exit(main())
