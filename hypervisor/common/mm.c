/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot-time memory bring-up. RAM comes from the boot information tree;
 * reserved are the architecture's ranges (firmware, our image) and the boot
 * modules. The frame table (one struct frame per 4 KiB of RAM up to the
 * highest RAM address) and the frames for the hypervisor's page tables are
 * carved out of free RAM below the early-map limit, since they are written
 * before the final direct map exists. Unused page-table frames go back.
 */
#include <stdbool.h>
#include <string.h>

#include <carapace/errno.h>

#include "addr.h"
#include "arch.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "frame.h"
#include "log.h"
#include "m2p.h"
#include "memrange.h"
#include "mm.h"

/* Static: too large for the boot stack, and used only once. */
static struct memrange_set mm_ram, mm_reserved, mm_free;

static uint64_t mm_page_up(uint64_t a)
{
    return (a + PAGE_SIZE - 1) & PAGE_MASK;
}

static int mm_collect(const void *fdt)
{
    struct bootinfo_range r;
    struct bootinfo_module m;
    int err = 0, n;

    memrange_init(&mm_ram);
    memrange_init(&mm_reserved);
    n = bootinfo_ram_count(fdt);
    for (int i = 0; !err && i < n; i++) {
        err = bootinfo_ram_get(fdt, i, &r);
        if (!err)
            err = memrange_add(&mm_ram, r.start, r.start + r.size);
    }
    if (!err)
        err = arch_mm_reserved(&mm_reserved);
    n = bootinfo_module_count(fdt);
    for (int i = 0; !err && i < n; i++) {
        err = bootinfo_module_get(fdt, i, &m);
        if (!err)
            err = memrange_add(&mm_reserved, m.start & PAGE_MASK,
                               mm_page_up(m.start + m.size));
    }
    if (!err && mm_ram.count == 0)
        err = -CARAPACE_ENOMEM;
    return err;
}

/* Take `size` bytes of free RAM below the early-map limit, for good. */
static int mm_carve(uint64_t size, uint64_t *pa)
{
    int err =
        memrange_find(&mm_free, size, PAGE_SIZE, arch_mm_early_limit(), pa);

    if (!err)
        err = memrange_remove(&mm_free, *pa, *pa + size);
    if (!err)
        err = memrange_add(&mm_reserved, *pa, *pa + size);
    return err;
}

static int mm_free_compute(void)
{
    int err = 0;

    mm_free = mm_ram;
    for (uint32_t i = 0; !err && i < mm_reserved.count; i++)
        err = memrange_remove(&mm_free, mm_reserved.ranges[i].start,
                              mm_reserved.ranges[i].end);
    return err;
}

/* Does the command line say bootscrub=no? (idle, the default, or no.) */
static bool mm_bootscrub_off(const void *fdt)
{
    const char *cmdline = bootinfo_cmdline(fdt);
    char val[8];

    if (cmdline_get(cmdline, "bootscrub", val, sizeof(val)) < 0)
        return false;
    if (strcmp(val, "no") == 0)
        return true;
    if (strcmp(val, "idle") != 0)
        log_warn("bootscrub=%s: not idle nor no; idle it is\n", val);
    return false;
}

int mm_init(const void *fdt)
{
    uint64_t ram_end, nframes, table_size, table_pa, pool_frames, pool_pa;
    uint64_t m2p_pa;
    int err = mm_collect(fdt);

    if (err) {
        log_err("Memory: no usable RAM map from the loader (error %d)\n", err);
        return err;
    }
    ram_end = mm_ram.ranges[mm_ram.count - 1].end;
    nframes = ram_end >> PAGE_SHIFT;
    table_size = mm_page_up(nframes * sizeof(struct frame));
    pool_frames = arch_paging_pool_frames(ram_end, mm_ram.count);
    err = mm_free_compute();
    if (!err && (err = mm_carve(table_size, &table_pa)))
        log_err("Memory: no room below %#lx for the frame table (%lu KiB)\n",
                arch_mm_early_limit(), table_size >> 10);
    if (!err && (err = mm_carve(pool_frames * PAGE_SIZE, &pool_pa)))
        log_err("Memory: no room for %lu page-table frames\n", pool_frames);
    if (!err && (err = mm_carve(m2p_bytes(nframes), &m2p_pa)))
        log_err("Memory: no room for the M2P table (%lu KiB)\n",
                m2p_bytes(nframes) >> 10);
    /* bootscrub=no: the RAM is zero at power-on (QEMU's is), so the idle
     * loop need not zero it; by default it is dirty (frame.c). */
    frame_assume_clean(mm_bootscrub_off(fdt));
    if (!err)
        err = frame_setup(&mm_ram, &mm_reserved, arch_phys_to_virt(table_pa),
                          nframes);
    frame_assume_clean(false);
    if (!err)
        err = arch_paging_init(&mm_ram, pool_pa, pool_frames);
    if (!err)
        err = arch_m2p_map(m2p_pa, m2p_bytes(nframes));
    if (err)
        return err;
    m2p_init(arch_phys_to_virt(m2p_pa), nframes);
    log_info("Memory: %lu MiB of RAM in %u ranges, %lu frames; frame table "
             "%lu KiB at %#lx\n",
             memrange_total(&mm_ram) >> 20, mm_ram.count, frame_count_ram(),
             table_size >> 10, table_pa);
    log_info("Memory: %lu usable frames (%lu MiB) free, %lu reserved by the "
             "hypervisor\n",
             frame_count_free(), frame_count_free() >> 8,
             frame_count_owned(FRAME_OWNER_HYP));
    return 0;
}
