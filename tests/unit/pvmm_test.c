/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the PV MMU (pvmm.c, pvmm_ops.c) on a fake machine: a frame
 * table of 256 frames over a 1 MiB buffer that stands for machine memory.
 *   frames   0..15   FRAME_OWNER_HYP (reserved)
 *   frames  16..31   free             frames 64..127  free
 *   frames  32..63   domain 2         frames 128..255 domain 1
 * Directed tests build tables and try every attack; each attack must fail
 * with its documented code and leave the frame table and memory untouched.
 * A fuzz test then runs thousands of random operations, recounting after
 * each one, from the page contents alone, what every count must be.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "arch.h"
#include "arch/layout.h"
#include "arch/paging.h"
#include "arch/pvmm.h"
#include "check.h"
#include <errno.h>
#include "frame.h"

#define NFRAMES 256
#define DOM1    1u
#define DOM2    2u
#define P       (PTE_P | PTE_U) /* guest entries are user entries */
#define W       PTE_W
#define U       PTE_U

static struct frame frames[NFRAMES];
static _Alignas(4096) uint8_t mem[NFRAMES * PAGE_SIZE];
static struct frame snap_frames[NFRAMES];
static uint8_t snap_mem[sizeof(mem)];
static uint64_t d1, d2; /* first frame of domain 1, domain 2 */

/* The test's machine memory: all of it is in the frame table. */
void *arch_phys_to_virt(uint64_t pa)
{
    if (pa >= sizeof(mem)) {
        printf("arch_phys_to_virt(0x%" PRIx64 ") outside memory\n", pa);
        abort();
    }
    return &mem[pa];
}

/* Hypervisor L4 entries: supervisor tables in hypervisor frames 0..15. */
uint64_t paging_hyp_l4e(unsigned slot)
{
    return ((uint64_t)(slot & 15) << PAGE_SHIFT) | P | W;
}

static mfn_t D1(uint64_t i)
{
    return mfn_init(d1 + i);
}

static mfn_t D2(uint64_t i)
{
    return mfn_init(d2 + i);
}

static uint64_t *page(mfn_t m)
{
    return (uint64_t *)&mem[mfn_val(m) << PAGE_SHIFT];
}

static uint64_t pte(mfn_t m, uint64_t flags)
{
    return (mfn_val(m) << PAGE_SHIFT) | flags;
}

static paddr_t ma(mfn_t m, unsigned slot)
{
    return pa_init((mfn_val(m) << PAGE_SHIFT) + slot * 8);
}

static const struct frame *fr(mfn_t m)
{
    return &frames[mfn_val(m)];
}

/* A fresh machine: table, owners, zeroed memory. */
static void machine_init(void)
{
    memset(mem, 0, sizeof(mem));
    CHECK_EQ(frame_table_init(frames, NFRAMES), 0);
    CHECK_EQ(frame_mark_reserved(mfn_init(0), 16, FRAME_OWNER_HYP), 0);
    CHECK_EQ(frame_add_free(mfn_init(16), NFRAMES - 16), 0);
    d1 = mfn_val(frame_alloc(7, DOM1));
    d2 = mfn_val(frame_alloc(5, DOM2));
    CHECK_EQ(d1, 128);
    CHECK_EQ(d2, 32);
}

static void snap_take(void)
{
    memcpy(snap_frames, frames, sizeof(frames));
    memcpy(snap_mem, mem, sizeof(mem));
}

/* Same frame table and memory as at snap_take()? Else say where not. */
static bool snap_same(void)
{
    size_t i;

    for (i = 0; i < NFRAMES; i++) {
        if (memcmp(&snap_frames[i], &frames[i], sizeof(frames[i])) != 0) {
            printf("frame %zu changed: tc %u->%u, rc %u->%u\n", i,
                   snap_frames[i].type_count, frames[i].type_count,
                   snap_frames[i].ref_count, frames[i].ref_count);
            return false;
        }
    }
    if (memcmp(snap_mem, mem, sizeof(mem)) == 0)
        return true;
    for (i = 0; snap_mem[i] == mem[i]; i++)
        ;
    printf("memory changed at 0x%zx (frame %zu)\n", i, i >> PAGE_SHIFT);
    return false;
}

/* An attack: fails with -err and changes nothing at all. */
#define ATTACK(expr, err)                                                      \
    do {                                                                       \
        snap_take();                                                           \
        CHECK_EQ((int64_t)(expr), -(int64_t)(err));                            \
        CHECK(snap_same());                                                    \
    } while (0)

/* Counts of one frame: type, type_count, ref_count. */
#define CHECK_COUNTS(m, ty, tc, rc)                                            \
    do {                                                                       \
        CHECK_EQ(fr(m)->type, (ty));                                           \
        CHECK_EQ(fr(m)->type_count, (tc));                                     \
        CHECK_EQ(fr(m)->ref_count, (rc));                                      \
    } while (0)

/* Every frame of every owner unreferenced, and the table consistent. */
static void check_all_zero(void)
{
    unsigned i, bad = 0;

    for (i = 0; i < NFRAMES; i++) {
        bad += frames[i].type_count != 0 || frames[i].ref_count != 0 ||
               frames[i].type != FRAME_TYPE_NONE ||
               (frames[i].flags & FRAME_F_PVMM_MASK) != 0;
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(frame_check(), 0);
}

/* L4 -> L3 -> L2 -> L1 -> {rw, ro}, built with pin + mmu_update. */
struct tree {
    mfn_t l4, l3, l2, l1, rw, ro;
};

static void tree_build(struct tree *t)
{
    *t = (struct tree){D1(0), D1(1), D1(2), D1(3), D1(4), D1(5)};
    CHECK_EQ(pvmm_pin(DOM1, t->l4, 4), 0);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t->l4, 0), pte(t->l3, P | W | U)), 0);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t->l3, 0), pte(t->l2, P | W | U)), 0);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t->l2, 0), pte(t->l1, P | W | U)), 0);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t->l1, 0), pte(t->rw, P | W | U)), 0);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t->l1, 1), pte(t->ro, P | U)), 0);
}

static void tree_check(const struct tree *t)
{
    CHECK_COUNTS(t->l4, FRAME_TYPE_L4, 1, 1);
    CHECK_COUNTS(t->l3, FRAME_TYPE_L3, 1, 1);
    CHECK_COUNTS(t->l2, FRAME_TYPE_L2, 1, 1);
    CHECK_COUNTS(t->l1, FRAME_TYPE_L1, 1, 1);
    CHECK_COUNTS(t->rw, FRAME_TYPE_WRITABLE, 1, 1);
    CHECK_COUNTS(t->ro, FRAME_TYPE_NONE, 0, 1);
    CHECK(fr(t->l4)->flags & FRAME_F_PINNED);
    CHECK(fr(t->l1)->flags & FRAME_F_VALIDATED);
    CHECK_EQ(frame_check(), 0);
}

static void test_build_and_teardown(void)
{
    struct tree t;
    paddr_t pa;

    machine_init();
    tree_build(&t);
    tree_check(&t);
    CHECK_EQ(page(t.l4)[256], paging_hyp_l4e(256));
    CHECK_EQ(page(t.l4)[511], paging_hyp_l4e(511));
    CHECK_EQ(page(t.l4)[272], 0);
    CHECK_EQ(pvmm_va_to_pte(t.l4, 0x1000, &pa), 0);
    CHECK_EQ(pa_val(pa), pa_val(ma(t.l1, 1)));
    CHECK_EQ(pvmm_va_to_pte(t.l4, 1UL << 21, &pa), -ENOENT);
    CHECK_EQ(pvmm_va_to_pte(t.l4, 1UL << 47, &pa), -EINVAL);
    CHECK_EQ(pvmm_va_to_pte(t.l4, DIRECTMAP_BASE, &pa), -EPERM);
    CHECK_EQ(pvmm_va_to_pte(t.rw, 0, &pa), -EINVAL);
    /* A root holds the tree past the unpin. */
    CHECK_EQ(pvmm_root_get(DOM1, t.l4), 0);
    CHECK_EQ(pvmm_unpin(DOM1, t.l4), 0);
    CHECK_COUNTS(t.l4, FRAME_TYPE_L4, 1, 1);
    CHECK_COUNTS(t.l1, FRAME_TYPE_L1, 1, 1);
    pvmm_root_put(t.l4);
    check_all_zero();
    CHECK_EQ(page(t.l4)[256], 0);         /* hypervisor slots cleared */
    CHECK_EQ(page(t.l4)[0] & P, P);       /* guest entries kept */
    CHECK_EQ(pvmm_pin(DOM1, t.l4, 4), 0); /* revalidates the whole tree */
    tree_check(&t);
    CHECK_EQ(pvmm_release_domain(DOM1), 0);
    check_all_zero();
}

/* Tables written while unpinned, validated by one pin; a bad leaf unwinds. */
static void test_validate_on_pin(void)
{
    struct tree t = {D1(0), D1(1), D1(2), D1(3), D1(4), D1(5)};

    machine_init();
    page(t.l4)[0] = pte(t.l3, P | W);
    page(t.l3)[0] = pte(t.l2, P | W);
    page(t.l2)[0] = pte(t.l1, P | W);
    page(t.l2)[1] = pte(t.l1, P | W); /* the same L1 twice */
    page(t.l1)[0] = pte(t.rw, P | W);
    page(t.l1)[1] = pte(t.ro, P);
    page(t.l1)[2] = pte(D2(0), P); /* another domain's frame, last leaf */
    ATTACK(pvmm_pin(DOM1, t.l4, 4), EPERM);
    page(t.l1)[2] = 0;
    page(t.l4)[260] = pte(D1(9), P); /* guest entry in a hypervisor slot */
    ATTACK(pvmm_pin(DOM1, t.l4, 4), EPERM);
    page(t.l4)[260] = 0;
    page(t.l1)[3] = pte(t.ro, PTE_P); /* a supervisor entry, last leaf */
    ATTACK(pvmm_pin(DOM1, t.l4, 4), EINVAL);
    page(t.l1)[3] = pte(t.ro, 0); /* not present, with an address: L1TF */
    ATTACK(pvmm_pin(DOM1, t.l4, 4), EINVAL);
    page(t.l1)[3] = 0;
    CHECK_EQ(pvmm_pin(DOM1, t.l4, 4), 0);
    CHECK_COUNTS(t.l1, FRAME_TYPE_L1, 2, 2);
    CHECK_COUNTS(t.rw, FRAME_TYPE_WRITABLE, 1, 1);
    CHECK_EQ(pvmm_unpin(DOM1, t.l4), 0);
    check_all_zero();
}

/* Mapping what must not be mapped, or not that way. */
static void test_attacks_mapping(void)
{
    struct tree t;

    machine_init();
    tree_build(&t);
    /* A page table mapped writable, and a writable frame made a table. */
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(t.l2, P | W)), EBUSY);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(t.l1, P | W)), EBUSY);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l2, 1), pte(t.rw, P)), EBUSY);
    ATTACK(pvmm_pin(DOM1, t.rw, 1), EBUSY);
    /* Frames that are not the domain's. */
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D2(0), P)), EPERM);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l2, 1), pte(D2(1), P)), EPERM);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(mfn_init(3), P)), EPERM);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(mfn_init(20), P)), EPERM);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(mfn_init(NFRAMES), P)),
           ERANGE);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), PTE_ADDR_MASK | P), ERANGE);
    /* Reserved bits, superpages, PS in an L4. */
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), P) | 1UL << 52),
           EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), P) | 1UL << 62),
           EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l2, 1), pte(D1(6), P | PTE_PS)), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l3, 1), pte(D1(6), P | PTE_PS)), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 1), pte(D1(6), P | PTE_PS)), EINVAL);
    /* Non-present entries take nothing, but may carry no address (the
     * CPU can use it speculatively: L1TF); other bits are the guest's. */
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), PTE_ADDR_MASK | 1UL << 62),
           EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), 0)), EINVAL);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 2), 1UL << 62 | W | U), 0);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 2), 0), 0);
    /* Cache attributes (PWT, PCD, PAT: PS in an L1) and G, at any level. */
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), P | PTE_PS)), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), P | PTE_PWT)), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), P | PTE_PCD)), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), P | PTE_G)), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l2, 1), pte(D1(6), P | PTE_PCD)), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 1), pte(D1(6), P | PTE_G)), EINVAL);
    /* No supervisor entries: an update without U stores it with U. */
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), PTE_P)), 0);
    CHECK_EQ(page(t.l1)[2], pte(D1(6), P));
    CHECK_COUNTS(D1(6), FRAME_TYPE_NONE, 0, 1);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 2), 0), 0);
    tree_check(&t);
    CHECK_EQ(pvmm_release_domain(DOM1), 0);
    check_all_zero();
}

/* Recursive entries, and an L3 pointing at an L4. */
static void test_attacks_linear(void)
{
    struct tree t;
    mfn_t b = D1(10), c = D1(11);

    machine_init();
    tree_build(&t);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 5), pte(t.l4, P | W)), EINVAL);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l4, 5), pte(t.l4, P)), 0);
    CHECK_COUNTS(t.l4, FRAME_TYPE_L4, 1, 2);
    /* "Only the flags changed" is checked like any other update. */
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 5), pte(t.l4, P | W)), EINVAL);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l4, 5), pte(t.l4, P | U)), 0);
    CHECK_COUNTS(t.l4, FRAME_TYPE_L4, 1, 2);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l2, 1), pte(t.l2, P)), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l3, 1), pte(t.l3, P)), EINVAL);
    CHECK_EQ(pvmm_pin(DOM1, D1(12), 2), 0);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l2, 1), pte(D1(12), P)), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l3, 1), pte(t.l4, P)), EBUSY);
    /* RO L1 entry to a table; then flip RW on it: refused. */
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(t.l2, P)), 0);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(t.l2, P | W)), EBUSY);
    CHECK_COUNTS(t.l2, FRAME_TYPE_L2, 1, 2);
    /* Linear entry to another L4 holds its type; one hop only. */
    CHECK_EQ(pvmm_pin(DOM1, b, 4), 0);
    CHECK_EQ(pvmm_pin(DOM1, c, 4), 0);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 6), pte(b, P | W)), EINVAL);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l4, 6), pte(b, P)), 0);
    CHECK_COUNTS(b, FRAME_TYPE_L4, 2, 2);
    ATTACK(pvmm_mmu_update(DOM1, ma(b, 6), pte(c, P)), EBUSY);
    ATTACK(pvmm_mmu_update(DOM1, ma(c, 6), pte(t.l4, P)), EBUSY);
    CHECK_EQ(pvmm_unpin(DOM1, b), 0);
    CHECK_COUNTS(b, FRAME_TYPE_L4, 1, 1); /* still held by the entry */
    ATTACK(pvmm_mmu_update(DOM1, ma(b, 0), pte(t.l4, P)), EBUSY);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l4, 6), 0), 0);
    CHECK_COUNTS(b, FRAME_TYPE_NONE, 0, 0);
    CHECK_EQ(pvmm_release_domain(DOM1), 0);
    check_all_zero();
}

/* Bad pte_ma, reserved slots, pin and unpin misuse, foreign domains. */
static void test_attacks_ops(void)
{
    struct tree t;

    machine_init();
    tree_build(&t);
    ATTACK(pvmm_mmu_update(DOM1, pa_init(pa_val(ma(t.l1, 2)) + 4), 0), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.rw, 0), 0), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(D1(20), 0), 0), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(mfn_init(2), 0), 0), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(mfn_init(NFRAMES), 0), 0), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, pa_init(UINT64_MAX - 7), 0), EINVAL);
    ATTACK(pvmm_mmu_update(DOM2, ma(t.l1, 2), 0), EINVAL);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 256), 0), EPERM);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 271), 0), EPERM);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 511), 0), EPERM);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 260), pte(D1(9), P)), EPERM);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l4, 272), 0), 0);
    ATTACK(pvmm_pin(DOM1, t.l4, 4), EBUSY);
    ATTACK(pvmm_pin(DOM1, t.l4, 3), EBUSY);
    ATTACK(pvmm_pin(DOM1, t.l1, 2), EBUSY);
    ATTACK(pvmm_pin(DOM1, D1(20), 0), EINVAL);
    ATTACK(pvmm_pin(DOM1, D1(20), 5), EINVAL);
    ATTACK(pvmm_pin(DOM1, D2(0), 1), EPERM);
    ATTACK(pvmm_pin(DOM1, mfn_init(1), 1), EPERM);
    ATTACK(pvmm_pin(DOM1, mfn_init(NFRAMES), 1), ERANGE);
    ATTACK(pvmm_pin(FRAME_OWNER_HYP, mfn_init(1), 1), EINVAL);
    ATTACK(pvmm_unpin(DOM1, t.l1), EINVAL);
    ATTACK(pvmm_unpin(DOM2, t.l4), EPERM);
    ATTACK(pvmm_root_get(DOM1, t.l1), EBUSY);
    ATTACK(pvmm_root_get(DOM2, t.l4), EPERM);
    tree_check(&t);
    CHECK_EQ(pvmm_release_domain(DOM1), 0);
    check_all_zero();
}

/* A failed validation deep down unwinds everything above it. */
static void test_unwind(void)
{
    struct tree t;
    mfn_t x = D1(30), y = D1(31);

    machine_init();
    tree_build(&t);
    page(y)[0] = pte(D1(32), P | W);
    page(y)[1] = pte(D1(33), P);
    page(y)[7] = pte(t.l3, P | W); /* a table, writable: last, fails */
    page(x)[0] = pte(y, P);
    page(x)[1] = pte(y, P);
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l3, 1), pte(x, P)), EBUSY);
    page(y)[7] = 0;
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l3, 1), pte(x, P)), 0);
    CHECK_COUNTS(y, FRAME_TYPE_L1, 2, 2);
    CHECK_COUNTS(D1(32), FRAME_TYPE_WRITABLE, 1, 1);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l3, 1), 0), 0);
    CHECK_COUNTS(y, FRAME_TYPE_NONE, 0, 0);
    CHECK_COUNTS(D1(32), FRAME_TYPE_NONE, 0, 0);
    CHECK_EQ(pvmm_release_domain(DOM1), 0);
    check_all_zero();
}

/* Counts at 2^32 - 1 refuse one more, instead of wrapping. */
static void test_overflow(void)
{
    struct tree t;

    machine_init();
    tree_build(&t);
    frames[mfn_val(D1(6))].ref_count = UINT32_MAX;
    frames[mfn_val(D1(6))].type = FRAME_TYPE_WRITABLE;
    frames[mfn_val(D1(6))].type_count = 1;
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), P)), ENOSPC);
    frames[mfn_val(D1(6))].ref_count = 1;
    frames[mfn_val(D1(6))].type_count = UINT32_MAX;
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l1, 2), pte(D1(6), P | W)), ENOSPC);
    frames[mfn_val(D1(6))].ref_count = 0;
    frames[mfn_val(D1(6))].type_count = 0;
    frames[mfn_val(D1(6))].type = FRAME_TYPE_NONE;
    frames[mfn_val(t.l1)].type_count = UINT32_MAX;
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l2, 1), pte(t.l1, P)), ENOSPC);
    frames[mfn_val(t.l1)].type_count = 1;
    frames[mfn_val(t.l4)].ref_count = UINT32_MAX;
    ATTACK(pvmm_mmu_update(DOM1, ma(t.l4, 5), pte(t.l4, P)), ENOSPC);
    ATTACK(pvmm_root_get(DOM1, t.l4), ENOSPC);
    frames[mfn_val(t.l4)].ref_count = 1;
    tree_check(&t);
    CHECK_EQ(pvmm_release_domain(DOM1), 0);
    check_all_zero();
}

/* Teardown with a root still held reports it; then everything goes. */
static void test_release(void)
{
    struct tree t;

    machine_init();
    tree_build(&t);
    CHECK_EQ(pvmm_pin(DOM1, t.l1, 1), 0);
    CHECK_EQ(pvmm_pin(DOM1, D1(40), 3), 0);
    CHECK_EQ(pvmm_root_get(DOM1, t.l4), 0);
    CHECK_EQ(pvmm_release_domain(DOM1), 6); /* l4..l1, rw, ro */
    CHECK_EQ(fr(t.l1)->flags & FRAME_F_PINNED, 0);
    pvmm_root_put(t.l4);
    check_all_zero();
    CHECK_EQ(pvmm_release_domain(DOM1), 0);
    CHECK_EQ(pvmm_release_domain(FRAME_OWNER_FREE), -EINVAL);
}

/*
 * Grant mappings (pvmm.h): only pvmm_grant_map/unmap make and remove an L1
 * entry to another domain's frame; guests cannot forge, overwrite or clear
 * one, nor unpin or retype the L1 that holds it; refused requests change
 * nothing; unmap leaves every count as it was.
 */
static void test_grant(void)
{
    struct tree t;
    mfn_t g = D2(0), gt = D2(1);
    uint64_t e;

    machine_init();
    tree_build(&t);
    CHECK_EQ(pvmm_pin(DOM2, gt, 1), 0); /* a page table of domain 2 */
    snap_take();
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l1, 2), g, DOM1, true), -EINVAL);
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l1, 2), g, FRAME_OWNER_HYP, true),
             -EINVAL);
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l1, 0), g, DOM2, true), -EBUSY);
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l2, 2), g, DOM2, true), -EINVAL);
    CHECK_EQ(
        pvmm_grant_map(DOM1, pa_init(pa_val(ma(t.l1, 2)) + 4), g, DOM2, true),
        -EINVAL);
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l1, 2), D1(9), DOM2, true), -EPERM);
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l1, 2), mfn_init(NFRAMES), DOM2, false),
             -ERANGE);
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l1, 2), gt, DOM2, false), -EBUSY);
    CHECK_EQ(pvmm_grant_map(DOM2, ma(t.l1, 2), D1(9), DOM1, false), -EINVAL);
    CHECK(snap_same());
    /* A writable and a read-only mapping of the same frame. */
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l1, 2), g, DOM2, true), 0);
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l1, 3), g, DOM2, false), 0);
    CHECK_COUNTS(g, FRAME_TYPE_WRITABLE, 1, 2);
    CHECK_COUNTS(t.l1, FRAME_TYPE_L1, 3, 1);
    CHECK(fr(t.l1)->flags & FRAME_F_GRANT_L1);
    e = page(t.l1)[2];
    CHECK_EQ(e, pte(g, P | W | U | PVMM_PTE_GRANT) | PTE_NX);
    /* The guest cannot touch them. */
    snap_take();
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 2), 0), -EPERM);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 3), pte(g, P | W | U)), -EPERM);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 3), pte(D1(9), P | U)), -EPERM);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 4), e), -EINVAL); /* forge */
    CHECK_EQ(
        pvmm_mmu_update(DOM1, ma(t.l1, 4), pte(D1(9), P | U) | PVMM_PTE_GRANT),
        -EINVAL);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 4), pte(g, P | U)), -EPERM);
    CHECK_EQ(pvmm_pin(DOM1, t.l1, 1), 0);
    CHECK_EQ(pvmm_unpin(DOM1, t.l1), -EBUSY);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l1, 5), pte(t.l1, P | W | U)),
             -EBUSY);                       /* retype the L1 writable */
    CHECK_EQ(pvmm_pin(DOM2, g, 1), -EBUSY); /* granter: RW-mapped frame */
    CHECK_EQ(pvmm_grant_unmap(DOM1, ma(t.l1, 2), g, false), -EINVAL);
    CHECK_EQ(pvmm_grant_unmap(DOM1, ma(t.l1, 2), D2(2), true), -EINVAL);
    CHECK_EQ(pvmm_grant_unmap(DOM1, ma(t.l1, 4), g, true), -EINVAL);
    /* Removing the L2 entry leaves the L1 validated by the mappings. */
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l2, 0), 0), 0);
    CHECK(fr(t.l1)->flags & FRAME_F_VALIDATED);
    CHECK_EQ(pvmm_mmu_update(DOM1, ma(t.l2, 0), pte(t.l1, P | W | U)), 0);
    /* A rejected validation: an L1 holding a forged grant bit. */
    page(D1(20))[7] = pte(g, P | U) | PVMM_PTE_GRANT;
    CHECK_EQ(pvmm_pin(DOM1, D1(20), 1), -EINVAL);
    page(D1(20))[7] = 0;
    /* Unmap: the L1 can be unpinned again, g's counts are back. */
    CHECK_EQ(pvmm_grant_unmap(DOM1, ma(t.l1, 2), g, true), 0);
    CHECK(fr(t.l1)->flags & FRAME_F_GRANT_L1);
    CHECK_EQ(pvmm_grant_unmap(DOM1, ma(t.l1, 3), g, false), 0);
    CHECK(!(fr(t.l1)->flags & FRAME_F_GRANT_L1));
    CHECK_EQ(pvmm_grant_unmap(DOM1, ma(t.l1, 3), g, false), -EINVAL);
    CHECK_COUNTS(g, FRAME_TYPE_NONE, 0, 0);
    CHECK_EQ(pvmm_unpin(DOM1, t.l1), 0);
    CHECK_EQ(page(t.l1)[2], 0);
    tree_check(&t);
    /* Teardown of a domain whose L1 still holds one: its L1 stays. */
    CHECK_EQ(pvmm_grant_map(DOM1, ma(t.l1, 2), g, DOM2, true), 0);
    CHECK_EQ(pvmm_release_domain(DOM1), 3); /* the L1, rw, ro */
    CHECK_EQ(pvmm_grant_unmap(DOM1, ma(t.l1, 2), g, true), 0);
    CHECK_EQ(pvmm_unpin(DOM2, gt), 0);
    check_all_zero();
}

/*
 * Fuzz. The checker recounts from the page contents alone (plus the pins and
 * roots the test itself holds) what every count must be: it walks the tables
 * from the pins and roots, and each present entry of a table it reaches adds
 * the references pvmm.c's rules give it. The frame table's type of an L4
 * entry's target only decides between "L3" and "linear to an L4", and the
 * choice is then checked like everything else.
 */
#define FZ_FRAMES 40 /* domain 1 frames the fuzz plays with: D1(0..39) */
#define FZ_OPS    20000
#define FZ_ROUND  400 /* tear everything down every FZ_ROUND ops */

struct fz_expect {
    uint32_t rc, tc;
    uint8_t level; /* 1..4: a validated table; 0: not a table */
    bool rw, src, dst;
};

#ifndef FZ_SEED
#define FZ_SEED 0x2545f4914f6cdd1dULL /* fixed; -DFZ_SEED=... to explore */
#endif
static uint8_t fz_pin[NFRAMES];    /* level pinned, or 0 */
static unsigned fz_roots[NFRAMES]; /* roots held */
static struct fz_expect fz_exp[NFRAMES];
static unsigned fz_queue[NFRAMES];

/* The libFuzzer target (tests/fuzz/pvmm/) includes this file with its own
 * fz_rand, which draws from its input. */
#ifndef FZ_RAND_EXTERNAL
static uint64_t fz_state = FZ_SEED;

static uint64_t fz_rand(void)
{
    fz_state ^= fz_state << 13;
    fz_state ^= fz_state >> 7;
    fz_state ^= fz_state << 17;
    return fz_state;
}
#endif

static unsigned fz_below(unsigned n)
{
    return (unsigned)(fz_rand() % n);
}

static bool fz_fail(const char *what, unsigned i)
{
    printf("fuzz checker: %s (frame %u)\n", what, i);
    return false;
}

/* Frame x is a table of `level`; queue it the first time. */
static bool fz_set_level(unsigned x, unsigned level, unsigned *n)
{
    if (fz_exp[x].level == 0) {
        fz_exp[x].level = (uint8_t)level;
        fz_queue[(*n)++] = x;
        return true;
    }
    return fz_exp[x].level == level || fz_fail("table at two levels", x);
}

/* What an L4 entry of t to x holds: self, linear or L3. */
static bool fz_count_l4e(unsigned t, unsigned x, uint64_t e, unsigned *n)
{
    if (x == t)
        return !(e & W) || fz_fail("writable self map", t);
    fz_exp[x].tc++;
    if (frames[x].type != FRAME_TYPE_L4)
        return fz_set_level(x, 3, n);
    fz_exp[t].src = fz_exp[x].dst = true;
    if (e & W)
        return fz_fail("writable linear entry", t);
    return fz_set_level(x, 4, n);
}

/* Count entry s of table t (level): rules (1) to (3). */
static bool fz_count_entry(unsigned t, unsigned level, unsigned s, unsigned *n)
{
    uint64_t e = page(mfn_init(t))[s], x = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

    if (!(e & P))
        return true;
    if ((e & PVMM_PTE_RSVD) || (level > 1 && (e & PTE_PS)))
        return fz_fail("reserved bit or superpage in a table", t);
    if (x >= NFRAMES || frames[x].owner != DOM1)
        return fz_fail("entry to a frame the domain does not own", t);
    fz_exp[x].rc++;
    if (level == 4)
        return fz_count_l4e(t, (unsigned)x, e, n);
    if (level > 1) {
        fz_exp[x].tc++;
        return fz_set_level((unsigned)x, level - 1, n);
    }
    if (e & W) {
        fz_exp[x].rw = true;
        fz_exp[x].tc++;
    }
    return true;
}

/* Walk every table reachable from the pins and roots. */
static bool fz_recount(void)
{
    unsigned i, s, n = 0, level;

    memset(fz_exp, 0, sizeof(fz_exp));
    for (i = 0; i < NFRAMES; i++) {
        fz_exp[i].rc = fz_exp[i].tc = (fz_pin[i] != 0) + fz_roots[i];
        if ((fz_pin[i] && !fz_set_level(i, fz_pin[i], &n)) ||
            (fz_roots[i] && !fz_set_level(i, 4, &n)))
            return false;
    }
    for (i = 0; i < n; i++) {
        level = fz_exp[fz_queue[i]].level;
        for (s = 0; s < PT_ENTRIES; s++) {
            if (level == 4 && pvmm_hyp_slot(s)) {
                if (page(mfn_init(fz_queue[i]))[s] != paging_hyp_l4e(s))
                    return fz_fail("hypervisor slot", fz_queue[i]);
                continue;
            }
            if (!fz_count_entry(fz_queue[i], level, s, &n))
                return false;
        }
    }
    return true;
}

/* Compare the recount with the frame table. */
static bool fz_compare(unsigned i)
{
    const struct fz_expect *x = &fz_exp[i];
    const struct frame *f = &frames[i];
    unsigned type = x->level ? FRAME_TYPE_L1 + x->level - 1
                    : x->rw  ? FRAME_TYPE_WRITABLE
                             : FRAME_TYPE_NONE;

    if (f->ref_count != x->rc || f->type_count != x->tc || f->type != type)
        return fz_fail("counts differ from the recount", i);
    if (x->level && x->rw)
        return fz_fail("page table mapped writable", i);
    if (x->src && x->dst)
        return fz_fail("linear chain", i);
    if (!(f->flags & FRAME_F_VALIDATED) != !x->level)
        return fz_fail("validated flag", i);
    if (!(f->flags & FRAME_F_PINNED) != !fz_pin[i])
        return fz_fail("pinned flag", i);
    return true;
}

static bool fz_check(void)
{
    unsigned i;

    if (!fz_recount())
        return false;
    for (i = 0; i < NFRAMES; i++) {
        if (!fz_compare(i))
            return false;
    }
    return frame_check() == 0;
}

/* A frame number for an entry or a pin: mostly ours, often hostile. */
static mfn_t fz_frame(void)
{
    unsigned r = fz_below(100);

    if (r < 80)
        return D1(fz_below(FZ_FRAMES));
    if (r < 85)
        return D2(fz_below(32));
    if (r < 90)
        return mfn_init(fz_below(16)); /* hypervisor */
    if (r < 94)
        return mfn_init(16 + fz_below(16)); /* free */
    if (r < 97)
        return mfn_init(NFRAMES + fz_below(1000));
    return mfn_init(fz_rand() & 0xffffffffffULL);
}

static uint64_t fz_value(mfn_t target)
{
    uint64_t v = pte(target, 0);

    if (fz_below(8) == 0)
        return fz_below(4) ? v : fz_rand(); /* not present, or anything */
    v |= fz_below(10) ? P : 0;
    v |= fz_below(2) ? W : 0;
    v |= fz_below(2) ? U : 0;
    v |= fz_below(25) ? 0 : PTE_PS;
    v |= fz_below(30) ? 0 : 1UL << (52 + fz_below(11));
    v |= fz_below(10) ? 0 : PTE_NX;
    return v;
}

/* A validated table of domain 1, or now and then any frame. */
static mfn_t fz_table(unsigned type)
{
    mfn_t c[FZ_FRAMES];
    unsigned i, n = 0;

    for (i = 0; i < FZ_FRAMES; i++) {
        const struct frame *f = fr(D1(i));

        if (f->type_count && f->type >= FRAME_TYPE_L1 &&
            f->type <= FRAME_TYPE_L4 && (!type || f->type == type))
            c[n++] = D1(i);
    }
    if (n == 0 || fz_below(12) == 0)
        return fz_frame();
    return c[fz_below(n)];
}

static unsigned fz_slot(void)
{
    unsigned r = fz_below(10);

    if (r < 5)
        return fz_below(4);
    if (r == 5)
        return fz_below(2) ? 511 : HV_PML4_SLOT_FIRST + fz_below(16);
    return fz_below(PT_ENTRIES);
}

static int fz_update(mfn_t table, uint64_t val)
{
    paddr_t pa = ma(table, fz_slot());

    if (fz_below(50) == 0)
        pa = pa_init(pa_val(pa) + 1 + fz_below(7));
    return pvmm_mmu_update(DOM1, pa, val);
}

static int fz_pin_op(bool pin)
{
    mfn_t m = fz_below(10) ? D1(fz_below(FZ_FRAMES)) : fz_frame();
    unsigned level = fz_below(20) ? 1 + fz_below(4) : 5 * fz_below(2);
    int rc = pin ? pvmm_pin(DOM1, m, level) : pvmm_unpin(DOM1, m);

    if (rc == 0)
        fz_pin[mfn_val(m)] = pin ? (uint8_t)level : 0;
    return rc;
}

static int fz_root_op(void)
{
    mfn_t m = fz_table(FRAME_TYPE_L4);
    int rc;

    if (mfn_val(m) < NFRAMES && fz_roots[mfn_val(m)] && fz_below(2)) {
        pvmm_root_put(m);
        fz_roots[mfn_val(m)]--;
        return 0;
    }
    rc = pvmm_root_get(DOM1, m);
    if (rc == 0)
        fz_roots[mfn_val(m)]++;
    return rc;
}

/* va_to_pte finds an L1 of the domain, or fails. */
static int fz_walk_op(void)
{
    uint64_t va = (fz_rand() & 0x3) << 39 | (fz_rand() & 0x3) << 30 |
                  (fz_rand() & 0x3) << 21 | (fz_rand() & 0x1ff) << 12;
    paddr_t pa;
    int rc;

    if (fz_below(10) == 0)
        va = fz_rand();
    rc = pvmm_va_to_pte(fz_table(FRAME_TYPE_L4), va, &pa);
    if (rc == 0) {
        CHECK(pa_val(pa) < sizeof(mem));
        CHECK_EQ(fr(pa_to_mfn(pa))->type, FRAME_TYPE_L1);
        CHECK_EQ(fr(pa_to_mfn(pa))->owner, DOM1);
    }
    return rc;
}

/*
 * The guest writes to a frame it could have mapped RW (not a table): mostly
 * plausible entries to its own frames, so that pins build real trees, now
 * and then a hostile one, or a cleared page.
 */
static void fz_guest_write(void)
{
    mfn_t m = D1(fz_below(FZ_FRAMES));
    uint64_t v = pte(D1(fz_below(FZ_FRAMES)), P | U);

    if (fr(m)->type_count && fr(m)->type != FRAME_TYPE_WRITABLE)
        return;
    if (fz_below(10) == 0) {
        memset(page(m), 0, PAGE_SIZE);
        return;
    }
    if (fz_below(4) == 0)
        v |= W;
    if (fz_below(10) == 0)
        v = fz_value(fz_frame());
    page(m)[fz_slot()] = v;
}

static int fz_op(unsigned op)
{
    switch (op) {
    case 0 ... 8:
        return fz_update(fz_table(0), fz_value(fz_frame()));
    case 9: /* linear entries: self or another L4 */
        return fz_update(fz_table(FRAME_TYPE_L4),
                         fz_value(fz_table(FRAME_TYPE_L4)));
    case 10: /* a table mapped by an L1 */
        return fz_update(fz_table(FRAME_TYPE_L1), fz_value(fz_table(0)));
    case 11 ... 12:
        return fz_pin_op(true);
    case 13 ... 14:
        return fz_pin_op(false);
    case 15:
        return fz_root_op();
    case 16:
        return fz_walk_op();
    default:
        fz_guest_write();
        return 0;
    }
}

/* Put the roots, release the domain: every count must be back to 0. */
static void fz_teardown(void)
{
    unsigned i;

    for (i = 0; i < NFRAMES; i++) {
        for (; fz_roots[i] > 0; fz_roots[i]--)
            pvmm_root_put(mfn_init(i));
    }
    CHECK_EQ(pvmm_release_domain(DOM1), 0);
    memset(fz_pin, 0, sizeof(fz_pin));
    check_all_zero();
}

/* A fresh machine with nothing pinned or held. */
static void fz_start(void)
{
    machine_init();
    memset(fz_pin, 0, sizeof(fz_pin));
    memset(fz_roots, 0, sizeof(fz_roots));
}

/* Random operation i and the checks after it: the number of rules broken. */
static unsigned fz_step(unsigned i, unsigned *ok, unsigned *failed)
{
    unsigned op = fz_below(20), bad = 0;
    bool guest = op > 16;
    int rc;

    snap_take();
    rc = fz_op(op);
    *ok += rc == 0 && !guest;
    *failed += rc != 0;
    if (rc != 0 && !snap_same())
        bad += !fz_fail("a failed operation changed something", op);
    if (!fz_check())
        bad++;
    if (i % FZ_ROUND == FZ_ROUND - 1)
        fz_teardown();
    if (bad)
        printf("fuzz: op %u (kind %u, rc %d) broke a rule\n", i, op, rc);
    return bad;
}

static void test_fuzz(void)
{
    unsigned i, ok = 0, failed = 0, bad = 0;
    struct pvmm_stats st;

    fz_start();
    for (i = 0; i < FZ_OPS && bad == 0; i++)
        bad += fz_step(i, &ok, &failed);
    CHECK_EQ(bad, 0);
    fz_teardown();
    pvmm_stats_get(&st);
    printf("fuzz: %u ops, %u succeeded, %u refused; %" PRIu64
           " validations, %" PRIu64 " entries checked\n",
           i, ok, failed, st.validations, st.entries_checked);
    /* A fuzz that never builds anything tests nothing. */
    CHECK(ok > FZ_OPS / 10 && failed > FZ_OPS / 10);
    CHECK(st.validations > 500);
}

int main(void)
{
    test_build_and_teardown();
    test_validate_on_pin();
    test_attacks_mapping();
    test_attacks_linear();
    test_attacks_ops();
    test_unwind();
    test_overflow();
    test_release();
    test_grant();
    test_fuzz();
    return check_finish();
}
