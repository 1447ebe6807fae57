#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# link-hv.sh OUT LDSCRIPT INPUT...
#
# Links a hypervisor image in two stages. Stage 1 has an empty symbol table;
# its function symbols become the table (section .ksyms) linked into stage 2,
# so backtraces print names. .ksyms comes after all code, so no function
# moves between the stages; this script checks that, and that the file holds
# the loaded part of the image contiguously, as QEMU's Multiboot loader
# (a.out kludge) requires. Inputs named lib*.a from our tree are linked
# whole (a test image's strong hooks replace the archive's weak ones).
set -euo pipefail

out=$1
ldscript=$2
shift 2

args=()
for f in "$@"; do
    case "$f" in
    build/*.a) args+=(--whole-archive "$f" --no-whole-archive) ;;
    *) args+=("$f") ;;
    esac
done

# A directory of its own: two builds of one tree may link at once.
tmp=$(mktemp -d "$out.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
here=$(dirname "$0")
ld_flags=(-nostdlib -static -z max-page-size=0x1000 -z noexecstack
    --no-warn-rwx-segments -T "$ldscript")

link() { # link OUTPUT KSYMS_OBJECT
    ld "${ld_flags[@]}" -o "$1" "${args[@]}" "$2"
}

python3 "$here/gensyms.py" /dev/null >"$tmp/ksyms0.S"
gcc -c -o "$tmp/ksyms0.o" "$tmp/ksyms0.S"
link "$tmp/stage1.elf" "$tmp/ksyms0.o"

nm -n --defined-only "$tmp/stage1.elf" >"$tmp/stage1.nm"
python3 "$here/gensyms.py" "$tmp/stage1.nm" >"$tmp/ksyms1.S"
gcc -c -o "$tmp/ksyms1.o" "$tmp/ksyms1.S"
link "$tmp/stage2.elf" "$tmp/ksyms1.o"

nm -n --defined-only "$tmp/stage2.elf" >"$tmp/stage2.nm"
python3 "$here/gensyms.py" --check-same-text "$tmp/stage1.nm" "$tmp/stage2.nm"
python3 "$here/gensyms.py" --check-layout "$tmp/stage2.elf"
mv "$tmp/stage2.elf" "$out"
rm -rf "$tmp"
