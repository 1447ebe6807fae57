#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Carapace test runner: host unit tests, boot tests under QEMU, self-tests.

Tests (names are stable, run in sorted order):
  unit/NAME    tests/unit/NAME_test.c, run as build/tests/unit/NAME_test
  hv/NAME      tests/hv/NAME/test.cfg, a boot of an image under QEMU
  guest/NAME   tests/guest/NAME/test.cfg, the hypervisor under QEMU running
               build/tests/guest/NAME/guest.elf as dom0
  native/NAME  tests/native/NAME/test.cfg, the native guest kernel
               (build/guest-kernel/kernel-native.elf) booted straight under
               QEMU with the cfg's modules (its ramdisk) and append (its
               command line): no hypervisor
  runner/NAME  tests/runner/NAME.py, the runner's own self-tests
  script/NAME  tests/scripts/NAME.sh, end-to-end checks of the user-facing
               scripts (run.sh, gdb attach), run with bash from the root
  script/os-NAME  tests/os/NAME/test.sh, a session of the guest OS (its
               script and checks in the folder), run with bash from the root;
               a tests/os/NAME/ without test.sh is an ERROR
  script/os-NAME-BACKEND  the same session on another backend of the guest
               kernel: one for each word of tests/os/NAME/backends (e.g.
               `native`); test.sh is run with --BACKEND, which tests/os/lib.sh
               hands to run.sh

Verdict rules (in the style of XTF):
  * The result is taken from the LAST output line matching
    `Test result: SUCCESS|SKIP|ERROR|FAILURE` (a trailing \\r or text is fine).
  * No such line: CRASH. Killed at its timeout: CRASH (timeout after N s).
  * An exit status alone never decides success (QEMU exits 0 on a triple
    fault too). A boot test may say `exit = N`: then that must match as well.
    Unit, runner and script tests must exit 0 (ASan and UBSan abort otherwise).
  * A test passes when its result equals `expect` (default SUCCESS), every
    `log` regex matches the output, no `nolog` regex does, and the exit
    status matches when one is expected.
  * A SKIP result where SUCCESS was expected counts as skipped, not failed.
  * A bad test.cfg or a missing image or executable: result ERROR, failed.
Exit status: 0 if nothing failed, 1 if something did, 2 on a usage error,
130 on Ctrl-C. See tests/README.md.
"""

import argparse
import fnmatch
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

RESULT_RE = re.compile(
    r"^Test result: (SUCCESS|SKIP|ERROR|FAILURE)\b[ \t]*(.*?)[ \t\r]*$", re.M)
EXPECTS = ("SUCCESS", "SKIP", "ERROR", "FAILURE", "CRASH")
KEYS = ("purpose", "expect", "timeout", "memory", "append", "modules", "log",
        "nolog", "exit", "image", "qemu", "input")
REPEATABLE = ("log", "nolog")
TAIL_LINES = 25


@dataclass
class Test:
    name: str
    kind: str                      # "unit", "hv", "guest", "native", "runner", "script"
    purpose: str = ""
    expect: str = "SUCCESS"
    timeout: float = 30.0
    exit: int | None = None
    logs: list = field(default_factory=list)
    nologs: list = field(default_factory=list)
    memory: str = "128M"
    append: str = "loglvl=info"
    modules: list = field(default_factory=list)
    image: str = ""                # hv, guest: kernel image, relative to the root
    qemu: list = field(default_factory=list)
    input: bytes = b""             # hv, guest: fed to the serial line (stdin)
    program: str = ""              # unit, runner, script: what to run
    args: list = field(default_factory=list)  # script: its arguments
    error: str = ""                # set when test.cfg is bad


@dataclass
class Outcome:
    test: Test
    status: str                    # "PASS", "FAIL" or "SKIP"
    result: str                    # SUCCESS, SKIP, ERROR, FAILURE or CRASH
    why: str
    seconds: float
    log: str


class CfgError(Exception):
    pass


# --- test.cfg ----------------------------------------------------------------

def parse_value(raw):
    """Strip the quotes of a "quoted" value. A `#` inside a value is kept:
    only a line that starts with `#` is a comment (regexes match `#PF`)."""
    if len(raw) >= 2 and raw.startswith('"') and raw.endswith('"'):
        return raw[1:-1]
    return raw


def check_value(key, value):
    """Raise ValueError if value is not valid for key."""
    if key == "expect" and value not in EXPECTS:
        raise ValueError("must be one of " + ", ".join(EXPECTS))
    if key == "timeout" and not float(value) > 0:
        raise ValueError("must be a positive number of seconds")
    if key == "exit":
        int(value, 0)
    if key in REPEATABLE:
        try:
            re.compile(value, re.M)
        except re.error as err:
            raise ValueError(f"bad regex: {err}") from None
    if key == "qemu":
        shlex.split(value)
    if key in ("purpose", "memory", "image", "modules") and not value:
        raise ValueError("must not be empty")


def read_cfg(path, rel):
    """Parse a test.cfg into {key: [values]}; CfgError names file:line."""
    values = {}
    for num, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        where = f"{rel}:{num}"
        if "=" not in text:
            raise CfgError(f"{where}: missing '=' in {text!r}")
        key, raw = (part.strip() for part in text.split("=", 1))
        value = parse_value(raw)
        if key not in KEYS:
            raise CfgError(f"{where}: unknown key {key!r} (value {raw!r})")
        if key in values and key not in REPEATABLE:
            raise CfgError(f"{where}: duplicate key {key!r} (value {raw!r})")
        try:
            check_value(key, value)
        except ValueError as err:
            raise CfgError(f"{where}: bad value {raw!r} for key {key!r}: {err}") from None
        values.setdefault(key, []).append(value)
    if "purpose" not in values:
        raise CfgError(f"{rel}: missing required key 'purpose'")
    return values


def boot_defaults(kind, short):
    """A QEMU test with its kind's defaults: hv/NAME boots its own image;
    guest/NAME boots the hypervisor with the test's guest as dom0."""
    if kind == "guest":
        return Test(f"guest/{short}", "guest", image="build/hypervisor/carapace.elf",
                    modules=[f"build/tests/guest/{short}/guest.elf"])
    if kind == "native":
        return Test(f"native/{short}", "native",
                    image="build/guest-kernel/kernel-native.elf", append="")
    return Test(f"hv/{short}", "hv", image=f"build/tests/hv/{short}/carapace.elf")


def hv_test(root, cfg_path, kind="hv"):
    """A QEMU test from tests/KIND/NAME/test.cfg (KIND: hv or guest); a bad
    file sets .error. A `modules` key replaces the kind's default modules."""
    short = cfg_path.parent.name
    test = boot_defaults(kind, short)
    try:
        cfg = read_cfg(cfg_path, cfg_path.relative_to(root))
    except CfgError as err:
        test.error, test.purpose = str(err), "(bad test.cfg)"
        return test
    one = lambda key, default: cfg.get(key, [default])[0]
    test.purpose = one("purpose", "")
    test.expect = one("expect", test.expect)
    test.timeout = float(one("timeout", test.timeout))
    test.exit = int(one("exit", "0"), 0) if "exit" in cfg else None
    test.memory = one("memory", test.memory)
    test.append = one("append", test.append)
    test.image = one("image", test.image)
    if "modules" in cfg:
        test.modules = [m.strip() for m in one("modules", "").split(",") if m.strip()]
    test.qemu = shlex.split(one("qemu", ""))
    # C-style escapes (\n, \x03) so that a line can carry any byte.
    test.input = one("input", "").encode().decode("unicode_escape").encode("latin-1")
    test.logs, test.nologs = cfg.get("log", []), cfg.get("nolog", [])
    return test


# --- discovery and selection -------------------------------------------------

def purpose_of(path, limit=100):
    """The first sentence of a source file's leading comment or docstring."""
    words = []
    for line in path.read_text(errors="replace").splitlines()[:40]:
        if line.startswith(("#include", "import ", "from ")):
            break
        text = line.strip().strip("/*#\"' ").strip()
        if text and "SPDX" not in text and not text.startswith("!"):
            words.append(text)
        elif words and not text:
            break
    first = re.split(r"(?<=\.)\s", " ".join(words), maxsplit=1)[0]
    return first if len(first) <= limit else first[:limit - 3] + "..."


def backend_variants(folder, test):
    """script/os-NAME-BACKEND for each backend tests/os/NAME/backends names."""
    try:
        words = (folder / "backends").read_text().split()
    except OSError:
        return []
    out = []
    for b in words:
        v = Test(f"{test.name}-{b}", "script", timeout=test.timeout, exit=0,
                 program=test.program, args=[f"--{b}"],
                 purpose=f"{test.purpose} (the {b} backend)")
        if not re.fullmatch(r"[a-z][a-z0-9]*", b):
            v.error = f"{folder.name}/backends: '{b}' is not a backend name"
        out.append(v)
    return out


def discover(root):
    tdir = root / "tests"
    tests = [hv_test(root, cfg) for cfg in (tdir / "hv").glob("*/test.cfg")]
    tests += [hv_test(root, cfg, "guest") for cfg in (tdir / "guest").glob("*/test.cfg")]
    tests += [hv_test(root, cfg, "native") for cfg in (tdir / "native").glob("*/test.cfg")]
    for src in (tdir / "unit").glob("*_test.c"):
        short = src.name[:-len("_test.c")]
        tests.append(Test(f"unit/{short}", "unit", purpose_of(src), timeout=60.0,
                          exit=0, program=f"build/tests/unit/{short}_test"))
    for src in (tdir / "runner").glob("[!_]*.py"):
        tests.append(Test(f"runner/{src.stem}", "runner", purpose_of(src),
                          timeout=60.0, exit=0, program=str(src.relative_to(root))))
    for src in (tdir / "scripts").glob("[!_]*.sh"):
        tests.append(Test(f"script/{src.stem}", "script", purpose_of(src),
                          timeout=120.0, exit=0,
                          program=str(src.relative_to(root))))
    for folder in sorted(p for p in (tdir / "os").glob("*") if p.is_dir()):
        src = folder / "test.sh"
        test = Test(f"script/os-{folder.name}", "script", timeout=120.0, exit=0,
                    program=str(src.relative_to(root)))
        if src.is_file():
            test.purpose = purpose_of(src)
        else:
            test.purpose = "(no test.sh)"
            test.error = f"{folder.relative_to(root)}/ has no test.sh"
        tests.append(test)
        tests += backend_variants(folder, test)
    # A guest folder with code but no test.cfg is a test nobody runs.
    for folder in sorted(p for p in (tdir / "guest").glob("*") if p.is_dir()):
        if not (folder / "test.cfg").exists() and (folder / "test.c").exists():
            test = boot_defaults("guest", folder.name)
            test.purpose = "(no test.cfg)"
            test.error = f"{folder.relative_to(root)}/ has test.c but no test.cfg"
            tests.append(test)
    return sorted(tests, key=lambda t: t.name)


def select(tests, patterns):
    """Tests named exactly, by fnmatch glob, or by prefix (`unit`)."""
    if not patterns:
        return tests
    chosen = set()
    for pat in patterns:
        prefix = pat.rstrip("/") + "/"
        hits = {t.name for t in tests if t.name == pat or
                fnmatch.fnmatchcase(t.name, pat) or t.name.startswith(prefix)}
        if not hits:
            raise LookupError(pat)
        chosen |= hits
    return [t for t in tests if t.name in chosen]


# --- running -----------------------------------------------------------------

class Processes:
    """The process groups running now, so that Ctrl-C can kill them all."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = set()
        self.stopping = False

    def start(self, cmd, cwd, stdin=subprocess.DEVNULL):
        with self.lock:
            if self.stopping:
                raise KeyboardInterrupt
            proc = subprocess.Popen(cmd, cwd=cwd, stdin=stdin,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            self.running.add(proc)
            return proc

    def done(self, proc):
        with self.lock:
            self.running.discard(proc)

    def kill_all(self):
        with self.lock:
            self.stopping = True
            for proc in self.running:
                kill_group(proc)


PROCS = Processes()


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def type_when_ready(proc, data, out, timeout):
    """Write data to proc's stdin once it has printed something: a UART
    that is not set up yet (a real one, or QEMU's) loses what is typed."""
    deadline = time.monotonic() + timeout
    while not out and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except OSError:
        pass                       # it exited before reading: judged by output


def run_process(cmd, cwd, timeout, data=b""):
    """Run cmd in its own process group, data typed on its stdin after its
    first output: (output, exit status, timed out)."""
    proc = PROCS.start(cmd, cwd, subprocess.PIPE if data else subprocess.DEVNULL)
    out = []
    reader = threading.Thread(target=lambda: out.extend(iter(
        lambda: proc.stdout.read1(65536), b"")), daemon=True)
    reader.start()
    if data:
        type_when_ready(proc, data, out, timeout)
    try:
        proc.wait(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.wait()
        timed_out = True
    finally:
        PROCS.done(proc)
    reader.join()
    text = b"".join(out).decode("utf-8", errors="replace").replace("\r\n", "\n")
    return text, proc.returncode, timed_out


def qemu_command(test, icount):
    cmd = shlex.split(os.environ.get("CARAPACE_QEMU", "qemu-system-x86_64"))
    cmd += ["-M", "q35", "-cpu", "max", "-m", test.memory, "-smp", "1",
            "-display", "none", "-nodefaults", "-serial", "stdio", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel", test.image, "-append", test.append]
    if test.modules:
        cmd += ["-initrd", ",".join(test.modules)]
    if icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    return cmd + test.qemu


def command(test, icount):
    if test.kind == "unit":
        return [os.path.join(".", test.program)]
    if test.kind == "runner":
        return [sys.executable, test.program]
    if test.kind == "script":
        return ["bash", test.program] + test.args
    return qemu_command(test, icount)


def inputs(test):
    if test.kind in ("hv", "guest", "native"):
        return [test.image] + [m.split()[0] for m in test.modules]
    return [test.program]


def status_text(status):
    return f"signal {-status}" if status is not None and status < 0 else str(status)


def verdict(test, log, status, timed_out):
    """Judge one run by the rules above: (PASS|FAIL|SKIP, result, why)."""
    if timed_out:
        result, why = "CRASH", f"timeout after {test.timeout:g} s"
    else:
        found = RESULT_RE.findall(log)
        result, why = found[-1] if found else ("CRASH", "no result line")
        if why.startswith("(") and why.endswith(")"):
            why = why[1:-1]
    if result == "SKIP" and test.expect == "SUCCESS":
        return "SKIP", result, why
    if result != test.expect:
        wanted = f"expected {test.expect}" if test.expect != "SUCCESS" else ""
        return "FAIL", result, ", ".join(filter(None, [why, wanted]))
    for regex in test.logs:
        if not re.search(regex, log, re.M):
            return "FAIL", result, f"log regex '{regex}' did not match"
    for regex in test.nologs:
        if re.search(regex, log, re.M):
            return "FAIL", result, f"nolog regex '{regex}' matched"
    if test.exit is not None and status != test.exit:
        return "FAIL", result, f"exit status {status_text(status)}, expected {test.exit}"
    return "PASS", result, why


def run_test(test, root, icount, logdir):
    start = time.monotonic()
    missing = [p for p in inputs(test) if not (root / p).exists()]
    cmd = command(test, icount)
    if test.error or missing:
        msg = test.error or f"not built: {missing[0]} (run ninja)"
        outcome = Outcome(test, "FAIL", "ERROR", msg, 0.0, msg + "\n")
    else:
        try:
            log, status, timed_out = run_process(cmd, root, test.timeout,
                                                 test.input)
            outcome = Outcome(test, *verdict(test, log, status, timed_out),
                              time.monotonic() - start, log)
        except OSError as err:
            msg = f"cannot run {cmd[0]}: {err.strerror}"
            outcome = Outcome(test, "FAIL", "ERROR", msg, 0.0, msg + "\n")
    write_log(logdir, outcome, cmd)
    return outcome


def write_log(logdir, o, cmd):
    path = logdir / f"{o.test.name}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    head = f"# {o.test.name}: {o.test.purpose}\n# $ {shlex.join(cmd)}\n"
    head += f"# {o.status} {detail(o)} in {o.seconds:.2f}s\n\n"
    path.write_text(head + o.log)


# --- reporting ---------------------------------------------------------------

def detail(o):
    return f"{o.result} ({o.why})" if o.why else o.result


def tail(log, lines=TAIL_LINES):
    return "\n".join(log.rstrip("\n").split("\n")[-lines:])


def indent(text):
    return "".join(f"    {line}\n" for line in text.split("\n"))


def print_outcome(o, width, verbose):
    line = f"{o.status:<4}  {o.test.name:<{width}}  {o.result:<7}  {o.seconds:6.2f}s  {o.why}"
    print(line.rstrip())
    if verbose:
        print(indent(o.log.rstrip("\n")), end="")
    elif o.status == "FAIL" and o.log.strip() != o.why:
        print(indent(tail(o.log)), end="")
    sys.stdout.flush()


def xml_text(text):
    """Drop the characters XML 1.0 cannot carry (serial logs hold junk)."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "?", text)


def write_junit(path, outcomes, seconds):
    count = lambda status: sum(o.status == status for o in outcomes)
    suite = ET.Element("testsuite", name="carapace", tests=str(len(outcomes)),
                       failures=str(count("FAIL")), errors="0",
                       skipped=str(count("SKIP")), time=f"{seconds:.3f}")
    for o in sorted(outcomes, key=lambda o: o.test.name):
        kind, _, short = o.test.name.partition("/")
        case = ET.SubElement(suite, "testcase", name=short, classname=kind,
                             time=f"{o.seconds:.3f}")
        if o.status == "FAIL":
            fail = ET.SubElement(case, "failure", message=xml_text(detail(o)), type=o.result)
            fail.text = xml_text(tail(o.log))
        elif o.status == "SKIP":
            ET.SubElement(case, "skipped", message=xml_text(detail(o)))
        ET.SubElement(case, "system-out").text = xml_text(tail(o.log))
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.indent(suite)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def summary(outcomes):
    count = lambda status: sum(o.status == status for o in outcomes)
    line = f"{count('PASS')} passed, {count('FAIL')} failed"
    return line + (f", {count('SKIP')} skipped" if count("SKIP") else "")


# --- main --------------------------------------------------------------------

def run_all(tests, args):
    width = max((len(t.name) for t in tests), default=0)
    logdir = args.root / "build" / "tests" / "logs"
    outcomes = []
    pool = ThreadPoolExecutor(max_workers=args.jobs)
    try:
        futures = [pool.submit(run_test, t, args.root, args.icount, logdir) for t in tests]
        for future in as_completed(futures):
            outcomes.append(future.result())
            print_outcome(outcomes[-1], width, args.verbose)
    except KeyboardInterrupt:
        PROCS.kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return outcomes


def parse_args(argv):
    ap = argparse.ArgumentParser(description="Run Carapace's tests (see tests/README.md).")
    ap.add_argument("names", nargs="*", metavar="NAME",
                    help="test names, globs (hv/*) or prefixes (unit, guest); default: all")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                    help="parallel jobs (default: number of CPUs)")
    ap.add_argument("--list", action="store_true", help="list tests and their purposes")
    ap.add_argument("--icount", action="store_true",
                    help="deterministic guest time in QEMU (-icount shift=0,sleep=off)")
    ap.add_argument("--junit", type=Path, help="JUnit XML report (default: build/test-results.xml)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every test's full log")
    ap.add_argument("--timeout-scale", type=float,
                    help="multiply all timeouts (default: $CARAPACE_TIMEOUT_SCALE or 1.0)")
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                    help="repository root (default: the one holding this script)")
    args = ap.parse_args(argv)
    if args.timeout_scale is None:
        try:
            args.timeout_scale = float(os.environ.get("CARAPACE_TIMEOUT_SCALE", "1.0"))
        except ValueError:
            ap.error("CARAPACE_TIMEOUT_SCALE is not a number")
    if not args.timeout_scale > 0 or args.jobs < 1:
        ap.error("--timeout-scale and -j must be positive")
    args.root = args.root.resolve()
    args.junit = args.junit or args.root / "build" / "test-results.xml"
    return args


def main(argv):
    args = parse_args(argv)
    try:
        tests = select(discover(args.root), args.names)
    except LookupError as err:
        print(f"run.py: no test matches {err.args[0]!r} (try --list)", file=sys.stderr)
        return 2
    if args.list:
        width = max((len(t.name) for t in tests), default=0)
        for t in tests:
            print(f"{t.name:<{width}}  {t.purpose}")
        return 0
    for t in tests:
        t.timeout *= args.timeout_scale
    # Script tests run sessions with timeouts of their own (tests/os/lib.sh).
    os.environ["CARAPACE_TIMEOUT_SCALE"] = f"{args.timeout_scale:g}"
    start = time.monotonic()
    outcomes = run_all(tests, args)
    write_junit(args.junit, outcomes, time.monotonic() - start)
    print(summary(outcomes))
    return 1 if any(o.status == "FAIL" for o in outcomes) else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        PROCS.kill_all()
        print("\nrun.py: interrupted", file=sys.stderr)
        sys.exit(130)
