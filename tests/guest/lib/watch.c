/* SPDX-License-Identifier: BSD-2-Clause */
/* dom0 watching a domU of an attack test until it has ended, and the
 * free frames the domctl tests compare before and after. */
#include <string.h>

#include "guest.h"

#define WATCH_MS 1000000ULL

long watch_domain_end(uint32_t domid, uint64_t max_ms)
{
    struct domctl_domaininfo info;
    uint64_t t0 = system_time_ns();
    long rc;

    for (;;) {
        memset(&info, 0, sizeof(info));
        info.domid = domid;
        rc = hc_domctl(DOMCTL_getdomaininfo, &info);
        if (rc == 0 && info.domid != domid)
            rc = -CARAPACE_ESRCH; /* the next domain up: ours is gone */
        if (rc) {
            printf("dom0: domain %u is gone\n", domid);
            return rc;
        }
        if (info.state == DOMCTL_STATE_SHUTDOWN ||
            info.state == DOMCTL_STATE_CRASHED) {
            printf("dom0: domain %u has ended (state %u)\n", domid, info.state);
            return info.state;
        }
        if (system_time_ns() - t0 > max_ms * WATCH_MS) {
            printf("dom0: domain %u still in state %u after %lu ms\n", domid,
                   info.state, (unsigned long)max_ms);
            return WATCH_TIMEOUT;
        }
        hc_sched_op(SCHED_yield, 0);
    }
}

void watch_attack(void (*attacker)(void), uint64_t max_ms)
{
    long end;

    if (start_info.domid != 0) {
        attacker();
        return;
    }
    end = watch_domain_end(1, max_ms);
    test_check(end == DOMCTL_STATE_SHUTDOWN || end == DOMCTL_STATE_CRASHED ||
                   end == -CARAPACE_ESRCH,
               "the domU has ended (%ld)", end);
    printf("dom0: still running after the attack\n");
}

uint64_t watch_free_frames(void)
{
    struct domctl_physinfo p;

    memset(&p, 0, sizeof(p));
    test_expect_eq(hc_domctl(DOMCTL_physinfo, &p), 0, "physinfo");
    return p.free_frames;
}
