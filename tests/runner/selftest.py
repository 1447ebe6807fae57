#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Self-tests of tests/run.py's verdict logic, with a fake QEMU and fake trees.

Run as the test runner/selftest, or alone: python3 tests/runner/selftest.py
(or python3 -m unittest tests/runner/selftest.py). Run as a script, it ends
with the `Test result:` line the runner reads.
"""
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUN_PY = HERE.parent / "run.py"
FAKE_QEMU = HERE / "fakes" / "qemu.py"
# What the runner does here takes well under a second, but a loaded
# machine can be slow: timeouts only bound a hang, and no verdict waits
# out a margin of wall-clock time (each waits for its event instead).
HANG_BOUND = 120


def load_runner():
    spec = importlib.util.spec_from_file_location("carapace_run", RUN_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = load_runner()


def alive(pid):
    """True if pid runs (a zombie waiting for its reaper counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_until(cond, bound=HANG_BOUND):
    """Poll cond until it holds (True) or bound seconds pass (False)."""
    deadline = time.monotonic() + bound
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def default_sigint():
    """In the runner's child, before exec: Ctrl-C as a terminal sends it.
    A process started with SIGINT ignored (every background job of a
    non-interactive shell is) passes that on, and Python then never
    raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Tree:
    """A fake repository root in a temporary directory."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="carapace-runner-"))

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def write(self, rel, text, mode=0o644):
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(mode)
        return path

    def hv(self, name, cfg, log="", exit=0, hang=False, built=True):
        """A boot test whose fake image tells the fake QEMU what to do."""
        self.write(f"tests/hv/{name}/test.cfg", textwrap.dedent(cfg))
        if built:
            spec = {"log": log, "exit": exit, "hang": hang}
            self.write(f"build/tests/hv/{name}/carapace.elf", json.dumps(spec))

    def unit(self, name, log, status):
        self.write(f"tests/unit/{name}_test.c", f"/* Unit test {name}. */\n")
        script = f"#!/bin/sh\nprintf '{log}'\nexit {status}\n"
        self.write(f"build/tests/unit/{name}_test", script, 0o755)

    def image(self, name):
        return self.root / f"build/tests/hv/{name}/carapace.elf"

    def run(self, *args, scale="1"):
        env = dict(os.environ, CARAPACE_QEMU=str(FAKE_QEMU), CARAPACE_TIMEOUT_SCALE=scale)
        return subprocess.run([sys.executable, str(RUN_PY), "--root", str(self.root), *args],
                              env=env, capture_output=True, text=True, timeout=HANG_BOUND)

    def start(self, *args):
        env = dict(os.environ, CARAPACE_QEMU=str(FAKE_QEMU), CARAPACE_TIMEOUT_SCALE="1")
        return subprocess.Popen([sys.executable, str(RUN_PY), "--root", str(self.root), *args],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=default_sigint)


def result_line(text):
    return f"booting\nTest result: {text}\n"


class VerdictTest(unittest.TestCase):
    """The verdict function alone."""

    def judge(self, log, status=0, timed_out=False, **cfg):
        return run.verdict(run.Test("hv/x", "hv", **cfg), log, status, timed_out)

    def test_success(self):
        self.assertEqual(self.judge(result_line("SUCCESS")), ("PASS", "SUCCESS", ""))

    def test_last_line_wins_with_cr_and_trailing_text(self):
        log = "Test result: SUCCESS\r\nmore\nTest result: FAILURE (3 checks failed)\r\n"
        self.assertEqual(self.judge(log), ("FAIL", "FAILURE", "3 checks failed"))

    def test_result_must_start_the_line(self):
        self.assertEqual(self.judge("x Test result: SUCCESS\n")[:2], ("FAIL", "CRASH"))

    def test_no_result_line_is_crash(self):
        self.assertEqual(self.judge("triple fault\n"), ("FAIL", "CRASH", "no result line"))

    def test_timeout_is_crash(self):
        got = self.judge(result_line("SUCCESS"), None, True, timeout=2.0)
        self.assertEqual(got, ("FAIL", "CRASH", "timeout after 2 s"))

    def test_exit_zero_alone_is_not_success(self):
        self.assertEqual(self.judge("", 0, exit=0)[:2], ("FAIL", "CRASH"))

    def test_skip(self):
        self.assertEqual(self.judge(result_line("SKIP"))[0], "SKIP")
        self.assertEqual(self.judge(result_line("SKIP"), expect="SKIP")[0], "PASS")
        self.assertEqual(self.judge(result_line("SKIP"), expect="FAILURE")[0], "FAIL")

    def test_expected_failure(self):
        self.assertEqual(self.judge(result_line("FAILURE"), expect="FAILURE")[0], "PASS")

    def test_exit_status(self):
        self.assertEqual(self.judge(result_line("SUCCESS"), 7, exit=7)[0], "PASS")
        got = self.judge(result_line("SUCCESS"), -6, exit=0)
        self.assertEqual(got, ("FAIL", "SUCCESS", "exit status signal 6, expected 0"))

    def test_log_and_nolog(self):
        log = result_line("SUCCESS") + "WARNING: x\n"
        self.assertEqual(self.judge(log, logs=["^booting$"])[0], "PASS")
        self.assertIn("'^hello$'", self.judge(log, logs=["^hello$"])[2])
        self.assertIn("'WARN'", self.judge(log, nologs=["WARN"])[2])


class ConfigTest(unittest.TestCase):
    """test.cfg parsing."""

    def setUp(self):
        self.tree = Tree()

    def tearDown(self):
        self.tree.cleanup()

    def load(self, text):
        path = self.tree.write("tests/hv/t/test.cfg", textwrap.dedent(text))
        return run.hv_test(self.tree.root, path)

    def test_values(self):
        test = self.load("""\
            # a comment
              # an indented comment
            purpose = Checks "quoted" things
            expect = CRASH
            timeout = 2.5
            memory = 64M
            append = "loglvl=debug  "
            modules = build/g.elf a b, build/r.img
            log = ^one$
            log = #PF page fault, vector 14 \\[x\\]
            exit = 0x3
            qemu = -smp 2 -name "a b"
            """)
        self.assertEqual(test.error, "")
        self.assertEqual(test.purpose, 'Checks "quoted" things')
        self.assertEqual((test.expect, test.timeout, test.memory, test.exit),
                         ("CRASH", 2.5, "64M", 3))
        self.assertEqual(test.append, "loglvl=debug  ")
        self.assertEqual(test.modules, ["build/g.elf a b", "build/r.img"])
        self.assertEqual(test.logs, ["^one$", r"#PF page fault, vector 14 \[x\]"])
        self.assertEqual(test.qemu, ["-smp", "2", "-name", "a b"])

    def test_defaults(self):
        test = self.load("purpose = p\n")
        self.assertEqual((test.expect, test.timeout, test.memory, test.append, test.exit),
                         ("SUCCESS", 30.0, "128M", "loglvl=info", None))
        self.assertEqual(test.image, "build/tests/hv/t/carapace.elf")

    def test_errors_name_file_line_key_value(self):
        cases = {"purpose = p\nbogus = 1\n": ["test.cfg:2", "'bogus'", "'1'"],
                 "purpose = p\n\nno equals sign\n": ["test.cfg:3", "missing '='"],
                 "purpose = p\nexpect = MAYBE\n": ["test.cfg:2", "'expect'", "'MAYBE'"],
                 "purpose = p\ntimeout = soon\n": ["test.cfg:2", "'timeout'", "'soon'"],
                 "purpose = p\nexit = x\n": ["test.cfg:2", "'exit'"],
                 "purpose = p\nlog = (\n": ["test.cfg:2", "'log'", "bad regex"],
                 "purpose = p\npurpose = q\n": ["test.cfg:2", "duplicate"],
                 "expect = SKIP\n": ["tests/hv/t/test.cfg", "'purpose'"]}
        for text, words in cases.items():
            error = self.load(text).error
            for word in words:
                self.assertIn(word, error, text)


class EndToEndTest(unittest.TestCase):
    """The whole runner over one fake tree, run once with -j 4."""

    @classmethod
    def setUpClass(cls):
        t = cls.tree = Tree()
        ok = result_line("SUCCESS")
        t.hv("pass", """\
            purpose = A test that passes
            log = ^booting$
            nolog = panic
            memory = 64M
            append = "loglvl=debug x=1"
            modules = build/mod.elf arg1 arg2, build/ramdisk.img
            qemu = -name fake
            """, ok)
        t.write("build/mod.elf", "")
        t.write("build/ramdisk.img", "")
        t.hv("fail", "purpose = fails\n", result_line("FAILURE (2 checks failed)"))
        t.hv("last", "purpose = last wins\n", ok + result_line("FAILURE"))
        t.hv("noresult", "purpose = no result\n", "booting\n", exit=0)
        t.hv("hang", "purpose = hangs\ntimeout = 1\n", "booting\n", hang=True)
        t.hv("hang-expected", "purpose = hangs\ntimeout = 1\nexpect = CRASH\n", hang=True)
        t.hv("logmiss", "purpose = p\nlog = ^Hello world$\n", ok)
        t.hv("nolog", "purpose = p\nnolog = WARN\n", "WARNING\n" + ok)
        t.hv("exit", "purpose = p\nexit = 3\n", ok, exit=1)
        t.hv("badcfg", "purpose = p\nbogus = 1\n", ok)
        t.hv("skip", "purpose = skips\n", result_line("SKIP") + "\x00\x1b[0m\n")
        t.hv("unbuilt", "purpose = p\n", built=False)
        t.unit("good", "Test result: SUCCESS\\n", 0)
        t.unit("asan", "Test result: SUCCESS\\nAddressSanitizer: boom\\n", 1)
        cls.proc = t.run("-j", "4")
        # Later tests run the runner again: keep what this run left behind.
        cls.argv = json.loads(t.image("pass").with_suffix(".elf.argv").read_text())
        cls.junit = ET.parse(t.root / "build/test-results.xml").getroot()
        cls.lines = {line.split()[1]: line for line in cls.proc.stdout.splitlines()
                     if line[:4] in ("PASS", "FAIL", "SKIP")}

    @classmethod
    def tearDownClass(cls):
        cls.tree.cleanup()

    def line(self, name):
        return self.lines[name]

    def test_summary_and_exit_status(self):
        self.assertEqual(self.proc.returncode, 1, self.proc.stdout + self.proc.stderr)
        self.assertEqual(self.proc.stdout.splitlines()[-1], "3 passed, 10 failed, 1 skipped")

    def test_lines(self):
        """Each line: status, name, result, time and why, in aligned columns."""
        expected = {
            "hv/pass": ("PASS", "SUCCESS", ""),
            "hv/hang-expected": ("PASS", "CRASH", "timeout after 1 s"),
            "hv/skip": ("SKIP", "SKIP", ""),
            "unit/good": ("PASS", "SUCCESS", ""),
            "hv/fail": ("FAIL", "FAILURE", "2 checks failed"),
            "hv/last": ("FAIL", "FAILURE", ""),
            "hv/noresult": ("FAIL", "CRASH", "no result line"),
            "hv/hang": ("FAIL", "CRASH", "timeout after 1 s"),
            "hv/logmiss": ("FAIL", "SUCCESS", "log regex '^Hello world$' did not match"),
            "hv/nolog": ("FAIL", "SUCCESS", "nolog regex 'WARN' matched"),
            "hv/exit": ("FAIL", "SUCCESS", "exit status 1, expected 3"),
            "hv/badcfg": ("FAIL", "ERROR", "tests/hv/badcfg/test.cfg:2: unknown key 'bogus' "
                                           "(value '1')"),
            "hv/unbuilt": ("FAIL", "ERROR",
                           "not built: build/tests/hv/unbuilt/carapace.elf (run ninja)"),
            "unit/asan": ("FAIL", "SUCCESS", "exit status 1, expected 0"),
        }
        self.assertEqual(sorted(self.lines), sorted(expected))
        for name, line in self.lines.items():
            match = re.fullmatch(r"(\S+)  (\S+) +(\S+) +\d+\.\d\ds(?:  (.*))?", line)
            self.assertIsNotNone(match, line)
            status, _, result, why = match.groups()
            self.assertEqual((status, result, why or ""), expected[name], line)
        self.assertEqual(len({re.search(r"\d\ds", line).end() for line in self.lines.values()}), 1)

    def test_failed_log_tail_is_printed(self):
        self.assertIn("\n    AddressSanitizer: boom\n", self.proc.stdout)
        out = self.proc.stdout.splitlines()
        after_pass = [out[i + 1] for i, line in enumerate(out) if line.startswith("PASS")]
        self.assertFalse([line for line in after_pass if line.startswith(" ")])

    def test_hang_process_group_killed(self):
        pids = self.tree.image("hang").with_suffix(".elf.pids").read_text().split()
        wait_until(lambda: not any(alive(int(p)) for p in pids))
        self.assertFalse([p for p in pids if alive(int(p))])

    def test_qemu_command_line(self):
        argv = self.argv
        self.assertEqual(argv[:4], ["-M", "q35", "-cpu", "max"])
        for pair in (["-m", "64M"], ["-append", "loglvl=debug x=1"],
                     ["-initrd", "build/mod.elf arg1 arg2,build/ramdisk.img"],
                     ["-kernel", "build/tests/hv/pass/carapace.elf"],
                     ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]):
            i = argv.index(pair[0])
            self.assertEqual(argv[i:i + 2], pair)
        self.assertEqual(argv[-2:], ["-name", "fake"])
        self.assertNotIn("-icount", argv)

    def test_logs_written(self):
        log = (self.tree.root / "build/tests/logs/hv/fail.log").read_text()
        self.assertIn("Test result: FAILURE (2 checks failed)", log)

    def test_junit(self):
        suite = self.junit
        self.assertEqual((suite.get("tests"), suite.get("failures"), suite.get("skipped")),
                         ("14", "10", "1"))
        cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
        self.assertIn("^Hello world$", cases["hv", "logmiss"].find("failure").get("message"))
        self.assertIsNotNone(cases["hv", "skip"].find("skipped"))
        self.assertIsNone(cases["unit", "good"].find("failure"))

    def test_selection(self):
        names = [line.split()[0] for line in self.tree.run("--list", "hv/h*", "unit").stdout.splitlines()]
        self.assertEqual(names, ["hv/hang", "hv/hang-expected", "unit/asan", "unit/good"])

    def test_unknown_name_is_usage_error(self):
        proc = self.tree.run("hv/pass", "hv/nosuch")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("hv/nosuch", proc.stderr)

    def test_all_pass_exit_zero_and_icount(self):
        junit = self.tree.root / "build/other.xml"
        proc = self.tree.run("--icount", "--junit", str(junit), "hv/pass", "unit/good", "hv/skip")
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertEqual(proc.stdout.splitlines()[-1], "2 passed, 0 failed, 1 skipped")
        self.assertEqual(ET.parse(junit).getroot().get("tests"), "3")
        argv = json.loads(self.tree.image("pass").with_suffix(".elf.argv").read_text())
        self.assertIn("shift=0,sleep=off", argv)
        proc = self.tree.run("unit/good")
        self.assertEqual(proc.stdout.splitlines()[-1], "1 passed, 0 failed")


class GuestKindTest(unittest.TestCase):
    """guest/NAME: discovered from tests/guest/NAME/test.cfg, boots the
    hypervisor with build/tests/guest/NAME/guest.elf as its module."""

    @classmethod
    def setUpClass(cls):
        t = cls.tree = Tree()
        spec = {"log": result_line("SUCCESS"), "exit": 1, "hang": False}
        t.write("build/hypervisor/carapace.elf", json.dumps(spec))
        t.write("tests/guest/plain/test.cfg", "purpose = a guest test\n")
        t.write("build/tests/guest/plain/guest.elf", "")
        t.write("tests/guest/args/test.cfg", textwrap.dedent("""\
            purpose = a guest with arguments
            append = loglvl=debug dom0_mem=16M
            modules = build/tests/guest/args/guest.elf a1 a2, build/extra.img
            """))
        t.write("build/tests/guest/args/guest.elf", "")
        t.write("build/extra.img", "")
        t.write("tests/guest/unbuilt/test.cfg", "purpose = p\n")
        t.write("tests/guest/bad/test.cfg", "purpose = p\nimage =\n")

    @classmethod
    def tearDownClass(cls):
        cls.tree.cleanup()

    def tests(self):
        return {t.name: t for t in run.discover(self.tree.root)}

    def test_discovery_and_defaults(self):
        tests = self.tests()
        self.assertEqual(sorted(tests), ["guest/args", "guest/bad", "guest/plain",
                                         "guest/unbuilt"])
        plain = tests["guest/plain"]
        self.assertEqual((plain.kind, plain.purpose, plain.error), ("guest", "a guest test", ""))
        self.assertEqual(plain.image, "build/hypervisor/carapace.elf")
        self.assertEqual(plain.modules, ["build/tests/guest/plain/guest.elf"])
        self.assertEqual((plain.append, plain.memory, plain.timeout, plain.expect),
                         ("loglvl=info", "128M", 30.0, "SUCCESS"))
        self.assertIn("'image'", tests["guest/bad"].error)

    def test_modules_key_replaces_default(self):
        args = self.tests()["guest/args"]
        self.assertEqual(args.modules, ["build/tests/guest/args/guest.elf a1 a2",
                                        "build/extra.img"])
        self.assertEqual(args.append, "loglvl=debug dom0_mem=16M")

    def test_run(self):
        proc = self.tree.run("-j", "1", "guest")
        lines = {line.split()[1]: line.split()[0] for line in proc.stdout.splitlines()
                 if line[:4] in ("PASS", "FAIL", "SKIP")}
        self.assertEqual(lines, {"guest/plain": "PASS", "guest/args": "PASS",
                                 "guest/unbuilt": "FAIL", "guest/bad": "FAIL"}, proc.stdout)
        self.assertIn("not built: build/tests/guest/unbuilt/guest.elf (run ninja)", proc.stdout)
        argv = json.loads((self.tree.root / "build/hypervisor/carapace.elf.argv").read_text())
        # Both guests boot the same kernel: the argv file is the last one's.
        i = argv.index("-kernel")
        self.assertEqual(argv[i:i + 2], ["-kernel", "build/hypervisor/carapace.elf"])
        i = argv.index("-initrd")
        self.assertIn(argv[i + 1], ("build/tests/guest/plain/guest.elf",
                                    "build/tests/guest/args/guest.elf a1 a2,build/extra.img"))
        proc = self.tree.run("guest/plain")
        argv = json.loads((self.tree.root / "build/hypervisor/carapace.elf.argv").read_text())
        self.assertEqual(argv[argv.index("-initrd") + 1], "build/tests/guest/plain/guest.elf")
        self.assertEqual(argv[argv.index("-append") + 1], "loglvl=info")
        self.assertTrue((self.tree.root / "build/tests/logs/guest/plain.log").exists())


class InterruptTest(unittest.TestCase):
    """Ctrl-C kills the running QEMUs and exits 130."""

    def test_ctrl_c(self):
        tree = Tree()
        self.addCleanup(tree.cleanup)
        # Its own timeout is longer than any wait here: only SIGINT ends it.
        tree.hv("hang", f"purpose = hangs\ntimeout = {3 * HANG_BOUND}\n", hang=True)
        pidfile = tree.image("hang").with_suffix(".elf.pids")
        runner = tree.start("hv/hang")
        self.addCleanup(runner.kill)
        started = wait_until(lambda: pidfile.exists() and pidfile.read_text().endswith("\n"))
        self.assertTrue(started, f"the fake QEMU did not start within {HANG_BOUND} s")
        runner.send_signal(signal.SIGINT)
        try:
            _, err = runner.communicate(timeout=HANG_BOUND)
        except subprocess.TimeoutExpired:
            self.fail(f"run.py still runs {HANG_BOUND} s after SIGINT")
        self.assertEqual(runner.returncode, 130, err)
        pids = pidfile.read_text().split()
        wait_until(lambda: not any(alive(int(p)) for p in pids))
        self.assertFalse([p for p in pids if alive(int(p))], "QEMU left running")


def main():
    result = unittest.main(exit=False, verbosity=2, argv=[sys.argv[0]]).result
    sys.stderr.flush()
    bad = len(result.failures) + len(result.errors)
    print(f"Test result: {'FAILURE (%d failed)' % bad if bad else 'SUCCESS'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
