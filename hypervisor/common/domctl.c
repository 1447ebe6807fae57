/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_domctl: the toolstack's hypercall, dom0's only. Each command checks
 * its whole argument (reserved fields must be zero) before acting.
 */
#include <stddef.h>
#include <string.h>

#include <carapace/domctl.h>
#include <carapace/errno.h>

#include "domain.h"
#include "domctl.h"
#include "guestmem.h"

static uint32_t domctl_state(const struct domain *d)
{
    static const uint32_t map[] = {
        [DOMAIN_PAUSED] = DOMCTL_STATE_PAUSED,
        [DOMAIN_SHUTDOWN] = DOMCTL_STATE_SHUTDOWN,
        [DOMAIN_CRASHED] = DOMCTL_STATE_CRASHED,
        [DOMAIN_DYING] = DOMCTL_STATE_DYING,
    };

    if (d->state == DOMAIN_ACTIVE)
        return d->vcpu[0].state == VCPU_BLOCKED ? DOMCTL_STATE_BLOCKED
                                                : DOMCTL_STATE_RUNNING;
    return map[d->state];
}

void domctl_info_fill(const struct domain *d, struct domctl_domaininfo *i)
{
    memset(i, 0, sizeof(*i));
    i->domid = d->id;
    i->state = domctl_state(d);
    i->flags = d->flags & DOMAIN_F_PRIVILEGED ? DOMCTL_F_PRIVILEGED : 0;
    i->nr_vcpus = 1;
    i->memory_bytes = d->nr_frames * 4096;
    i->cpu_time_ns = d->vcpu[0].cpu_time_ns;
    i->hypercalls = d->hypercalls;
    i->console_port = d->console_port;
    i->console_gref = d->console_gref;
    i->shutdown_reason = d->shutdown_reason;
    memcpy(i->name, d->name, sizeof(i->name));
    i->name[sizeof(i->name) - 1] = '\0';
}

static long domctl_getdomaininfo(uint64_t va)
{
    struct domctl_domaininfo in, out;
    static const struct domctl_domaininfo zero;

    if (guestmem_read(&in, va, sizeof(in)))
        return -CARAPACE_EFAULT;
    if (memcmp((const char *)&in + sizeof(in.domid),
               (const char *)&zero + sizeof(in.domid),
               sizeof(in) - sizeof(in.domid)) != 0)
        return -CARAPACE_EINVAL;
    for (uint64_t id = in.domid; id < DOMAIN_MAX; id++) {
        const struct domain *d = domain_get((uint32_t)id);

        if (!d)
            continue;
        domctl_info_fill(d, &out);
        return guestmem_write(va, &out, sizeof(out)) ? -CARAPACE_EFAULT : 0;
    }
    return -CARAPACE_ESRCH;
}

long domctl_hypercall(struct vcpu *v, const uint64_t a[5])
{
    if (!(v->domain->flags & DOMAIN_F_PRIVILEGED))
        return -CARAPACE_EPERM;
    switch (a[0]) {
    case DOMCTL_getdomaininfo:
        return domctl_getdomaininfo(a[1]);
    default:
        return -CARAPACE_ENOSYS;
    }
}
