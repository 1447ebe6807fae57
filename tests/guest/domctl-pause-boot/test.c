/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0 pauses a boot-time domU (built by the hypervisor, not the
 * toolstack) and unpauses it again: a domain the hypervisor built and
 * started has its vCPU context, so unpause must work; then destroys it.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "domctl-pause-boot: pause and unpause a boot-time "
                          "domU";

static uint32_t state_of(uint32_t id)
{
    struct domctl_domaininfo i;

    memset(&i, 0, sizeof(i));
    i.domid = id;
    if (hc_domctl(DOMCTL_getdomaininfo, &i) || i.domid != id)
        return 99;
    return i.state;
}

void test_main(void)
{
    void *one = (void *)1;

    test_expect_eq(hc_domctl(DOMCTL_pause, one), 0, "pause domain 1");
    test_expect_eq(state_of(1), DOMCTL_STATE_PAUSED, "  it is paused");
    test_expect_eq(hc_domctl(DOMCTL_unpause, one), 0, "unpause domain 1");
    test_check(state_of(1) == DOMCTL_STATE_RUNNING ||
                   state_of(1) == DOMCTL_STATE_BLOCKED,
               "  it runs again");
    test_expect_eq(hc_domctl(DOMCTL_destroy, one), 0, "destroy domain 1");
    test_expect_eq(state_of(1), 99, "  it is gone");
}
