/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: hypervisor/common/bootinfo.c. The input is a boot
 * information tree, copied to an 8-aligned buffer of its exact size (the
 * readers take no size: a tree whose header claims more than the input is
 * skipped, as the hypervisor only reads trees inside their buffer). Then
 * bootinfo_check, and every reader whether or not the check passed: they
 * must refuse a malformed tree, never read outside it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "bootinfo.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bootinfo_range r;
    struct bootinfo_module m;
    void *fdt;
    int ok, n, i;

    log_set_level(LOG_ERROR);
    if (size < sizeof(struct fdt_header) || fdt_totalsize(data) > size)
        return 0;
    fdt = aligned_alloc(8, (size + 7) & ~(size_t)7);
    if (!fdt)
        return 0;
    memcpy(fdt, data, size);
    ok = bootinfo_check(fdt) == 0;
    (void)strlen(bootinfo_cmdline(fdt));
    (void)strlen(bootinfo_loader(fdt));
    n = bootinfo_ram_count(fdt);
    if (ok && n < 0)
        abort();
    for (i = 0; i < n + 1; i++)
        if (bootinfo_ram_get(fdt, i, &r) != 0 && ok && i < n)
            abort();
    n = bootinfo_reserved_count(fdt);
    if (ok && n < 0)
        abort();
    for (i = 0; i < n + 1; i++)
        if (bootinfo_reserved_get(fdt, i, &r) != 0 && ok && i < n)
            abort();
    n = bootinfo_module_count(fdt);
    if (ok && n < 0)
        abort();
    for (i = 0; i < n + 1; i++) {
        if (bootinfo_module_get(fdt, i, &m) == 0)
            (void)strlen(m.cmdline ? m.cmdline : "");
        else if (ok && i < n)
            abort();
    }
    if (ok)
        bootinfo_dump(fdt);
    free(fdt);
    return 0;
}
