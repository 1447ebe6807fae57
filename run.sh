#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# ./run.sh: build Carapace and boot it under QEMU with the serial console on
# this terminal. Installs missing Debian packages first (scripts/deps.sh).
set -euo pipefail
cd "$(dirname "$0")"

usage() {
    cat <<'USAGE'
Usage: ./run.sh [options] [-- extra QEMU arguments]

Builds the hypervisor, the guest kernel and its ramdisk, and boots them in
QEMU (q35, TCG): the hypervisor runs the guest kernel as dom0, which starts
its shell (`dom0# `) on the serial console, on this terminal. Ctrl-C goes to
the guest (it stops the foreground program); `poweroff` or `exit` in the
shell powers the machine off; Ctrl-A x quits QEMU at once.

Options:
  --native         boot the same guest kernel natively instead: the native
                   backend (build/guest-kernel/kernel-native.elf) in ring 0,
                   straight under QEMU, no hypervisor, into a `native# `
                   shell with the same ramdisk (docs/tradeoffs.md); takes
                   --gdb, --mem, --icount, --kargs and --script
  --hvm            boot dom0 and, beside it, the native kernel as an hvm
                   domain under SVM (scripts/hvm-run.dts: 64 MiB, the same
                   ramdisk), its console on this terminal as "(d1) " lines;
                   --kargs is its command line (dom0 keeps the default)
  --trap           the same with the native kernel as a trap domain, in
                   ring 3 under trap-and-emulate (scripts/trap-run.dts)
  --gdb            start QEMU paused, waiting for gdb on localhost:1234 (or
                   $CARAPACE_GDB_PORT), and print the gdb command that
                   attaches with symbols
  --loglvl LEVEL   hypervisor log level: error, warn, info (default), debug
  --mem SIZE       guest-physical memory for QEMU's -m (default 256M)
  --cpu MODEL      QEMU's -cpu (default max: SVM for hvm domains, SMEP,
                   SMAP, UMIP; qemu64 has none of them)
  --append ARGS    more hypervisor command-line arguments (run.sh gives
                   bootscrub=no first: QEMU's RAM is zero; ARGS win)
  --icount         deterministic time: -icount shift=0,sleep=off
  --kargs ARGS     the guest kernel's command line
  --dom0 FILE      boot FILE (a guest ELF image) as dom0 instead of the guest
                   kernel; more words after the path are its command line:
                   --dom0 "guest.elf args"
  --no-dom0        boot the hypervisor alone (it powers off at once)
  --module "PATH [ARGS]"
                   one more boot module after dom0's ramdisk (repeatable,
                   in order): a boot configuration (.dtb) and the domU
                   kernels and ramdisks it names; PATH is built with ninja
                   if it has a build rule
  --script FILE    type the lines of FILE into dom0's shell, show the whole
                   session, and exit with the status of the last command
                   (see below)
  --timeout S      --script: give up after S seconds in all (default 120)
  --quiet S        --script: send the next line after S seconds without
                   output even if no prompt came back (default 5)
  --tradeoffs [ARGS]
                   run the tradeoff harness instead, python3
                   scripts/tradeoffs.py ARGS (everything after it is its):
                   /bin/tradeoff under --icount on every backend, one table
                   of instructions per operation (docs/tradeoffs.md;
                   --tradeoffs --help for its options)
  --help           show this help

Script files (scripts/console.py): each line is typed into the console
once the shell shows its prompt again (or the output has been quiet for
--quiet seconds: that is how lines reach a program reading the console).
`^C`, `^D` and `^]` alone on a line send Ctrl-C, Ctrl-D and Ctrl-] (which
detaches `cap console`); lines starting with
`#` are comments; `@expect REGEX` waits for REGEX in the output, then sends
the next line at once (e.g. `spin`, `@expect tick 3`, `^C`); `@sleep S`
waits. At the end `exit` is typed: the shell exits with its last status,
dom0's kernel prints `kernel: init exited with status N` and powers off,
and run.sh exits with N (1 if the machine crashed or timed out). A domU's
kernel prints the same words on its console (`cap console`): only a line
after the last one typed, followed by the machine powering off, counts.

Exit status: 0 after a clean poweroff (or reboot), 1 if the hypervisor or dom0
stopped on a fatal error or crash, 2 for a usage error (including a --dom0
file that cannot be read), 3 if QEMU itself failed (it printed an error:
a bad QEMU argument, memory it could not get, an image it could not load),
QEMU's own status otherwise; with --script, the status of the script's
last command (3 too if QEMU itself failed).
USAGE
}

# need_arg OPTION WHAT ARGC: OPTION came last, without its value: a usage
# error (exit 2, as --help says; ${2:?} would exit 1).
need_arg() {
    if [ "$3" -lt 2 ]; then
        echo "run.sh: $1 needs $2 (see ./run.sh --help)" >&2
        exit 2
    fi
}

# need_value OPTION WHAT ARGC VALUE: the same, and VALUE must not be empty.
need_value() {
    need_arg "$1" "$2" "$3"
    if [ -z "$4" ]; then
        echo "run.sh: $1 needs $2 (see ./run.sh --help)" >&2
        exit 2
    fi
}

native=0 hvm=0 trapdom=0 cpu=max gdb=0 loglvl=info mem=256M append="" icount=0 dom0="" nodom0=0 kargs=""
script="" timeout=120 quiet=5 hvopt=""
extra=() modules=()
while [ $# -gt 0 ]; do
    case "$1" in
    --native) native=1 ;;
    --hvm) hvm=1 ;;
    --trap) trapdom=1 ;;
    --gdb) gdb=1 ;;
    --loglvl) need_value "$1" "a level" $# "${2-}"; loglvl=$2; hvopt=$1; shift ;;
    --mem) need_value "$1" "a size" $# "${2-}"; mem=$2; shift ;;
    --cpu) need_value "$1" "a CPU model" $# "${2-}"; cpu=$2; shift ;;
    --append) need_value "$1" "arguments" $# "${2-}"; append=$2; hvopt=$1; shift ;;
    --icount) icount=1 ;;
    --dom0) need_value "$1" "a guest image" $# "${2-}"; dom0=$2; hvopt=$1; shift ;;
    --no-dom0) nodom0=1; hvopt=$1 ;;
    --module) need_value "$1" "a path" $# "${2-}"; modules+=("$2"); hvopt=$1; shift ;;
    --kargs) need_arg "$1" "arguments" $#; kargs=$2; shift ;;
    --script) need_value "$1" "a file" $# "${2-}"; script=$2; shift ;;
    --timeout) need_value "$1" "seconds" $# "${2-}"; timeout=$2; shift ;;
    --quiet) need_value "$1" "seconds" $# "${2-}"; quiet=$2; shift ;;
    --tradeoffs) shift; exec python3 scripts/tradeoffs.py "$@" ;;
    -h | --help) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "run.sh: unknown option '$1' (see ./run.sh --help)" >&2; exit 2 ;;
    esac
    shift
done

if [ $((hvm + native + trapdom)) -gt 1 ]; then
    echo "run.sh: --hvm, --trap and --native are different backends: pick one" >&2
    exit 2
fi
if [ "$hvm" = 1 ] || [ "$trapdom" = 1 ]; then
    # The hvm (trap) domain takes --kargs as its kernel module's command line.
    dtb=build/hvm-run.dtb
    [ "$trapdom" = 0 ] || dtb=build/trap-run.dtb
    modules=("$dtb" "build/guest-kernel/kernel-native.elf${kargs:+ $kargs}"
        build/guest-kernel/ramdisk.cpio ${modules[@]+"${modules[@]}"})
    kargs=""
fi
if [ "$native" = 1 ] && [ -n "$hvopt" ]; then
    echo "run.sh: $hvopt is for the hypervisor: --native boots no hypervisor" >&2
    exit 2
fi
if [ -n "$script" ] && [ ! -r "$script" ]; then
    echo "run.sh: cannot read script '$script'" >&2
    exit 2
fi

scripts/deps.sh
targets=(build/hypervisor/carapace.elf)
if [ "$native" = 1 ]; then
    targets=(build/guest-kernel/kernel-native.elf build/guest-kernel/ramdisk.cpio)
    nodom0=1
fi
if [ -n "$dom0" ]; then
    path=${dom0%%[ ,]*}
    if ninja -t query "$path" >/dev/null 2>&1; then
        targets+=("$path")
    elif [ ! -r "$path" ]; then
        echo "run.sh: --dom0: cannot read '$path'" >&2
        exit 2
    fi
fi
kernel=build/guest-kernel/kernel.elf ramdisk=build/guest-kernel/ramdisk.cpio
if [ -z "$dom0" ] && [ "$nodom0" = 0 ]; then
    if ninja -t query "$kernel" >/dev/null 2>&1; then
        targets+=("$kernel" "$ramdisk")
        dom0="$kernel${kargs:+ $kargs},$ramdisk"
    else
        echo "run.sh: the guest kernel has no build rule yet: booting without dom0" >&2
    fi
fi
for m in ${modules[@]+"${modules[@]}"}; do
    path=${m%% *}
    if ninja -t query "$path" >/dev/null 2>&1; then
        targets+=("$path")
    elif [ ! -r "$path" ]; then
        echo "run.sh: --module: cannot read '$path'" >&2
        exit 2
    fi
    if [ -z "$dom0" ]; then
        echo "run.sh: --module needs a dom0 (modules follow dom0's ramdisk)" >&2
        exit 2
    fi
    case "$m" in
    *,*) echo "run.sh: --module '$m': no commas (QEMU separates modules with them)" >&2; exit 2 ;;
    esac
    dom0="$dom0,$m"
done
# The first build compiles newlib (once, about two minutes on two cores):
# say so, rather than leave the terminal blank that long.
if [ ! -f build/newlib/install/x86_64-elf/lib/libc.a ]; then
    echo "run.sh: building newlib for guest programs, once (about 2 minutes;" \
        "log: build/newlib/build.log) ..." >&2
fi
ninja "${targets[@]}" >/dev/null

image=build/hypervisor/carapace.elf
# QEMU's RAM is zero at power-on: the hypervisor need not scrub the boot's
# free memory (bootscrub=no; --append bootscrub=idle to scrub as on real
# hardware, where it must). The last of a key on the command line wins.
cmdline="loglvl=$loglvl bootscrub=no $append" who=dom0
if [ "$native" = 1 ]; then
    # The kernel is the Multiboot image itself, the ramdisk its module.
    image=build/guest-kernel/kernel-native.elf cmdline=$kargs
    who="the native kernel"
    dom0=build/guest-kernel/ramdisk.cpio
fi
qemu=(qemu-system-x86_64 -M q35 -cpu "$cpu" -m "$mem" -smp 1
    -display none -nodefaults -no-reboot
    -device isa-debug-exit,iobase=0xf4,iosize=0x04
    -kernel "$image" -append "$cmdline")
[ "$icount" = 1 ] && qemu+=(-icount shift=0,sleep=off)
[ -n "$dom0" ] && qemu+=(-initrd "$dom0")
# The console: for a script, pipes; on a terminal, raw mode with Ctrl-C
# passed to the guest (signal=off) and Ctrl-A x to quit (mux).
if [ -n "$script" ] || [ -n "${CARAPACE_PRINT_QEMU:-}" ]; then
    qemu+=(-serial stdio)
else
    qemu+=(-chardev stdio,id=con,mux=on,signal=off -serial chardev:con)
fi
if [ "$gdb" = 1 ]; then
    port=${CARAPACE_GDB_PORT:-1234}
    qemu+=(-gdb "tcp:localhost:$port" -S)
    first=start_of_day
    [ "$native" = 1 ] && first=kmain
    cat <<GDB
QEMU is waiting for gdb on localhost:$port. In another terminal, run:

  gdb -ex 'target remote localhost:$port' -ex 'hbreak $first' -ex continue $image

GDB
    [ "$native" = 1 ] && cat <<GDB
The native kernel runs in ring 0 with the same symbols as under the
hypervisor; a user program's are added the same way:

  (gdb) add-symbol-file build/guest-kernel/user/sh.elf

GDB
    case "$dom0" in
    "$kernel"*)
        cat <<GDB
dom0 is the guest kernel. Its symbols, and those of a user program (each
is linked at its own fixed address; every process of a program shares it):

  (gdb) add-symbol-file $kernel
  (gdb) add-symbol-file build/guest-kernel/user/sh.elf
  (gdb) hbreak kmain

GDB
        ;;
    esac
fi

# scripts/boot-time.py: the QEMU command, NUL-separated, and no boot.
if [ -n "${CARAPACE_PRINT_QEMU:-}" ]; then
    printf '%s\0' "${qemu[@]}" "${extra[@]}"
    exit 0
fi

if [ -n "$script" ]; then
    if [ -z "$dom0" ]; then
        echo "run.sh: --script needs a dom0 with a shell (the guest kernel)" >&2
        exit 2
    fi
    exec python3 scripts/console.py --timeout "$timeout" --quiet "$quiet" \
        "$script" -- "${qemu[@]}" "${extra[@]}"
fi

# QEMU's status 1 is both the hypervisor's poweroff (isa-debug-exit value
# 0) and QEMU's own failure (a bad argument, memory or an image it cannot
# get), which it reports on stderr: keep a copy of that to tell them apart.
qemu_err=$(mktemp)
trap 'rm -f "$qemu_err"' EXIT
set +e
{ "${qemu[@]}" "${extra[@]}" 2>&1 1>&4 4>&- | tee "$qemu_err" >&2; } 4>&1
status=${PIPESTATUS[0]}
set -e
if [ "$status" = 1 ] && grep -v ': warning: ' "$qemu_err" | grep -q '^qemu-system-[^:]*: '; then
    echo "run.sh: QEMU itself failed (status 1, its error is above)" >&2
    exit 3
fi
case $status in
1) exit 0 ;; # the hypervisor powered off (isa-debug-exit value 0)
3) echo "run.sh: the hypervisor stopped on a fatal error" >&2; exit 1 ;;
5) echo "run.sh: $who crashed" >&2; exit 1 ;;
7) echo "run.sh: $who asked for a reboot" >&2; exit 0 ;;
*) echo "run.sh: QEMU exited with status $status" >&2; exit "$status" ;;
esac
