#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""check-sensitive.py ELF...: fail if a paravirtualized kernel image holds
an instruction it must not execute.

A PV guest kernel runs deprivileged (ring 3): an instruction that needs
ring 0, or that behaves differently outside it (pushf/popf silently drop
IF, sgdt/sidt/sldt/str/smsw read the hypervisor's state), must be replaced
by a hypercall or by the kernel's own bookkeeping. See
docs/sensitive-instructions.md for the list and what the kernel does
instead.

The check disassembles every executable section with
`objdump -d --no-show-raw-insn` and looks only at the mnemonic field of
each instruction (after prefixes such as rep, lock or data16), so symbol
names like <strlen> or operands never match. Exit status: 0 if the image
is clean, 1 with one line per hit (address, function, instruction), 2 if
objdump failed.
"""
import re
import subprocess
import sys

# Mnemonics as objdump prints them (AT&T syntax, with or without a size
# suffix).
FORBIDDEN = {
    # interrupt flag and flags register
    "cli", "sti", "popf", "popfq", "popfw", "pushf", "pushfq", "pushfw",
    # halting, descriptor tables, task register, machine status word
    "hlt", "lgdt", "lidt", "lldt", "ltr", "sgdt", "sidt", "sldt", "str",
    "smsw", "lmsw", "clts",
    # model-specific and performance registers, extended control register
    "rdmsr", "wrmsr", "rdpmc", "xsetbv",
    # TLB and caches
    "invlpg", "invlpga", "invpcid", "invd", "wbinvd",
    # port I/O
    "in", "inb", "inw", "inl", "out", "outb", "outw", "outl",
    "ins", "insb", "insw", "insl", "insd",
    "outs", "outsb", "outsw", "outsl", "outsd",
    # returns to a lower privilege level, and kernel-only entry helpers
    "iret", "iretw", "iretl", "iretd", "iretq", "sysret", "sysretl",
    "sysretq", "sysexit", "sysexitl", "sysexitq", "swapgs",
    # monitor/mwait idle
    "monitor", "mwait",
}

# mov to or from a control or debug register: objdump writes %cr0-%cr15
# and %db0-%db15 (or %dr0-%dr15 in some versions).
CONTROL_REG = re.compile(r"%(cr|db|dr)\d+\b")

PREFIXES = {
    "rep", "repz", "repe", "repnz", "repne", "lock", "data16", "data32",
    "addr16", "addr32", "cs", "ds", "es", "fs", "gs", "ss", "notrack",
    "bnd", "xacquire", "xrelease",
}

FUNC = re.compile(r"^[0-9a-f]+ <(.+)>:$")
INSN = re.compile(r"^\s*([0-9a-f]+):\s+(.*)$")


def mnemonic(text):
    """The instruction's mnemonic and operands, without its prefixes."""
    words = text.split()
    while words and (words[0] in PREFIXES or words[0].startswith("rex")):
        words = words[1:]
    if not words:
        return "", ""
    return words[0], " ".join(words[1:])


def check(path):
    try:
        proc = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path],
                              capture_output=True, text=True)
    except OSError as err:
        print(f"check-sensitive: cannot run objdump: {err.strerror}", file=sys.stderr)
        return None
    if proc.returncode != 0:
        print(f"check-sensitive: objdump {path} failed:\n{proc.stderr}", file=sys.stderr)
        return None
    hits, func = [], "?"
    for line in proc.stdout.splitlines():
        m = FUNC.match(line)
        if m:
            func = m.group(1)
            continue
        m = INSN.match(line)
        if not m:
            continue
        text = m.group(2).split("#")[0].split("<")[0].strip()
        op, args = mnemonic(text)
        bad = op in FORBIDDEN or (op.startswith("mov") and CONTROL_REG.search(args))
        if bad:
            hits.append((m.group(1), func, text))
    return hits


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2 if len(sys.argv) < 2 else 0
    status = 0
    for path in sys.argv[1:]:
        hits = check(path)
        if hits is None:
            return 2
        for addr, func, text in hits:
            print(f"{path}: {addr}: in {func}: {text}")
        if hits:
            print(f"check-sensitive: {path}: {len(hits)} sensitive instruction(s)")
            status = 1
        else:
            print(f"check-sensitive: {path}: no sensitive instructions")
    return status


if __name__ == "__main__":
    sys.exit(main())
