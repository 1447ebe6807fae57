#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# scripts/tradeoffs.py reads backends' sessions right: from crafted logs
# (--from-logs, no QEMU), a good pair gives the expected table, ratios,
# CSV, SVG and docs update; a lost line, a malformed number, a missing
# done line or ops that differ fail, naming the backend and the op.
set -u
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed() {
    echo "check failed: $1"
    fail=1
}

# harness NAME ARGS...: runs the harness on $tmp/NAME/*.log; its exit
# status is $rc, its stdout in $tmp/NAME.out, its stderr in $tmp/NAME.err.
harness() {
    local name=$1
    shift
    python3 scripts/tradeoffs.py --from-logs "$tmp/$name" --out "$tmp/$name.o" \
        "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    rc=$?
    sed "s/^/| $name: /" "$tmp/$name.out" "$tmp/$name.err"
}

# refused NAME WORD...: the harness failed (status 1) and its message
# names every WORD.
refused() {
    local name=$1 word
    shift
    harness "$name" --backends native,pv
    [ "$rc" = 1 ] || failed "$name: exit status $rc, not 1"
    for word in "$@"; do
        grep -qF -- "$word" "$tmp/$name.err" ||
            failed "$name: the message does not name '$word'"
    done
}

# A native session as the serial console shows it (carriage returns), and
# a pv one behind a domain label, with the shell and console around them.
mkdir -p "$tmp/good"
printf '%s\r\n' 'native# tradeoff' 'tradeoff: syscall-null 100.0' \
    'tradeoff: page-fault 1000.0' '........' 'tradeoff: cpu-loop 4.0' \
    'tradeoff: done 3' 'native# exit' >"$tmp/good/native.log"
printf '%s\n' 'dom0# tradeoff' '(d0) tradeoff: syscall-null 1350.0' \
    '(d0) tradeoff: page-fault 4770.5' '(d0) tradeoff: cpu-loop 4.0' \
    '(d0) tradeoff: done 3' 'kernel: init exited with status 0' \
    >"$tmp/good/pv.log"

mkdir -p "$tmp/good.docs"
printf '%s\n' '# Tradeoffs' '<!-- tradeoffs:table -->' 'old table' \
    '<!-- /tradeoffs:table -->' 'after' >"$tmp/good.docs/tradeoffs.md"
harness good --backends native,pv --docs --docs-dir "$tmp/good.docs"
[ "$rc" = 0 ] || failed "good pair: exit status $rc"
cat >"$tmp/want" <<'EOF'
| operation | native | pv | pv/native |
|---|--:|--:|--:|
| `syscall-null` | 100 | 1,350 | 13.5x |
| `page-fault` | 1,000 | 4,770 | 4.8x |
| `cpu-loop` | 4.0 | 4.0 | 1.0x |
EOF
cmp -s "$tmp/want" "$tmp/good.out" || failed "good pair: not the expected table"
printf '%s\n' op,native,pv syscall-null,100.0,1350.0 page-fault,1000.0,4770.5 \
    cpu-loop,4.0,4.0 >"$tmp/want.csv"
cmp -s "$tmp/want.csv" "$tmp/good.o/tradeoffs.csv" ||
    failed "good pair: not the expected CSV"
# An hvm session: dom0's shell around the hvm domain's "(d1) " lines, with
# its exit counts, which become a column of their own (and of the CSV).
mkdir -p "$tmp/exits"
cp "$tmp/good/native.log" "$tmp/exits/native.log"
printf '%s\n' 'dom0# ' '(d1) tradeoff: syscall-null 300.0' \
    '(d1) tradeoff-exits: syscall-null 0.0' '(d1) tradeoff: page-fault 1000.0' \
    '(d1) tradeoff-exits: page-fault 0.5' '(d1) tradeoff: cpu-loop 4.0' \
    '(d1) tradeoff-exits: cpu-loop 0.0' '(d1) tradeoff: done 3' \
    '(d1) kernel: init exited with status 0' 'dom0# exit' >"$tmp/exits/hvm.log"
harness exits --backends native,hvm
[ "$rc" = 0 ] || failed "hvm exits: exit status $rc"
cat >"$tmp/want.exits" <<'EOF'
| operation | native | hvm | hvm/native | hvm exits |
|---|--:|--:|--:|--:|
| `syscall-null` | 100 | 300 | 3.0x | 0.0 |
| `page-fault` | 1,000 | 1,000 | 1.0x | 0.5 |
| `cpu-loop` | 4.0 | 4.0 | 1.0x | 0.0 |
EOF
cmp -s "$tmp/want.exits" "$tmp/exits.out" || failed "hvm exits: not the expected table"
grep -qx 'op,native,hvm,hvm-exits' "$tmp/exits.o/tradeoffs.csv" ||
    failed "hvm exits: the CSV has no hvm-exits column"

# The chart: well-formed, six bars (three ops, two backends), both labels.
python3 - "$tmp/good.o/tradeoffs.svg" <<'EOF' || failed "good pair: bad SVG"
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
bars = [r for r in root.iter(ns + "rect") if r.get("height") == "14"]
texts = [t.text for t in root.iter(ns + "text")]
assert len(bars) == 6, f"{len(bars)} bars"
assert "native (no hypervisor)" in texts and "pv (dom0 on Carapace)" in texts, texts
assert "syscall-null" in texts and "1,350" in texts, texts
EOF
{
    printf '%s\n' '# Tradeoffs' '<!-- tradeoffs:table -->'
    cat "$tmp/want"
    printf '%s\n' '<!-- /tradeoffs:table -->' 'after'
} >"$tmp/want.md"
cmp -s "$tmp/want.md" "$tmp/good.docs/tradeoffs.md" ||
    failed "--docs: the table is not between the markers"
cmp -s "$tmp/good.o/tradeoffs.svg" "$tmp/good.docs/tradeoffs.svg" ||
    failed "--docs: the SVG was not copied"
cmp -s "$tmp/want.csv" "$tmp/good.docs/tradeoffs.csv" ||
    failed "--docs: the CSV was not copied"

# pv alone: no ratio column.
harness good --backends pv
[ "$rc" = 0 ] || failed "pv alone: exit status $rc"
grep -qxF '| `page-fault` | 4,770 |' "$tmp/good.out" ||
    failed "pv alone: no plain page-fault row"

# variant NAME SED: the good pair with pv's log edited by SED.
variant() {
    mkdir -p "$tmp/$1"
    cp "$tmp/good/native.log" "$tmp/$1/"
    sed "$2" "$tmp/good/pv.log" >"$tmp/$1/pv.log"
}

variant lost '/page-fault/d'
refused lost "backend pv" "page-fault"
variant lost-counted '/page-fault/d; s/done 3/done 2/'
refused lost-counted "backend pv" "no line for op page-fault"
variant malformed 's/syscall-null 1350.0/syscall-null 13x50/'
refused malformed "backend pv" "syscall-null" "13x50"
variant nodone '/done/d'
refused nodone "backend pv" "done"
variant after-done '$a (d0) tradeoff: yield 5.0'
refused after-done "backend pv" "a line after the done line"
variant renamed 's/cpu-loop/cpu-spin/'
refused renamed "backend pv" "cpu-loop" "cpu-spin"
mkdir -p "$tmp/nolog" && cp "$tmp/good/native.log" "$tmp/nolog/"
refused nolog "backend pv" "pv.log"

harness good --backends native,hvm-nonesuch
[ "$rc" = 2 ] || failed "an unknown backend: exit status $rc, not 2"

if [ "$fail" -eq 0 ]; then
    echo "Test result: SUCCESS"
else
    echo "Test result: FAILURE"
fi
