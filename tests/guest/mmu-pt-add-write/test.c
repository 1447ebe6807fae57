/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The existing read-only mappings of the initial page tables cannot be made
 * writable by changing only the flags of their entries: -EBUSY, and the
 * entry keeps its value.
 */
#include "guest.h"

const char test_title[] = "mmu-pt-add-write: no W bit on a page-table mapping";

#define W MMU_PTE_WRITE

static void try_add_write(const char *name, uint64_t table_va)
{
    uint64_t ma, old;
    const uint64_t *e = pt_entry(table_va, 1, &ma);
    char what[96];

    if (!e) {
        test_fail("%s: no L1 entry maps %#lx", name, (unsigned long)table_va);
        return;
    }
    old = *e;
    printf("%s at %#lx: L1 entry %#lx\n", name, (unsigned long)table_va,
           (unsigned long)old);
    snprintf(what, sizeof(what), "%s: mapped present and read-only", name);
    test_expect_eq(old & (MMU_PTE_PRESENT | W), MMU_PTE_PRESENT, what);
    snprintf(what, sizeof(what), "%s: mmu_update adding W", name);
    test_expect_eq(mmu_update_one(ma, old | W), -CARAPACE_EBUSY, what);
    snprintf(what, sizeof(what), "%s: update_va_mapping adding W", name);
    test_expect_eq(hc_update_va_mapping(table_va, old | W, UVMF_INVLPG),
                   -CARAPACE_EBUSY, what);
    snprintf(what, sizeof(what), "%s: entry unchanged", name);
    test_expect_eq(*e, old, what);
}

void test_main(void)
{
    const uint64_t va = start_info.virt_base;
    static const char *const names[] = {"", "L1", "L2", "L3", "L4"};

    /* The tables that map virt_base, from the L4 down. */
    for (int level = 4; level >= 1; level--) {
        const uint64_t *e = pt_entry(va, level, NULL);
        int64_t gfn;

        if (level == 4) {
            try_add_write(names[4], start_info.pt_base_va);
            continue;
        }
        /* The table of this level is what the entry one level up points at. */
        e = pt_entry(va, level + 1, NULL);
        if (!e || !(*e & MMU_PTE_PRESENT)) {
            test_fail("no present level-%d entry for virt_base", level + 1);
            return;
        }
        gfn = mfn_to_gfn((*e & MMU_PTE_ADDR) >> 12);
        if (gfn < 0) {
            test_fail("the %s table is not one of the domain's frames",
                      names[level]);
            continue;
        }
        try_add_write(names[level], gfn_to_va((uint64_t)gfn));
    }
}
