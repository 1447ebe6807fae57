/* SPDX-License-Identifier: BSD-2-Clause */
/* Finding page-table entries: walk from the initial L4 (pt-base-va) and
 * reach each lower table through the linear map of the domain's memory. */
#include "guest.h"

int64_t mfn_to_gfn(uint64_t mfn)
{
    for (uint64_t gfn = 0; gfn < start_info.nr_frames; gfn++)
        if (p2m[gfn] == mfn)
            return (int64_t)gfn;
    return -1;
}

const uint64_t *pt_entry(uint64_t va, int level, uint64_t *maddr)
{
    const uint64_t *table = (const uint64_t *)start_info.pt_base_va;
    uint64_t table_mfn = va_to_mfn(start_info.pt_base_va);

    for (int l = 4; l >= 1; l--) {
        unsigned int idx = (va >> (12 + 9 * (l - 1))) & 511;
        uint64_t e;
        int64_t gfn;

        if (l == level) {
            if (maddr)
                *maddr = (table_mfn << 12) + idx * 8;
            return &table[idx];
        }
        e = table[idx];
        if (!(e & MMU_PTE_PRESENT) || (e & MMU_PTE_PSE))
            return NULL;
        table_mfn = (e & MMU_PTE_ADDR) >> 12;
        gfn = mfn_to_gfn(table_mfn);
        if (gfn < 0)
            return NULL;
        table = (const uint64_t *)gfn_to_va((uint64_t)gfn);
    }
    return NULL;
}

long mmu_update_one(uint64_t ptr, uint64_t val)
{
    struct mmu_update req = {.ptr = ptr, .val = val};

    return hc_mmu_update(&req, 1, NULL);
}

long mmuext_one(uint32_t cmd, uint64_t arg)
{
    struct mmuext_op op = {.cmd = cmd, .arg = arg};

    return hc_mmuext_op(&op, 1, NULL);
}
