/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A DOMCTL_setvcpucontext that fails (its L4 does not validate) must leave
 * nothing set: no shared-info page (an event sent to the domain lands in
 * no page of it), and every frame can still be released; a later, correct
 * setvcpucontext works and the domain is destroyed with nothing left (the
 * log says so).
 */
#include <stddef.h>
#include <string.h>

#include "../grant-map/gt.h"

const char test_title[] = "domctl-ctx-fail: a refused vCPU context leaves "
                          "nothing set";

#define FRAMES  8
#define CONSOLE 3 /* the console ring, and the refused shared-info page */

static long dc(uint64_t cmd, void *arg)
{
    return hc_domctl(cmd, arg);
}

void test_main(void)
{
    static const uint64_t bad_l4e = 0x7ff0000000000001ULL; /* reserved bits */
    static const uint64_t zero;
    struct domctl_createdomain cr = {.max_memory_bytes = FRAMES * PAGE_SIZE};
    struct domctl_memory m = {.nr_frames = FRAMES};
    struct domctl_console con = {.gfn = CONSOLE};
    struct domctl_write w = {.len = 8, .buf = (uint64_t)&bad_l4e};
    struct domctl_vcpucontext c = {.rip = 0x400000,
                                   .rsp = 0x410000,
                                   .start_info = 0x400000,
                                   .l4_gfn = 0,
                                   .shared_gfn = CONSOLE,
                                   .hypercall_gfn = 2};
    uint64_t va = gt_slot(0);
    const volatile uint64_t *pending =
        (const volatile uint64_t *)(va + offsetof(struct shared_info,
                                                  evtchn_pending));
    uint32_t id, h = ~0u, lp = 0;

    memcpy(cr.name, "ctx", 3);
    if (!test_expect_eq(dc(DOMCTL_createdomain, &cr), 0, "create"))
        return;
    id = m.domid = con.domid = w.domid = c.domid = cr.domid;
    test_expect_eq(dc(DOMCTL_populate, &m), 0, "populate");
    test_expect_eq(dc(DOMCTL_console_setup, &con), 0, "console_setup");
    test_expect_eq(dc(DOMCTL_write_memory, &w), 0, "a bad entry in the L4");
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL,
                   "setvcpucontext with that L4");

    /* An event for the domain: with no shared page, it lands nowhere. */
    test_expect_eq(gt_map(id, GNTTAB_RESERVED_CONSOLE, va, GNTMAP_readonly, &h),
                   0, "map the console page (the refused shared page)");
    test_expect_eq(hc_evtchn_bind_interdomain(id, con.port, &lp), 0,
                   "bind its console port");
    test_expect_eq(hc_evtchn_send(lp), 0, "send to it");
    test_expect_eq(pending[con.port / 64] & (1ULL << (con.port % 64)), 0,
                   "  no pending bit in the refused shared page");
    test_expect_eq(gnttab_unmap_one(h, va), 0, "unmap");
    test_expect_eq(hc_evtchn_close(lp), 0, "close");

    m.nr_frames = CONSOLE;
    test_expect_eq(dc(DOMCTL_release, &m), 0, "release the refused page");
    m.nr_frames = FRAMES;
    test_expect_eq(dc(DOMCTL_populate, &m), 0, "populate again");
    w.buf = (uint64_t)&zero;
    test_expect_eq(dc(DOMCTL_write_memory, &w), 0, "an empty L4");
    c.shared_gfn = 1;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), 0, "setvcpucontext");
    test_expect_eq(dc(DOMCTL_destroy, (void *)(uint64_t)id), 0, "destroy");
}
