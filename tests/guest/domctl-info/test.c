/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DOMCTL_getdomaininfo lists every domain in id order with its name,
 * state, memory and flags; bad arguments get their documented errors; the
 * boot-time domUs (boot.dts, role "wait") are refused HC_domctl.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "domctl-info: DOMCTL_getdomaininfo";

static const struct {
    const char *name;
    uint64_t mib;
} expected[] = {{"dom0", 16}, {"alpha", 4}, {"beta", 8}};

/* Give the domUs time to run their checks and block. */
static void let_domus_run(void)
{
    uint64_t t0 = system_time_ns();

    while (system_time_ns() - t0 < 300000000ULL)
        hc_sched_op(SCHED_yield, 0);
}

static void list_all(void)
{
    struct domctl_domaininfo info;
    unsigned int n = 0;
    uint32_t id = 0;

    for (;;) {
        memset(&info, 0, sizeof(info));
        info.domid = id;
        if (hc_domctl(DOMCTL_getdomaininfo, &info) != 0)
            break;
        printf("domain %u %-6s state %u flags %#x mem %lu MiB vcpus %u "
               "hypercalls %lu\n",
               info.domid, info.name, info.state, info.flags,
               (unsigned long)(info.memory_bytes >> 20), info.nr_vcpus,
               (unsigned long)info.hypercalls);
        if (n < ARRAY_SIZE(expected)) {
            test_check(info.domid == n && !strcmp(info.name, expected[n].name),
                       "domain %u is %s", n, expected[n].name);
            test_expect_eq(info.memory_bytes >> 20, expected[n].mib,
                           "its memory in MiB");
        }
        test_expect_eq(info.flags, n == 0 ? DOMCTL_F_PRIVILEGED : 0,
                       "only dom0 is privileged");
        test_check(n == 0 ? info.console_port == 0 : info.console_port != 0,
                   "a console channel for domUs only (port %u)",
                   info.console_port);
        test_expect_eq(info.console_gref, 0, "the console ring is grant 0");
        test_expect_eq(info.state,
                       n == 0 ? DOMCTL_STATE_RUNNING : DOMCTL_STATE_BLOCKED,
                       "dom0 runs, the domUs are blocked");
        id = info.domid + 1;
        n++;
    }
    test_expect_eq(n, 3, "three domains listed");
}

void test_main(void)
{
    struct domctl_domaininfo info = {0};

    let_domus_run();
    list_all();
    info.domid = 3;
    test_expect_eq(hc_domctl(DOMCTL_getdomaininfo, &info), -CARAPACE_ESRCH,
                   "no domain with an id >= 3");
    info.domid = 0xffffffffu;
    test_expect_eq(hc_domctl(DOMCTL_getdomaininfo, &info), -CARAPACE_ESRCH,
                   "domid 0xffffffff");
    memset(&info, 0, sizeof(info));
    info.pad = 1;
    test_expect_eq(hc_domctl(DOMCTL_getdomaininfo, &info), -CARAPACE_EINVAL,
                   "a non-zero reserved field");
    memset(&info, 0, sizeof(info));
    info.name[0] = 'x';
    test_expect_eq(hc_domctl(DOMCTL_getdomaininfo, &info), -CARAPACE_EINVAL,
                   "an output field set on input");
    test_expect_eq(hc_domctl(DOMCTL_getdomaininfo, NULL), -CARAPACE_EFAULT,
                   "NULL argument");
    test_expect_eq(hc_domctl(DOMCTL_getdomaininfo, (void *)HYP_VA_EXAMPLE),
                   -CARAPACE_EFAULT, "argument in the hypervisor");
    test_expect_eq(hc_domctl(99, &info), -CARAPACE_ENOSYS, "unknown command");
}
