/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PV MMU hypercalls, on top of the validating core in pvmm.c. Every
 * element of an array is read from the guest once (never trusted twice):
 * mmu_update's requests in copies of up to PV_MMU_CHUNK (each copy is a
 * walk of the guest's tables, guestmem.c), mmuext ops one at a time. A
 * batch stops at the first refusal and reports how far it got.
 *
 * TLB: after any change to a guest's page tables the whole TLB is flushed.
 * A stale writable translation of a frame that has since become a page
 * table would break the PV MMU's one invariant, and a full flush is the
 * simple way to rule it out (Xen tracks when a flush is really needed; we
 * measure the cost first, see docs/).
 */
#include <carapace/errno.h>
#include <carapace/hypercall.h>
#include <carapace/mmu.h>

#include "domain.h"
#include "guestmem.h"
#include "hypercall.h"
#include <arch/cpu.h>
#include <arch/pv.h>
#include <arch/pvmm.h>

#define PV_MMU_CHUNK 32 /* requests per copy: 512 bytes of stack */

static void pv_mmu_flush(void)
{
    write_cr3(read_cr3());
}

static int pv_mmu_report_done(uint64_t done_va, uint64_t done)
{
    if (done_va && guestmem_write(gva_init(done_va), &done, sizeof(done)))
        return -CARAPACE_EFAULT;
    return 0;
}

/*
 * How many of the `left` requests at va to read in one copy: at most
 * PV_MMU_CHUNK, and none past the end of va's page, so that an unreadable
 * page stops the batch at exactly the request that reading them one at a
 * time would (at least one: a request may straddle two pages).
 */
static uint64_t pv_mmu_chunk(uint64_t va, uint64_t left)
{
    uint64_t n =
        (PAGE_SIZE - (va & (PAGE_SIZE - 1))) / sizeof(struct mmu_update);

    if (n > PV_MMU_CHUNK)
        n = PV_MMU_CHUNK;
    if (n > left)
        n = left;
    return n ? n : 1;
}

/* Apply reqs[0..n); returns how many were applied, the error in *err. */
static uint64_t pv_mmu_apply(struct vcpu *v, const struct mmu_update *reqs,
                             uint64_t n, int *err)
{
    uint64_t k;

    for (k = 0; k < n; k++) {
        if ((reqs[k].ptr & 3) != MMU_NORMAL_PT_UPDATE) {
            *err = -CARAPACE_EINVAL;
            break;
        }
        *err =
            pvmm_mmu_update(v->domain->id, pa_init(reqs[k].ptr), reqs[k].val);
        if (*err)
            break;
    }
    return k;
}

long hypercall_mmu_update(struct vcpu *v, const uint64_t a[5])
{
    struct mmu_update reqs[PV_MMU_CHUNK];
    uint64_t va = a[0], count = a[1], i = 0;
    int err = 0, derr;

    if (count > MMU_UPDATE_MAX)
        return -CARAPACE_E2BIG;
    while (i < count && !err) {
        uint64_t at = va + i * sizeof(reqs[0]), n = pv_mmu_chunk(at, count - i);

        if (guestmem_read(reqs, gva_init(at), n * sizeof(reqs[0]))) {
            err = -CARAPACE_EFAULT;
            break;
        }
        i += pv_mmu_apply(v, reqs, n, &err);
    }
    if (i)
        pv_mmu_flush();
    derr = pv_mmu_report_done(a[2], i);
    return err ? err : derr;
}

long hypercall_update_va_mapping(struct vcpu *v, const uint64_t a[5])
{
    paddr_t pte;
    int err;

    if (!guestmem_range_ok(gva_init(a[0]), 1) || (a[2] & ~3UL))
        return -CARAPACE_EINVAL;
    err = pvmm_va_to_pte(pa_to_mfn(pa_init(v->arch.cr3_kernel)), a[0], &pte);
    if (!err)
        err = pvmm_mmu_update(v->domain->id, pte, a[1]);
    if (!err)
        pv_mmu_flush();
    return err;
}

/* Replace a root (kernel or user) with the L4 at mfn (mfn 0: none, for
 * the user root, as MMUEXT_NEW_USER_BASEPTR documents). */
static int pv_mmu_set_root(struct vcpu *v, uint64_t *slot, mfn_t mfn, bool live)
{
    bool none = mfn_val(mfn) == 0;
    uint64_t old = *slot;
    int err = 0;

    if (!none)
        err = pvmm_root_get(v->domain->id, mfn);
    if (err)
        return err;
    *slot = none ? 0 : pa_val(mfn_to_pa(mfn));
    if (live)
        write_cr3(*slot);
    if (old)
        pvmm_root_put(pa_to_mfn(pa_init(old)));
    return 0;
}

static int pv_mmu_ext_one(struct vcpu *v, const struct mmuext_op *op)
{
    uint32_t dom = v->domain->id;

    if (op->pad)
        return -CARAPACE_EINVAL;
    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pvmm_pin(dom, mfn_init(op->arg), op->cmd + 1);
    case MMUEXT_UNPIN_TABLE:
        return pvmm_unpin(dom, mfn_init(op->arg));
    case MMUEXT_NEW_BASEPTR:
        if (!op->arg)
            return -CARAPACE_EINVAL;
        return pv_mmu_set_root(v, &v->arch.cr3_kernel, mfn_init(op->arg),
                               v->arch.in_kernel);
    case MMUEXT_NEW_USER_BASEPTR:
        return pv_mmu_set_root(v, &v->arch.cr3_user, mfn_init(op->arg),
                               !v->arch.in_kernel);
    case MMUEXT_TLB_FLUSH_LOCAL:
        pv_mmu_flush();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
        if (!guestmem_range_ok(gva_init(op->arg), 1))
            return -CARAPACE_EINVAL;
        __asm__ volatile("invlpg (%0)" : : "r"(op->arg) : "memory");
        return 0;
    default:
        return -CARAPACE_ENOSYS;
    }
}

long hypercall_mmuext_op(struct vcpu *v, const uint64_t a[5])
{
    uint64_t count = a[1], i;
    struct mmuext_op op;
    int err = 0, derr;

    if (count > MMUEXT_OP_MAX)
        return -CARAPACE_E2BIG;
    for (i = 0; i < count; i++) {
        if (guestmem_read(&op, gva_init(a[0] + i * sizeof(op)), sizeof(op))) {
            err = -CARAPACE_EFAULT;
            break;
        }
        err = pv_mmu_ext_one(v, &op);
        if (err)
            break;
    }
    derr = pv_mmu_report_done(a[2], i);
    return err ? err : derr;
}
