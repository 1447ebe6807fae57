#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# deps.sh [--check]: make sure the Debian packages Carapace needs are
# installed. Silent and fast when they all are (it runs on every ./run.sh).
# Otherwise: as root, apt-get update + install; with password-less sudo,
# the same through sudo; else print the sudo command to run and exit 1.
# --check only reports: exit 1 if something is missing.
#
# Test hooks (for exercising the missing-package path):
#   DEPS_EXTRA="pkg ..."  also require these packages
#   DEPS_NO_INSTALL=1     act as if neither root nor sudo were available
set -euo pipefail

# texinfo, bison and flex are not needed: newlib builds without them.
pkgs=(
    qemu-system-x86 ninja-build libfdt-dev device-tree-compiler
    newlib-source gcc binutils make gdb python3 xz-utils cpio clang-format
    clang
)
if [ -n "${DEPS_EXTRA:-}" ]; then
    read -r -a extra <<<"$DEPS_EXTRA"
    pkgs+=("${extra[@]}")
fi

check_only=0
case "${1:-}" in
"") ;;
--check) check_only=1 ;;
*)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac

# Prints the packages that are not installed, one per line. dpkg-query
# complains on stderr about packages it has never heard of, and omits them.
missing_pkgs() {
    local installed
    installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null |
        awk '$2 == "install" && $3 == "ok" && $4 == "installed" { print $1 }' ||
        true)
    local p
    for p in "$@"; do
        if ! grep -qxF "$p" <<<"$installed"; then
            echo "$p"
        fi
    done
}

mapfile -t missing < <(missing_pkgs "${pkgs[@]}")
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi

echo "deps: missing packages: ${missing[*]}" >&2
if [ "$check_only" -eq 1 ]; then
    exit 1
fi

if [ "${DEPS_NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif [ "${DEPS_NO_INSTALL:-0}" != 1 ] && command -v sudo >/dev/null &&
    sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "deps: please run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq "${missing[@]}"

mapfile -t still < <(missing_pkgs "${missing[@]}")
if [ "${#still[@]}" -ne 0 ]; then
    echo "deps: still missing after install: ${still[*]}" >&2
    exit 1
fi
