/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A flattened device tree that came from outside (a boot module, the
 * loader's tree) checked before libfdt reads it. Debian's libfdt 1.6.1
 * fdt_check_full() itself reads address 0 on some corrupted trees (found by
 * tests/fuzz/bootcfg and bootinfo), so the header (version 17 only) and
 * every property's name are checked here first, then fdt_check_full() runs.
 */
#ifndef CARAPACE_FDTCHECK_H
#define CARAPACE_FDTCHECK_H

#include <stdbool.h>
#include <stddef.h>

/* True if blob[0..size) is a device tree libfdt may read from now on. */
bool fdtcheck_sound(const void *blob, size_t size);

#endif /* CARAPACE_FDTCHECK_H */
