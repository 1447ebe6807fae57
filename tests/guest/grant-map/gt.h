/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers of the grant-* guest tests (dom0 and the domU). Conventions: the
 * domU is domain 1; its refs 1.. are fixed by each test; a page's word at
 * GT_ACK is dom0's acknowledgement, GT_DONE the domU's reply.
 */
#ifndef GUEST_GRANT_TEST_H
#define GUEST_GRANT_TEST_H

#include "guest.h"

#define GT_DOMU 1
#define GT_ACK  (2048 / 8)
#define GT_DONE (2056 / 8)
#define GT_MS   1000000ULL

/* Byte i of test page n. */
static inline uint8_t gt_pattern(unsigned n, unsigned i)
{
    return (uint8_t)(i * 7 + n * 31 + 1);
}

static inline bool gt_check_pattern(const volatile uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < 2048; i++)
        if (p[i] != gt_pattern(n, i))
            return false;
    return true;
}

/* Page i of dom0's free frames, its own mapping removed to make room for a
 * grant mapping (the L1 stays). */
static inline uint64_t gt_slot(unsigned i)
{
    uint64_t va = gfn_to_va(start_info.first_free_gfn + i);

    hc_update_va_mapping(va, 0, UVMF_INVLPG);
    return va;
}

static inline long gt_map(uint32_t dom, uint32_t ref, uint64_t va,
                          uint32_t flags, uint32_t *handle)
{
    struct gnttab_map_grant_ref op = {
        .dom = dom, .ref = ref, .va = va, .flags = flags};
    long rc = gnttab_map_one(&op);

    if (rc == 0 && handle)
        *handle = op.handle;
    return rc;
}

/* Wait (yielding) up to ms for a map to succeed. */
static inline long gt_map_wait(uint32_t dom, uint32_t ref, uint64_t va,
                               uint32_t flags, uint32_t *handle, unsigned ms)
{
    uint64_t t0 = system_time_ns();
    long rc;

    while ((rc = gt_map(dom, ref, va, flags, handle)) != 0 &&
           system_time_ns() - t0 < ms * GT_MS)
        hc_sched_op(SCHED_yield, 0);
    return rc;
}

/* Wait up to ms for *p == want. */
static inline bool gt_wait_eq(const volatile uint64_t *p, uint64_t want,
                              unsigned ms)
{
    uint64_t t0 = system_time_ns();

    while (*p != want) {
        if (system_time_ns() - t0 > ms * GT_MS)
            return false;
        hc_sched_op(SCHED_yield, 0);
    }
    return true;
}

/* --- The granting side ---------------------------------------------------- */

static inline struct grant_entry *gt_setup_table(void)
{
    struct gnttab_setup_table st = {.nr_frames = 1};
    uint64_t va = gfn_to_va(start_info.first_free_gfn);

    if (hc_grant_table_op(GNTTABOP_setup_table, &st, 1) || st.status ||
        st.nr_frames != 1)
        return NULL;
    if (hc_update_va_mapping(va, pte_of_mfn(st.frames[0], PTE_GUEST_RW),
                             UVMF_INVLPG))
        return NULL;
    return (struct grant_entry *)va;
}

static inline void gt_grant(struct grant_entry *t, uint32_t ref, uint16_t domid,
                            const void *page, uint16_t flags)
{
    t[ref].domid = domid;
    t[ref].pad = 0;
    t[ref].gfn = va_to_gfn((uint64_t)page);
    __atomic_store_n(&t[ref].flags, flags, __ATOMIC_RELEASE);
}

/* End a grant written with `flags`: fails while it is mapped. */
static inline bool gt_end(struct grant_entry *t, uint32_t ref, uint16_t flags)
{
    uint16_t old = flags;

    return __atomic_compare_exchange_n(&t[ref].flags, &old, 0, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

#endif /* GUEST_GRANT_TEST_H */
