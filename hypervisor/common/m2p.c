/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The M2P table (m2p.h). Written by the domain builder as it gives frames
 * to a domain, and reset when a domain's frames are freed. Guarded, like
 * the frame table, by the one CPU with interrupts off in the hypervisor.
 */
#include <carapace/mmu.h>

#include "m2p.h"

static uint64_t *m2p_table;
static uint64_t m2p_nframes;

uint64_t m2p_bytes(uint64_t nframes)
{
    return (nframes * sizeof(uint64_t) + PAGE_SIZE - 1) & PAGE_MASK;
}

void m2p_init(uint64_t *table, uint64_t nframes)
{
    m2p_table = table;
    m2p_nframes = m2p_bytes(nframes) / sizeof(uint64_t);
    for (uint64_t i = 0; i < m2p_nframes; i++)
        table[i] = M2P_INVALID;
}

void m2p_set(mfn_t m, gfn_t gfn)
{
    if (mfn_val(m) < m2p_nframes)
        m2p_table[mfn_val(m)] = gfn_val(gfn);
}

void m2p_clear(mfn_t m)
{
    m2p_set(m, gfn_init(M2P_INVALID));
}

gfn_t m2p_get(mfn_t m)
{
    return gfn_init(mfn_val(m) < m2p_nframes ? m2p_table[mfn_val(m)]
                                             : M2P_INVALID);
}
