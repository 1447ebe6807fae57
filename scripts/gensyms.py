#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Symbol table and image checks for scripts/link-hv.sh.

gensyms.py NMFILE            assembly for section .ksyms from `nm -n` output
                             (/dev/null gives an empty table)
gensyms.py --check-same-text A.nm B.nm
                             fail if any function moved between link stages
gensyms.py --check-layout ELF
                             fail unless the loaded segments lie in the file
                             exactly as in physical memory, and the Multiboot
                             header is within the first 8 KiB
"""
import struct
import sys

TEXT_TYPES = ("T", "t", "W", "w")


def text_symbols(path):
    syms = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3 or parts[1] not in TEXT_TYPES:
                continue
            syms[parts[2]] = int(parts[0], 16)
    return syms


def emit_table(path):
    syms = sorted((addr, name) for name, addr in text_symbols(path).items())
    out = ['\t.section .ksyms, "a"', "\t.balign 8",
           "\t.globl ksyms_count, ksyms_addrs, ksyms_offsets, ksyms_names",
           f"ksyms_count:\n\t.quad {len(syms)}", "ksyms_addrs:"]
    out += [f"\t.quad 0x{addr:x}" for addr, _ in syms]
    out.append("ksyms_offsets:")
    off = 0
    for _, name in syms:
        out.append(f"\t.long {off}")
        off += len(name) + 1
    out.append("ksyms_names:")
    out += [f'\t.asciz "{name}"' for _, name in syms]
    out.append('\t.section .note.GNU-stack, "", @progbits')
    print("\n".join(out))


def check_same_text(a, b):
    sa, sb = text_symbols(a), text_symbols(b)
    moved = [n for n in sa if sb.get(n) != sa[n]]
    if moved or len(sa) != len(sb):
        sys.exit(f"gensyms: functions moved between link stages: {moved[:5]}")


def check_layout(path):
    with open(path, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    loads = []
    for i in range(phnum):
        p_type, _, p_offset, _, p_paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 1 and p_filesz:
            loads.append((p_paddr, p_offset))
    base_pa, base_off = loads[0]
    for pa, off in loads:
        if off - base_off != pa - base_pa:
            sys.exit(f"gensyms: {path}: segment at 0x{pa:x} is at file "
                     f"offset 0x{off:x}, not contiguous with the image")
    for off in range(0, min(8192, len(data)) - 12, 4):
        magic, flags, csum = struct.unpack_from("<III", data, off)
        if magic == 0x1BADB002 and (magic + flags + csum) & 0xFFFFFFFF == 0:
            return
    sys.exit(f"gensyms: {path}: no Multiboot header in the first 8 KiB")


def main(argv):
    if len(argv) == 4 and argv[1] == "--check-same-text":
        check_same_text(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "--check-layout":
        check_layout(argv[2])
    elif len(argv) == 2:
        emit_table(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
