/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant mappings on x86_64: the arch_grant_* hooks of common/grant.c, on
 * top of the PV MMU's grant entries (pvmm.h, pvmm_ops.c). Every change to
 * a guest's page tables is followed by a full TLB flush, as in pv_mmu.c.
 */
#include <stdbool.h>
#include <stdint.h>

#include <carapace/errno.h>

#include "arch.h"
#include "domain.h"
#include "frame.h"
#include "guestmem.h"
#include <arch/cpu.h>
#include <arch/pvmm.h>

static void pv_grant_flush(void)
{
    write_cr3(read_cr3());
}

int arch_grant_map(struct vcpu *v, uint64_t va, mfn_t mfn, uint32_t owner,
                   bool writable, uint64_t *cookie)
{
    paddr_t pte;
    int rc;

    if ((va & ~PAGE_MASK) || !guestmem_range_ok(gva_init(va), PAGE_SIZE))
        return -CARAPACE_EINVAL;
    rc = pvmm_va_to_pte(pa_to_mfn(pa_init(v->arch.cr3_kernel)), va, &pte);
    if (rc)
        return rc;
    rc = pvmm_grant_map(v->domain->id, pte, mfn, owner, writable);
    if (rc)
        return rc;
    pv_grant_flush();
    *cookie = pa_val(pte);
    return 0;
}

int arch_grant_unmap(struct domain *d, uint64_t cookie, mfn_t mfn,
                     bool writable)
{
    int rc = pvmm_grant_unmap(d->id, pa_init(cookie), mfn, writable);

    if (rc == 0)
        pv_grant_flush();
    return rc;
}

int arch_grant_frame_check(uint32_t owner, mfn_t mfn, bool write)
{
    return pvmm_grant_frame_check(owner, mfn, write);
}

int arch_grant_table_hold(uint32_t dom, mfn_t mfn, bool hold)
{
    return pvmm_grant_table_hold(dom, mfn, hold);
}

void arch_grant_orphan(uint32_t owner, mfn_t mfn)
{
    /* Its pin goes with the domain, as pvmm_release_domain() would. */
    pvmm_grant_orphan_unpin(owner, mfn);
    /* Already the hypervisor's if another ref maps the same frame. */
    frame_set_owner(mfn, owner, FRAME_OWNER_HYP);
}

bool arch_grant_orphan_release(mfn_t mfn)
{
    return pvmm_grant_orphan_unused(mfn) && frame_free(mfn, 0) == 0;
}
