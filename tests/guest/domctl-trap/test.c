/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A trap domain made with domctl commands from dom0 (ABI 1.10): bad
 * createdomain flags are refused; the domain reports DOMCTL_F_TRAP; every
 * bad setvcpucontext argument gets -EINVAL (a vCPU other than 0, a stack,
 * a hypercall page, the shared page not second-last, an entry, start info
 * or L4 outside its RAM); a good one starts it on an empty L4, where its
 * first fetch faults with no IDT to take it: a triple fault crashes it
 * alone, and destroying it gives back every frame.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "domctl-trap: a trap domain's domctl paths";

#define FRAMES 512 /* 2 MiB: RAM 0..509, shared info 510, console 511 */
#define RAM    510

static long dc(uint64_t cmd, void *arg)
{
    return hc_domctl(cmd, arg);
}

static uint32_t create(uint32_t flags, long want, const char *what)
{
    struct domctl_createdomain c;

    memset(&c, 0, sizeof(c));
    c.flags = flags;
    c.max_memory_bytes = FRAMES * PAGE_SIZE;
    memcpy(c.name, "t1", 3);
    test_expect_eq(dc(DOMCTL_createdomain, &c), want, what);
    return c.domid;
}

static uint32_t info(uint32_t id, uint32_t *flags)
{
    struct domctl_domaininfo i;

    memset(&i, 0, sizeof(i));
    i.domid = id;
    if (dc(DOMCTL_getdomaininfo, &i) || i.domid != id)
        return 99;
    *flags = i.flags;
    return i.state;
}

/* setvcpucontext with one field of a good context changed. */
static void bad_context(uint32_t id)
{
    const struct domctl_vcpucontext good = {
        .domid = id,
        .rip = 0x100000,
        .start_info = 0x9000,
        .shared_gfn = RAM,
        .l4_gfn = 0x103,
    };
    struct domctl_vcpucontext c;

    c = good, c.vcpu = 1;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL, "vcpu 1");
    c = good, c.rsp = 0x8000;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL, "a stack");
    c = good, c.hypercall_gfn = 1;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL,
                   "a hypercall page");
    c = good, c.shared_gfn = RAM + 1;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL,
                   "the shared page last");
    c = good, c.rip = RAM * PAGE_SIZE;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL,
                   "the entry past its RAM");
    c = good, c.start_info = (uint64_t)-1;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL,
                   "the start info past its RAM");
    c = good, c.l4_gfn = RAM;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL,
                   "the L4 on the shared page");
    c = good, c.l4_gfn = 1ULL << 40;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL,
                   "the L4 far past its RAM");
    c = good;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), 0, "a good context");
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EBUSY,
                   "a second context");
}

void test_main(void)
{
    struct domctl_memory m = {.nr_frames = FRAMES};
    uint64_t before = watch_free_frames(), t0;
    uint32_t id, flags = 0;

    create(DOMCTL_F_HVM | DOMCTL_F_TRAP, -CARAPACE_EINVAL, "hvm and trap");
    create(0x8, -CARAPACE_EINVAL, "an unknown flag");
    id = create(DOMCTL_F_TRAP, 0, "a trap domain");
    test_expect_eq(info(id, &flags), DOMCTL_STATE_PAUSED, "paused");
    test_check(flags & DOMCTL_F_TRAP, "getdomaininfo says trap (%#x)", flags);
    test_check(!(flags & DOMCTL_F_HVM), "and not hvm");
    m.domid = id;
    test_expect_eq(dc(DOMCTL_set_max_mem, &m), 0, "set_max_mem");
    test_expect_eq(dc(DOMCTL_populate, &m), 0, "populate 2 MiB");
    bad_context(id);
    test_expect_eq(dc(DOMCTL_unpause, (void *)(uint64_t)id), 0, "unpause");
    t0 = system_time_ns();
    while (info(id, &flags) != DOMCTL_STATE_CRASHED &&
           system_time_ns() - t0 < 2000000000ULL)
        hc_sched_op(SCHED_yield, 0);
    test_expect_eq(info(id, &flags), DOMCTL_STATE_CRASHED,
                   "its first fetch crashed it alone");
    test_expect_eq(dc(DOMCTL_destroy, (void *)(uint64_t)id), 0, "destroy");
    test_expect_eq(watch_free_frames(), before, "every frame came back");
}
