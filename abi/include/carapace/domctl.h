/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Domain control: HC_domctl(uint64_t cmd, void *arg), for dom0 only (the
 * toolstack's hypercall). Any other caller gets -CARAPACE_EPERM.
 */
#ifndef CARAPACE_ABI_DOMCTL_H
#define CARAPACE_ABI_DOMCTL_H

#include <stdint.h>

#include "abi.h"

#define DOMCTL_getdomaininfo 0 /* arg: struct domctl_domaininfo * */

#define DOMCTL_NAME_MAX 32 /* with the NUL */

/* Domain states as getdomaininfo reports them (xl's letters r b p s c d). */
#define DOMCTL_STATE_RUNNING  0
#define DOMCTL_STATE_BLOCKED  1
#define DOMCTL_STATE_PAUSED   2
#define DOMCTL_STATE_SHUTDOWN 3
#define DOMCTL_STATE_CRASHED  4
#define DOMCTL_STATE_DYING    5

#define DOMCTL_F_PRIVILEGED 0x1

/*
 * DOMCTL_getdomaininfo: the domain with the lowest id >= domid. In: domid
 * (and every other field zero). Out: all fields. -ESRCH when there is none,
 * so `for (id = 0; getdomaininfo(id) == 0; id = info.domid + 1)` lists all.
 */
struct domctl_domaininfo {
    uint32_t domid;
    uint32_t state; /* DOMCTL_STATE_* */
    uint32_t flags; /* DOMCTL_F_* */
    uint32_t nr_vcpus;
    uint64_t memory_bytes;
    uint64_t cpu_time_ns;
    uint64_t hypercalls;
    uint32_t console_port;    /* the domain's end of its console channel; 0 */
    uint32_t console_gref;    /* grant ref of its console ring (for dom0)     */
    uint32_t shutdown_reason; /* SHUTDOWN_*, once stopped */
    uint32_t pad;
    char name[DOMCTL_NAME_MAX];
};
CARAPACE_ABI_CHECK(struct domctl_domaininfo, 88);

#endif /* CARAPACE_ABI_DOMCTL_H */
