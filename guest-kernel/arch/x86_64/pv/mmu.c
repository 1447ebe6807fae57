/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * User address spaces on the PV MMU.
 *
 * Layout: each process has a user root L4 whose slot 0 points to an L3
 * whose entry 0 is the process's one L2 (the user GiB, 0..1 GiB); the L1s
 * under it are allocated on demand. Nothing else is mapped there, so the
 * kernel (at 1 GiB and up, in the kernel root only) is unreachable from
 * user mode: with kernel and user both in ring 3, the two roots are the
 * only protection. The kernel root never maps user memory either: the
 * kernel reaches user pages through its linear map after walking the
 * tables in software (vm.c), which is also how user pointers are checked.
 *
 * Page tables are never written directly (the hypervisor maps them
 * read-only). A new table is filled while still writable, remapped
 * read-only with update_va_mapping, then linked with mmu_update. All of
 * it is queued and sent as one HC_multicall: the remaps first (they must
 * precede the links), then one mmu_update with every entry in order.
 */
#include <string.h>

#include "uapi/sys.h"
#include "arch.h"
#include "cpu.h"
#include "frame.h"
#include "hypercall.h"
#include "print.h"
#include "pv.h"

#define MMU_TABLE_FLAGS (MMU_PTE_PRESENT | MMU_PTE_WRITE | MMU_PTE_USER)
#define MMU_LINEAR_RW   (MMU_PTE_PRESENT | MMU_PTE_WRITE | MMU_PTE_USER)
#define MMU_LINEAR_RO   (MMU_PTE_PRESENT | MMU_PTE_USER)

static struct mmu_update mmu_reqs[MMU_UPDATE_MAX];
static unsigned int mmu_nreqs;
static struct multicall_entry mmu_calls[MULTICALL_MAX];
static unsigned int mmu_ncalls; /* queued before the mmu_update call */
static struct mmuext_op mmu_root_op;
static struct arch_space *mmu_current; /* the user root now */
static uint64_t mmu_fs_base;

static uint64_t mmu_pte(uint32_t gfn, uint64_t flags)
{
    return (frame_mfn(gfn) << ARCH_PAGE_SHIFT) | flags;
}

static void mmu_flush(void)
{
    unsigned int n = mmu_ncalls;
    long rc;

    if (mmu_nreqs) {
        mmu_calls[n++] = (struct multicall_entry){
            .op = HC_mmu_update,
            .args = {(uint64_t)mmu_reqs, mmu_nreqs, 0},
        };
    }
    if (n == 0)
        return;
    rc = hc_multicall(mmu_calls, n);
    for (unsigned int i = 0; i < n; i++) {
        if (rc != (long)n || mmu_calls[i].result < 0)
            panic("page-table batch refused: call %u of %u (op %lu) gave "
                  "%ld, multicall %ld",
                  i, n, (unsigned long)mmu_calls[i].op,
                  (long)mmu_calls[i].result, rc);
    }
    mmu_ncalls = 0;
    mmu_nreqs = 0;
}

static void mmu_call(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    if (mmu_ncalls == MULTICALL_MAX - 1)
        mmu_flush();
    mmu_calls[mmu_ncalls++] = (struct multicall_entry){
        .op = op,
        .args = {a0, a1, a2},
    };
}

/* Remap a frame in the linear map: read-only before it becomes a table,
 * writable again once it no longer is one. */
static void mmu_remap(uint32_t gfn, bool writable)
{
    mmu_call(HC_update_va_mapping, (uint64_t)frame_va(gfn),
             mmu_pte(gfn, writable ? MMU_LINEAR_RW : MMU_LINEAR_RO), UVMF_NONE);
}

static void mmu_set(uint32_t table, unsigned int slot, uint64_t val)
{
    if (mmu_nreqs == MMU_UPDATE_MAX)
        mmu_flush();
    mmu_reqs[mmu_nreqs++] = (struct mmu_update){
        .ptr = ((frame_mfn(table) << ARCH_PAGE_SHIFT) + slot * 8) |
               MMU_NORMAL_PT_UPDATE,
        .val = val,
    };
}

static long mmu_ext(uint32_t cmd, uint64_t arg)
{
    struct mmuext_op op = {.cmd = cmd, .arg = arg};

    mmu_flush();
    return hc_mmuext_op(&op, 1, NULL);
}

void arch_tlb_flush(void)
{
    mmu_ext(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

void arch_space_commit(void)
{
    mmu_flush();
}

int arch_space_create(struct arch_space *s)
{
    uint64_t *l4, *l3;
    long rc;

    if (cpu_space_tables(s))
        return -SYS_ENOMEM;
    /* Filled while writable: the pin below validates them as they are. */
    l4 = frame_va(s->l4);
    l3 = frame_va(s->l3);
    l4[0] = mmu_pte(s->l3, MMU_TABLE_FLAGS);
    l3[0] = mmu_pte(s->l2, MMU_TABLE_FLAGS);
    mmu_remap(s->l2, false);
    mmu_remap(s->l3, false);
    mmu_remap(s->l4, false);
    rc = mmu_ext(MMUEXT_PIN_L4_TABLE, frame_mfn(s->l4));
    if (rc)
        panic("pinning a user root refused: %ld", rc);
    return 0;
}

int arch_space_map(struct arch_space *s, uint64_t va, uint32_t gfn,
                   unsigned int flags)
{
    unsigned int i2 = (unsigned int)(va >> 21) & 511;
    unsigned int i1 = (unsigned int)(va >> 12) & 511;
    uint64_t pte = MMU_PTE_PRESENT | MMU_PTE_USER;

    if (va >= ARCH_USER_END)
        panic("arch_space_map: %#lx is not a user address", (long)va);
    if (!s->l1[i2]) {
        uint32_t l1 = frame_alloc();

        if (!l1)
            return -SYS_ENOMEM;
        mmu_remap(l1, false);
        mmu_set(s->l2, i2, mmu_pte(l1, MMU_TABLE_FLAGS));
        s->l1[i2] = l1;
    }
    if (flags & ARCH_MAP_WRITE)
        pte |= MMU_PTE_WRITE;
    if (!(flags & ARCH_MAP_EXEC))
        pte |= MMU_PTE_NX;
    mmu_set(s->l1[i2], i1, mmu_pte(gfn, pte));
    return 0;
}

uint32_t arch_space_lookup(struct arch_space *s, uint64_t va,
                           unsigned int *flags)
{
    mmu_flush();
    return cpu_space_lookup(s, va, flags);
}

void arch_space_each(struct arch_space *s, void (*fn)(uint32_t gfn))
{
    mmu_flush();
    cpu_space_each(s, fn);
}

void arch_space_destroy(struct arch_space *s)
{
    long rc;

    if (mmu_current == s) {
        rc = mmu_ext(MMUEXT_NEW_USER_BASEPTR, 0);
        if (rc)
            panic("dropping the user root refused: %ld", rc);
        mmu_current = NULL;
    }
    /* Unpinning the unreferenced root devalidates the whole tree. */
    rc = mmu_ext(MMUEXT_UNPIN_TABLE, frame_mfn(s->l4));
    if (rc)
        panic("unpinning a user root refused: %ld", rc);
    for (unsigned int i2 = 0; i2 < ARCH_SPACE_L1S; i2++) {
        if (s->l1[i2])
            mmu_remap(s->l1[i2], true);
    }
    mmu_remap(s->l2, true);
    mmu_remap(s->l3, true);
    mmu_remap(s->l4, true);
    mmu_flush();
    cpu_space_free(s);
}

void arch_space_switch(struct arch_space *s, uint64_t kstack_top)
{
    if (mmu_current != s) {
        mmu_root_op = (struct mmuext_op){.cmd = MMUEXT_NEW_USER_BASEPTR,
                                         .arg = frame_mfn(s->l4)};
        mmu_call(HC_mmuext_op, (uint64_t)&mmu_root_op, 1, 0);
        mmu_current = s;
    }
    mmu_call(HC_stack_switch, kstack_top, 0, 0);
    if (mmu_fs_base != s->fs_base) {
        mmu_call(HC_set_segment_base, SEGBASE_FS, s->fs_base, 0);
        mmu_fs_base = s->fs_base;
    }
    mmu_flush();
}

int arch_space_set_tls(struct arch_space *s, uint64_t fs_base)
{
    if (fs_base >= ARCH_USER_END)
        return -SYS_EINVAL;
    s->fs_base = fs_base;
    if (mmu_current == s && mmu_fs_base != fs_base) {
        mmu_call(HC_set_segment_base, SEGBASE_FS, fs_base, 0);
        mmu_fs_base = fs_base;
        mmu_flush();
    }
    return 0;
}

/* --- The foreign window --------------------------------------------------- */

/* The last 2 MiB of the kernel's GiB (the linear map of the domain's own
 * frames ends far below): one L1, added to the kernel root's L2 on first
 * use, so that grant mappings (which need an existing L1) can go there. */
#define MMU_WINDOW_BASE 0x7fe00000ULL

static const uint64_t *mmu_kernel_l4;
static uint32_t mmu_window_l1;

void pv_window_set_root(const void *pt_base)
{
    mmu_kernel_l4 = pt_base;
}

static uint32_t mmu_table_below(const uint64_t *table, unsigned int slot)
{
    uint64_t e = table[slot];

    if (!(e & MMU_PTE_PRESENT))
        return 0;
    return frame_of_mfn((e & MMU_PTE_ADDR) >> ARCH_PAGE_SHIFT);
}

static bool mmu_window_init(void)
{
    uint32_t l3, l2, l1;

    if (mmu_window_l1)
        return true;
    if (!mmu_kernel_l4 ||
        frame_va((uint32_t)frame_total()) > (void *)MMU_WINDOW_BASE)
        return false;
    l3 = mmu_table_below(mmu_kernel_l4, 0);
    l2 = l3 ? mmu_table_below(frame_va(l3), 1) : 0;
    if (!l2 || mmu_table_below(frame_va(l2), 511))
        return false;
    l1 = frame_alloc();
    if (!l1)
        return false;
    mmu_remap(l1, false);
    mmu_set(l2, 511, mmu_pte(l1, MMU_TABLE_FLAGS));
    mmu_flush();
    mmu_window_l1 = l1;
    return true;
}

void *pv_window_slot(unsigned int i)
{
    if (i >= 512 || !mmu_window_init())
        return NULL;
    return (void *)(MMU_WINDOW_BASE + i * ARCH_PAGE_SIZE);
}

int pv_window_index(const void *va)
{
    uint64_t a = (uint64_t)va;

    if (a < MMU_WINDOW_BASE || a >= MMU_WINDOW_BASE + 512 * ARCH_PAGE_SIZE ||
        (a & (ARCH_PAGE_SIZE - 1)))
        return -1;
    return (int)((a - MMU_WINDOW_BASE) >> ARCH_PAGE_SHIFT);
}

long pv_map_machine_frame(void *va, uint64_t mfn)
{
    mmu_flush();
    return hc_update_va_mapping(
        (uint64_t)va, (mfn << ARCH_PAGE_SHIFT) | MMU_LINEAR_RW | MMU_PTE_NX,
        UVMF_INVLPG);
}

/* --- Grant mappings in a user address space ------------------------------- */

/* GNTTABOP_map_grant_ref maps at a va of the kernel root, which has no user
 * GiB. To map into s, make sure the L1 covering va exists, then lend s's L2
 * to the kernel root (its L3 entry 0, otherwise empty) for the hypercall;
 * the grant PTE lands in s's L1, which only s's root reaches once the L2
 * is taken back. Unmapping needs no lending: the hypervisor finds the PTE
 * by the handle. */
int pv_space_lend(struct arch_space *s, uint64_t va, bool lend)
{
    unsigned int i2 = (unsigned int)(va >> 21) & 511;
    uint32_t l3 = mmu_kernel_l4 ? mmu_table_below(mmu_kernel_l4, 0) : 0;

    if (!l3 || va >= ARCH_USER_END)
        return -SYS_EINVAL;
    if (!lend) {
        mmu_set(l3, 0, 0);
        mmu_flush();
        return 0;
    }
    if (mmu_table_below(frame_va(l3), 0))
        return -SYS_EBUSY; /* the kernel root maps something there */
    if (!s->l1[i2]) {
        uint32_t l1 = frame_alloc();

        if (!l1)
            return -SYS_ENOMEM;
        mmu_remap(l1, false);
        mmu_set(s->l2, i2, mmu_pte(l1, MMU_TABLE_FLAGS));
        s->l1[i2] = l1;
    }
    mmu_set(l3, 0, mmu_pte(s->l2, MMU_TABLE_FLAGS));
    mmu_flush();
    return 0;
}
