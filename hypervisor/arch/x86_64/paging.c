/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor's own page tables, built once at boot to replace the boot
 * tables of boot.S (which map everything read-write-executable):
 *   - the image with 4 KiB pages: text read-only and executable, rodata
 *     read-only and no-execute, data and bss read-write and no-execute, and
 *     the stack guard pages not mapped at all;
 *   - every RAM range in the direct map, read-write and no-execute (2 MiB
 *     pages where a range allows, 4 KiB at its edges, holes not mapped);
 *   - the fixmap: the local APIC, uncached.
 * No page is ever both writable and executable. The identity map of low
 * memory is gone afterwards, so a NULL dereference faults.
 * Table frames come from a pool the caller reserved below the early-map
 * limit, because they are written through the boot direct map.
 */
#include <stdbool.h>
#include <string.h>

#include "addr.h"
#include <carapace/errno.h>
#include <carapace/mmu.h>

#include "arch.h"
#include "log.h"
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/paging.h>

extern char _image_start[], _text_end[], _rodata_end[], _image_end[];
extern const uint64_t hv_guard_pages[], hv_guard_pages_end[];

static uint64_t paging_pool_next, paging_pool_end; /* physical */
static uint64_t paging_idle_cr3; /* the hypervisor's own tables */

/* Read by entry.S and guestmem_copy.S: stac/clac exist only with SMAP. */
uint8_t cpu_has_smap;
static uint64_t paging_tables_used;

void *arch_phys_to_virt(uint64_t pa)
{
    return (void *)(DIRECTMAP_BASE + pa);
}

uint64_t arch_virt_to_phys(const void *va)
{
    return (uint64_t)va - DIRECTMAP_BASE;
}

uint64_t paging_idle_root(void)
{
    return paging_idle_cr3;
}

/* What every guest L4 holds in the hypervisor's slots: the same entries as
 * the hypervisor's own L4 (supervisor-only), so entries from a guest need no
 * page-table switch. */
uint64_t paging_hyp_l4e(unsigned slot)
{
    const uint64_t *l4 = arch_phys_to_virt(paging_idle_cr3);

    return slot < PT_ENTRIES ? l4[slot] : 0;
}

uint64_t arch_mm_early_limit(void)
{
    return EARLY_MAP_LIMIT;
}

uint64_t arch_paging_pool_frames(uint64_t ram_end, unsigned nranges)
{
    uint64_t image = (uint64_t)(_image_end - _image_start);

    uint64_t m2p_pts = ram_end / PAGE_SIZE * 8 / PAGE_SIZE / 512 + 1;

    return 1                               /* PML4 */
           + 2 + m2p_pts / 512 + m2p_pts   /* M2P: PDPT, PDs, PTs */
           + 2 + image / SIZE_2M + 1       /* image: PDPT, PD, PTs */
           + ram_end / (512 * SIZE_1G) + 1 /* direct map PDPTs */
           + ram_end / SIZE_1G + 1         /* direct map PDs */
           + 2 * (uint64_t)nranges         /* PTs at range edges */
           + 3;                            /* fixmap */
}

static uint64_t *paging_alloc_table(uint64_t *pa_out)
{
    uint64_t pa = paging_pool_next;
    uint64_t *table;

    if (pa >= paging_pool_end)
        return NULL;
    paging_pool_next += PAGE_SIZE;
    paging_tables_used++;
    table = arch_phys_to_virt(pa);
    memset(table, 0, PAGE_SIZE);
    *pa_out = pa;
    return table;
}

/* The entry for va at `level` (1 = PT, 2 = PD), creating missing tables. */
static uint64_t *paging_entry(uint64_t *pml4, uint64_t va, int level)
{
    uint64_t *table = pml4;

    for (int l = 4; l > level; l--) {
        uint64_t *e = &table[(va >> (12 + 9 * (l - 1))) & 511];
        uint64_t pa;

        if (!(*e & PTE_P)) {
            if (!paging_alloc_table(&pa))
                return NULL;
            *e = pa | PTE_P | PTE_W;
        }
        table = arch_phys_to_virt(*e & PTE_ADDR_MASK);
    }
    return &table[(va >> (12 + 9 * (level - 1))) & 511];
}

static int paging_map(uint64_t *pml4, uint64_t va, uint64_t pa, int level,
                      uint64_t flags)
{
    uint64_t *e = paging_entry(pml4, va, level);

    if (!e)
        return -CARAPACE_ENOMEM;
    *e = pa | flags | (level == 2 ? PTE_PS : 0);
    return 0;
}

static bool paging_is_guard(uint64_t va)
{
    for (const uint64_t *g = hv_guard_pages; g < hv_guard_pages_end; g++) {
        if (*g == va)
            return true;
    }
    return false;
}

static int paging_map_image(uint64_t *pml4)
{
    for (uint64_t va = (uint64_t)_image_start; va < (uint64_t)_image_end;
         va += PAGE_SIZE) {
        uint64_t flags = PTE_P;
        int err;

        if (paging_is_guard(va))
            continue;
        if (va >= (uint64_t)_rodata_end)
            flags |= PTE_W | PTE_NX;
        else if (va >= (uint64_t)_text_end)
            flags |= PTE_NX;
        err = paging_map(pml4, va, va - KERNEL_VMA, 1, flags);
        if (err)
            return err;
    }
    return 0;
}

static int paging_map_ram(uint64_t *pml4, uint64_t start, uint64_t end)
{
    const uint64_t flags = PTE_P | PTE_W | PTE_NX;

    start = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    end &= ~(PAGE_SIZE - 1);
    while (start < end) {
        bool big = !(start & (SIZE_2M - 1)) && end - start >= SIZE_2M;
        int err =
            paging_map(pml4, DIRECTMAP_BASE + start, start, big ? 2 : 1, flags);

        if (err)
            return err;
        start += big ? SIZE_2M : PAGE_SIZE;
    }
    return 0;
}

static void paging_enable_protections(void)
{
    uint32_t a, b, c, d;
    uint64_t cr4 = read_cr4();

    cpuid(7, 0, &a, &b, &c, &d);
    /* SMEP: ring 0 never executes a user page. SMAP: ring 0 faults on a
     * user page unless it opens access explicitly (stac/clac). */
    if (b & (1u << 7))
        cr4 |= CR4_SMEP;
    if (b & (1u << 20)) {
        cr4 |= CR4_SMAP;
        cpu_has_smap = 1;
    }
    /* UMIP: sgdt, sidt, sldt, str and smsw fault in ring 3 instead of
     * showing guests where the GDT and IDT are (docs/abi.md). */
    if (c & (1u << 2))
        cr4 |= CR4_UMIP;
    write_cr4(cr4);
    log_info("Paging: W^X hypervisor image, NX direct map%s%s%s\n",
             cr4 & CR4_SMEP ? ", SMEP" : "", cr4 & CR4_SMAP ? ", SMAP" : "",
             cr4 & CR4_UMIP ? ", UMIP" : "");
}

/* The M2P frames at M2P_VIRT_START: read-only, no-execute, and readable
 * from ring 3 (PTE_U at every level of the path; slot 256 holds nothing
 * else), so that guests translate machine to guest frames themselves. */
int arch_m2p_map(uint64_t pa, uint64_t size)
{
    uint64_t *pml4 = arch_phys_to_virt(paging_idle_cr3);

    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t va = M2P_VIRT_START + off, *table = pml4;
        int err = paging_map(pml4, va, pa + off, 1, PTE_P | PTE_U | PTE_NX);

        for (int l = 4; !err && l > 1; l--) {
            uint64_t *e = &table[(va >> (12 + 9 * (l - 1))) & 511];

            *e |= PTE_U;
            table = arch_phys_to_virt(*e & PTE_ADDR_MASK);
        }
        if (err)
            return err;
    }
    return 0;
}

int arch_paging_init(const struct memrange_set *ram, uint64_t pool_pa,
                     uint64_t pool_frames)
{
    uint64_t pml4_pa;
    uint64_t *pml4;
    int err;

    paging_pool_next = pool_pa;
    paging_pool_end = pool_pa + pool_frames * PAGE_SIZE;
    pml4 = paging_alloc_table(&pml4_pa);
    if (!pml4)
        return -CARAPACE_ENOMEM;
    err = paging_map_image(pml4);
    for (unsigned i = 0; !err && i < ram->count; i++)
        err = paging_map_ram(pml4, ram->ranges[i].start, ram->ranges[i].end);
    if (!err)
        err = paging_map(pml4, FIXMAP_BASE + FIXMAP_LAPIC * PAGE_SIZE,
                         apic_phys_base(), 1,
                         PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX);
    if (err)
        return err;
    write_cr3(pml4_pa);
    paging_idle_cr3 = pml4_pa;
    log_debug("Paging: %lu of %lu table frames used\n", paging_tables_used,
              pool_frames);
    paging_enable_protections();
    return 0;
}
