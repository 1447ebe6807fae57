#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""scripts/mkcpio.py writes a valid, deterministic cpio newc archive.

Builds archives from a temporary tree plus --file entries, parses them back
field by field (magic, 13 hex fields, NUL-terminated names, 4-byte padding,
the trailer), compares with what GNU cpio lists when it is installed, and
checks that two runs give the same bytes. Run alone: python3
tests/runner/mkcpio.py; it ends with the `Test result:` line.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MKCPIO = ROOT / "scripts" / "mkcpio.py"


def parse(data):
    """[(name, mode, nlink, mtime, data)] from a newc archive."""
    out, off = [], 0
    while True:
        head = data[off:off + 110]
        assert head[:6] == b"070701", f"bad magic at {off}"
        f = [int(head[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        namesize, size = f[11], f[6]
        name = data[off + 110:off + 110 + namesize]
        assert name.endswith(b"\0") and b"\0" not in name[:-1], name
        off += 110 + namesize
        assert data[off:off + (-off % 4)] == b"\0" * (-off % 4), "name padding"
        off += -off % 4
        body = data[off:off + size]
        off += size
        assert data[off:off + (-off % 4)] == b"\0" * (-off % 4), "data padding"
        off += -off % 4
        if name[:-1] == b"TRAILER!!!":
            assert off == len(data), "bytes after the trailer"
            return out
        out.append((name[:-1].decode(), f[1], f[4], f[5], body))


class MkcpioTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        tree = self.tmp / "tree"
        (tree / "etc" / "sub").mkdir(parents=True)
        (tree / "etc" / "motd").write_text("hello\n")
        (tree / "etc" / "sub" / "odd").write_bytes(b"12345")
        (tree / "empty").mkdir()
        self.prog = self.tmp / "prog"
        self.prog.write_bytes(b"\x7fELF" + bytes(range(256)) * 3)
        self.prog.chmod(0o755)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def build(self, out):
        subprocess.run([sys.executable, str(MKCPIO), "-o", str(out), "--depfile",
                        str(out) + ".d", "--tree", str(self.tmp / "tree"),
                        "--file", f"bin/prog={self.prog}",
                        "--file", f"/usr/lib/x={self.tmp / 'tree/etc/motd'}"],
                       check=True)
        return out.read_bytes()

    def test_entries(self):
        entries = parse(self.build(self.tmp / "a.cpio"))
        names = [e[0] for e in entries]
        self.assertEqual(names, ["bin", "bin/prog", "empty", "etc", "etc/motd",
                                 "etc/sub", "etc/sub/odd", "usr", "usr/lib",
                                 "usr/lib/x"])
        by = {e[0]: e for e in entries}
        self.assertEqual(by["bin"][1], 0o040755)
        self.assertEqual(by["bin"][2], 2)
        self.assertEqual(by["bin/prog"][1], 0o100755)
        self.assertEqual(by["etc/motd"][1], 0o100644)
        self.assertEqual(by["etc/sub/odd"][4], b"12345")
        self.assertEqual(by["bin/prog"][4], self.prog.read_bytes())
        self.assertTrue(all(e[3] == 0 for e in entries), "mtime 0")

    def test_deterministic(self):
        a = self.build(self.tmp / "a.cpio")
        os.utime(self.tmp / "tree" / "etc" / "motd", (12345, 12345))
        self.assertEqual(a, self.build(self.tmp / "b.cpio"))

    def test_depfile(self):
        self.build(self.tmp / "a.cpio")
        dep = (self.tmp / "a.cpio.d").read_text()
        self.assertTrue(dep.startswith(str(self.tmp / "a.cpio") + ": "))
        self.assertIn(str(self.tmp / "tree" / "etc" / "sub"), dep)
        self.assertIn(str(self.prog), dep)

    @unittest.skipUnless(shutil.which("cpio"), "GNU cpio not installed")
    def test_gnu_cpio_reads_it(self):
        data = self.build(self.tmp / "a.cpio")
        out = self.tmp / "x"
        out.mkdir()
        subprocess.run(["cpio", "-id", "--quiet"], input=data, cwd=out, check=True)
        self.assertEqual((out / "bin" / "prog").read_bytes(), self.prog.read_bytes())
        self.assertEqual((out / "etc" / "sub" / "odd").read_bytes(), b"12345")


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    ok = result.wasSuccessful()
    print("Test result: " + ("SUCCESS" if ok else
          f"FAILURE ({len(result.failures) + len(result.errors)} failed)"))
    sys.exit(0 if ok else 1)
