#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""mkcpio.py: write a cpio "newc" archive (the guest kernel's ramdisk).

    mkcpio.py -o OUT [--depfile D] [--tree DIR] [--file DEST=SRC ...]

Every file and directory under DIR goes in under its path relative to DIR;
each --file adds SRC as DEST (e.g. bin/sh=build/.../sh), creating the
directories on its path. Names have no leading "/" or "./" (like Linux's
gen_init_cpio): "bin", "bin/sh", "etc/motd"; there is no entry for the
root itself. Directories come before what they hold (entries are sorted
by path).

The format, per entry: the 6-byte magic "070701", then 13 fields of 8
upper-case hex digits (ino, mode, uid, gid, nlink, mtime, filesize,
devmajor, devminor, rdevmajor, rdevminor, namesize including the NUL,
check = 0), then the name and a NUL, padded with NULs to a multiple of 4
bytes (counting from the start of the header), then the data, padded to a
multiple of 4. The archive ends with an entry named "TRAILER!!!".

The output is deterministic: mtime, uid and gid 0, inodes numbered in
order from 1, modes 040755 for directories, 0100755 for executable files
and 0100644 for the others. --depfile writes a Makefile-style dependency
list (every file and directory read) for ninja.
"""
import argparse
import os
import sys

MAGIC = b"070701"


def header(ino, mode, nlink, size, name):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(name) + 1, 0]
    return MAGIC + b"".join(b"%08X" % f for f in fields)


def pad4(n):
    return b"\0" * (-n % 4)


def entry(ino, mode, nlink, name, data=b""):
    raw = name.encode()
    head = header(ino, mode, nlink, len(data), raw) + raw + b"\0"
    return head + pad4(len(head)) + data + pad4(len(data))


def collect(tree, files):
    """{archive path: source path or None for a directory}."""
    entries, read = {}, []
    if tree:
        read.append(tree)
        for dirpath, dirnames, filenames in os.walk(tree):
            dirnames.sort()
            rel = os.path.relpath(dirpath, tree)
            if rel != ".":
                entries[rel.replace(os.sep, "/")] = None
                read.append(dirpath)
            for f in filenames:
                src = os.path.join(dirpath, f)
                dest = os.path.normpath(os.path.join(rel, f)).replace(os.sep, "/")
                entries[dest] = src
    for spec in files:
        dest, sep, src = spec.partition("=")
        dest = dest.strip("/")
        if not sep or not dest or not src:
            sys.exit(f"mkcpio: bad --file '{spec}' (want DEST=SRC)")
        parts = dest.split("/")
        for i in range(1, len(parts)):
            entries.setdefault("/".join(parts[:i]), None)
        entries[dest] = src
    for dest, src in entries.items():
        if src is not None:
            read.append(src)
    return entries, read


def build(entries):
    out = bytearray()
    for ino, name in enumerate(sorted(entries), start=1):
        src = entries[name]
        if src is None:
            out += entry(ino, 0o040755, 2, name)
            continue
        if not os.path.isfile(src):
            sys.exit(f"mkcpio: {src}: not a regular file")
        with open(src, "rb") as f:
            data = f.read()
        mode = 0o100755 if os.access(src, os.X_OK) else 0o100644
        out += entry(ino, mode, 1, name, data)
    out += entry(0, 0, 1, "TRAILER!!!")
    return bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--depfile")
    ap.add_argument("--tree")
    ap.add_argument("--file", action="append", default=[], metavar="DEST=SRC")
    args = ap.parse_args()

    entries, read = collect(args.tree, args.file)
    data = build(entries)
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.output)
    if args.depfile:
        with open(args.depfile, "w") as f:
            f.write(args.output + ": " +
                    " ".join(p.replace(" ", "\\ ") for p in read) + "\n")


if __name__ == "__main__":
    main()
