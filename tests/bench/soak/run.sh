#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The soak benchmark (issue 13): 1,000 create/destroy cycles of a 4 MiB
# domain through cap while three boot-time domUs keep vchan streams and a
# ring benchmark going, then 10,000 cycles alone; free frames must be the
# same before and after each, both streams must arrive whole. Prints the
# rates. Not in the suite: it takes several minutes (docs/benchmarks.md).
#   tests/bench/soak/run.sh
#   tests/bench/soak/run.sh --check LOG   (check a saved session again)
set -u
cd "$(dirname "$0")/../../.."
if [ "${1:-}" = --check ]; then
    out=$(tr -d '\r' <"$2")
    status=0
else
    ninja build/guest-kernel/kernel.elf build/guest-kernel/ramdisk.cpio \
        >/dev/null
    dtc -q -I dts -O dtb -o build/soak.dtb tests/bench/soak/boot.dts
    # --quiet: `wait` is silent until the streams end; type nothing ahead.
    out=$(./run.sh --mem 1G --timeout 3600 --quiet 3000 \
        --script tests/bench/soak/script --module build/soak.dtb \
        --module build/guest-kernel/kernel.elf \
        --module build/guest-kernel/ramdisk.cpio \
        --module build/guest-kernel/kernel.elf \
        --module build/guest-kernel/ramdisk.cpio \
        --module build/guest-kernel/kernel.elf \
        --module build/guest-kernel/ramdisk.cpio 2>&1 | tr -d '\r')
    status=${PIPESTATUS[0]}
    printf '%s\n' "$out" >build/soak.log
fi
fail=0
check() { # check WHAT COMMAND...
    if "${@:2}"; then echo "ok: $1"; else echo "FAIL: $1"; fail=1; fi
}
has() { grep -Eq "$1" <<<"$out"; }
n=$(grep -Ec '^vchan-stream: received 400 MiB, checksum ok$' <<<"$out")
check "both 400 MiB streams arrived whole ($n of 2)" test "$n" = 2
check "the ring benchmark ran through" has '^bench: ring 4096 B notify-always'
mapfile -t cycles < <(grep -E '^cycle: [0-9]+ creates and destroys' <<<"$out")
check "two cycle runs reported" test "${#cycles[@]}" = 2
# Beside the streams, the others free memory as they finish: no frame may
# be lost (after >= before). Alone, the count must come back exactly.
if [ "${#cycles[@]}" = 2 ]; then
    read -r b a < <(sed -E 's/.*frames ([0-9]+) before, ([0-9]+) after.*/\1 \2/' \
        <<<"${cycles[0]}")
    echo "${cycles[0]}"
    check "  beside the streams: none lost ($b before, $a after)" test "$a" -ge "$b"
    echo "${cycles[1]}"
    check "  alone: exactly as many free after" \
        grep -Eq 'free frames ([0-9]+) before, \1 after$' <<<"${cycles[1]}"
fi
mapfile -t up < <(grep -Eo '(^|# )up [0-9.]+ s' <<<"$out" | grep -Eo '[0-9]+\.[0-9]+')
if [ "${#up[@]}" -ge 4 ]; then
    python3 - "${up[@]}" <<'PY'
import sys
u = [float(x) for x in sys.argv[1:]]
print(f"soak: 1,000 cycles beside the streams in {u[1]-u[0]:.1f} s "
      f"({1000/(u[1]-u[0]):.1f} per second of guest time)")
print(f"soak: 10,000 cycles alone in {u[3]-u[2]:.1f} s "
      f"({10000/(u[3]-u[2]):.1f} per second of guest time)")
PY
fi
lacks() { ! grep -Eq "$1" <<<"$out"; }
check "no kernel trouble" lacks 'kernel panic|killed:|Carapace fatal'
check "run.sh exits 0 (got $status)" test "$status" = 0
echo "soak: $([ $fail = 0 ] && echo SUCCESS || echo FAILURE) (log: build/soak.log)"
exit $fail
