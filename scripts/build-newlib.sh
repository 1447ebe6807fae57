#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# build-newlib.sh PREFIX: build newlib 3.3.0 once, from Debian's
# newlib-source tarball, for --target=x86_64-elf with the host gcc and
# binutils, and install it into PREFIX (PREFIX/x86_64-elf/{lib,include}).
#
# Work directories: build/newlib/src (unpacked tarball) and build/newlib/obj
# (objects); both are wiped at the start, so re-running after an interrupted
# build is safe. Installation goes to a staging directory first and is moved
# into PREFIX only when complete. The full log is build/newlib/build.log.
#
# Environment: NEWLIB_TARBALL overrides the tarball path.
set -euo pipefail

if [ "$#" -ne 1 ]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tarball=${NEWLIB_TARBALL:-/usr/src/newlib/newlib-3.3.0.tar.xz}
work=$root/build/newlib
src=$work/src
obj=$work/obj
stage=$work/stage
log=$work/build.log
mkdir -p "$(dirname "$1")"
prefix=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

mkdir -p "$work"
: >"$log"

fail() {
    echo "newlib: build failed ($1); last 40 lines of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
}

if [ ! -r "$tarball" ]; then
    echo "newlib: $tarball not found (run scripts/deps.sh)" >&2
    exit 1
fi

echo "newlib: building once into build/newlib (about 2 minutes)"
start=$(date +%s)

rm -rf "$src" "$obj" "$stage"
mkdir -p "$src" "$obj"
tar -xJf "$tarball" -C "$src" >>"$log" 2>&1 || fail "unpack"
top=$src/newlib-salsa
[ -x "$top/configure" ] || fail "no newlib-salsa/configure in tarball"

gccinc=$(gcc -print-file-name=include)
tflags="-g -O2 -ffreestanding -fno-stack-protector -fno-pic -fno-pie"
tflags+=" -mcmodel=small -nostdinc -isystem $gccinc"

# Host binutils serve as the x86_64-elf ones: same ISA, ELF64 output.
(
    cd "$obj"
    "$top/configure" \
        --target=x86_64-elf \
        --prefix="$prefix" \
        --disable-multilib \
        --disable-nls \
        --enable-newlib-io-long-long \
        --enable-newlib-io-c99-formats \
        CC_FOR_TARGET=gcc \
        AR_FOR_TARGET=ar \
        AS_FOR_TARGET=as \
        LD_FOR_TARGET=ld \
        NM_FOR_TARGET=nm \
        RANLIB_FOR_TARGET=ranlib \
        OBJCOPY_FOR_TARGET=objcopy \
        OBJDUMP_FOR_TARGET=objdump \
        READELF_FOR_TARGET=readelf \
        STRIP_FOR_TARGET=strip \
        CFLAGS_FOR_TARGET="$tflags"
) >>"$log" 2>&1 || fail "configure"

make -C "$obj" -j"$(nproc)" all-target-newlib >>"$log" 2>&1 ||
    fail "make"
make -C "$obj" install-target-newlib DESTDIR="$stage" >>"$log" 2>&1 ||
    fail "install"

staged=$stage$prefix
for lib in libc.a libm.a; do
    [ -f "$staged/x86_64-elf/lib/$lib" ] || fail "$lib was not installed"
done

rm -rf "$prefix"
mkdir -p "$(dirname "$prefix")"
mv "$staged" "$prefix"
rm -rf "$stage"
# Newer than the tarball and this script, so ninja considers them done.
touch "$prefix/x86_64-elf/lib/libc.a" "$prefix/x86_64-elf/lib/libm.a"

echo "newlib: done in $(($(date +%s) - start)) s" >>"$log"
