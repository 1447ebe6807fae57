/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor command line: words separated by spaces (or tabs and
 * newlines), each either `key=value` or a bare `key`. A double quote in a
 * value starts or ends a quoted stretch in which spaces do not separate
 * words; the quotes themselves are not part of the value:
 *     loglvl=debug dom0_mem=64M noapic dom0_args="console=hvc0 quiet"
 * A key may appear several times: the last occurrence wins, so a boot
 * loader entry can append an override. A NULL command line is empty.
 */
#ifndef CARAPACE_CMDLINE_H
#define CARAPACE_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Copy the value of key into val (NUL-terminated) and return its length: 0
 * for a bare key or `key=`. -ENOENT if key is absent, -EINVAL for an empty
 * key, -ENOSPC if the value needs more than valsize bytes with its NUL; val
 * then holds as much as fits, still terminated when valsize > 0.
 */
int cmdline_get(const char *cmdline, const char *key, char *val,
                size_t valsize);

/* Whether key appears at all, bare or with a value. */
bool cmdline_has(const char *cmdline, const char *key);

/*
 * Parse the value of key as a number: decimal, or hex with 0x, optionally
 * followed by one size suffix K, M, G or T (either case; powers of 1024),
 * e.g. dom0_mem=64M. -ENOENT if absent; -EINVAL for an empty value,
 * anything else after the number, or a result beyond 64 bits. *out is
 * written only on success.
 */
int cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out);

#endif /* CARAPACE_CMDLINE_H */
