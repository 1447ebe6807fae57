/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_domctl: the toolstack's hypercall, dom0's only. Each command checks
 * its whole argument (reserved fields must be zero) before acting.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <carapace/domctl.h>
#include <carapace/errno.h>
#include <carapace/sched.h>
#include <carapace/shared.h>

#include "arch.h"
#include "domain.h"
#include "evtchn.h"
#include "frame.h"
#include "log.h"
#include "main.h"
#include "p2m.h"
#include "domctl.h"
#include "guestmem.h"
#include "hypercall.h"

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
    i->flags = (d->flags & DOMAIN_F_PRIVILEGED ? DOMCTL_F_PRIVILEGED : 0) |
               (d->flags & DOMAIN_F_HVM ? DOMCTL_F_HVM : 0) |
               (d->flags & DOMAIN_F_TRAP ? DOMCTL_F_TRAP : 0);
    i->nr_vcpus = 1;
    i->memory_bytes = d->nr_frames * 4096;
    i->cpu_time_ns = d->vcpu[0].cpu_time_ns;
    i->hypercalls = d->hypercalls;
    i->created_ns = d->created_ns;
    i->console_port = d->console_port;
    i->console_gref = d->console_gref;
    i->shutdown_reason = d->shutdown_reason;
    memcpy(i->name, d->name, sizeof(i->name));
    i->name[sizeof(i->name) - 1] = '\0';
}

static long domctl_getdomaininfo(struct vcpu *v, uint64_t va)
{
    struct domctl_domaininfo in, out;
    static const struct domctl_domaininfo zero;

    (void)v;
    if (guestmem_read(&in, gva_init(va), sizeof(in)))
        return -CARAPACE_EFAULT;
    if (memcmp((const char *)&in + sizeof(in.domid),
               (const char *)&zero + sizeof(in.domid),
               sizeof(in) - sizeof(in.domid)) != 0)
        return -CARAPACE_EINVAL;
    /* The first domain from in.domid up: by id, not a walk of the list
     * (a toolstack asks for each of 10,000 domains in turn). */
    for (uint64_t id = in.domid; id < DOMAIN_MAX; id++) {
        const struct domain *d = domain_get((uint32_t)id);

        if (!d)
            continue;
        domctl_info_fill(d, &out);
        return guestmem_write(gva_init(va), &out, sizeof(out))
                   ? -CARAPACE_EFAULT
                   : 0;
    }
    return -CARAPACE_ESRCH;
}

/* A name the toolstack may give: 1..31 of [A-Za-z0-9._-], unused. */
static bool domctl_name_ok(const char *name)
{
    size_t n = 0;

    for (; n < DOMCTL_NAME_MAX && name[n]; n++) {
        char c = name[n];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    if (n == 0 || n == DOMCTL_NAME_MAX)
        return false;
    return domain_find_name(name) == NULL;
}

static long domctl_createdomain(struct vcpu *v, uint64_t va)
{
    struct domctl_createdomain c;
    struct domain *d = NULL;
    uint32_t id;
    int err;

    (void)v;
    if (guestmem_read(&c, gva_init(va), sizeof(c)))
        return -CARAPACE_EFAULT;
    if (c.domid || (c.flags & ~(uint32_t)(DOMCTL_F_HVM | DOMCTL_F_TRAP)) ||
        (c.flags & DOMCTL_F_HVM && c.flags & DOMCTL_F_TRAP) ||
        c.max_memory_bytes % PAGE_SIZE ||
        c.max_memory_bytes > P2M_MAX_FRAMES * PAGE_SIZE)
        return -CARAPACE_EINVAL;
    if (!domctl_name_ok(c.name))
        return -CARAPACE_EEXIST; /* taken, or not a name (docs/abi.md) */
    if ((c.flags & DOMCTL_F_HVM) && !arch_hvm_available())
        return -CARAPACE_ENOSYS; /* no SVM: nothing is made */
    id = domain_free_id();
    if (id == DOMAIN_MAX)
        return -CARAPACE_ENOSPC;
    err = domain_create(id, c.name,
                        DOMAIN_F_KEEP |
                            (c.flags & DOMCTL_F_HVM ? DOMAIN_F_HVM : 0) |
                            (c.flags & DOMCTL_F_TRAP ? DOMAIN_F_TRAP : 0),
                        &d);
    if (err)
        return err; /* -ENOMEM: the id is free */
    d->max_frames = c.max_memory_bytes / PAGE_SIZE;
    d->state = DOMAIN_PAUSED;
    c.domid = id;
    if (guestmem_write(gva_init(va), &c, sizeof(c))) {
        domain_kill(d);
        return -CARAPACE_EFAULT;
    }
    log_info("Domain %u (%s) created by dom0: up to %lu KiB\n", id, d->name,
             (unsigned long)(c.max_memory_bytes >> 10));
    return 0;
}

/* Another domain, by id: never dom0 and never the caller. */
static struct domain *domctl_target(struct vcpu *v, uint64_t domid, long *err)
{
    struct domain *d = domid < DOMAIN_MAX ? domain_get((uint32_t)domid) : NULL;

    *err = !d                             ? -CARAPACE_ESRCH
           : d->id == 0 || d == v->domain ? -CARAPACE_EPERM
                                          : 0;
    return *err ? NULL : d;
}

static long domctl_destroy(struct vcpu *v, uint64_t domid)
{
    long err;
    struct domain *d = domctl_target(v, domid, &err);

    if (!d)
        return err;
    domain_kill(d);
    return 0;
}

/* A target that has not stopped (a stopped one can only be destroyed). */
static struct domain *domctl_target_live(struct vcpu *v, uint64_t domid,
                                         long *err)
{
    struct domain *d = domctl_target(v, domid, err);

    if (d && d->state != DOMAIN_ACTIVE && d->state != DOMAIN_PAUSED) {
        *err = -CARAPACE_EBUSY;
        return NULL;
    }
    return d;
}

static long domctl_pause(struct vcpu *v, uint64_t domid)
{
    long err;
    struct domain *d = domctl_target_live(v, domid, &err);

    if (!d)
        return err;
    domain_pause(d);
    return 0;
}

static long domctl_unpause(struct vcpu *v, uint64_t domid)
{
    long err;
    struct domain *d = domctl_target_live(v, domid, &err);

    if (!d)
        return err;
    if (!d->started)
        return -CARAPACE_EBUSY; /* no vCPU context yet */
    domain_unpause(d);
    return 0;
}

static long domctl_shutdown(struct vcpu *v, uint64_t va)
{
    struct domctl_shutdown s;
    struct domain *d;
    long err;

    if (guestmem_read(&s, gva_init(va), sizeof(s)))
        return -CARAPACE_EFAULT;
    if (s.reason != SHUTDOWN_poweroff && s.reason != SHUTDOWN_reboot)
        return -CARAPACE_EINVAL;
    d = domctl_target(v, s.domid, &err);
    if (!d)
        return err;
    /* A paused domain gets the request too, and sees it when unpaused. */
    if (!d->shared || (d->state != DOMAIN_ACTIVE && d->state != DOMAIN_PAUSED))
        return -CARAPACE_EBUSY;
    d->shared->vcpu[0].shutdown_request = s.reason + 1;
    evtchn_virq(d, VIRQ_SHUTDOWN);
    return 0;
}

static long domctl_physinfo(struct vcpu *v, uint64_t va)
{
    struct domctl_physinfo p = {
        .total_frames = frame_count_ram(),
        .free_frames = frame_count_free(),
        .nr_cpus = 1,
        .hypervisor_frames = frame_count_owned(FRAME_OWNER_HYP),
        .abi_version = CARAPACE_ABI_VERSION,
        .version = CARAPACE_VERSION_MAJOR << 16 | CARAPACE_VERSION_MINOR,
        .dirty_frames = frame_count_dirty(),
    };

    (void)v;
    for (const struct domain *d = domain_first(); d; d = d->next)
        p.nr_domains++;
    return guestmem_write(gva_init(va), &p, sizeof(p)) ? -CARAPACE_EFAULT : 0;
}

static long domctl_readlog(struct vcpu *v, uint64_t va)
{
    struct domctl_readlog r;
    char chunk[256];
    uint64_t done = 0, lost = 0, skipped;

    (void)v;
    if (guestmem_read(&r, gva_init(va), sizeof(r)))
        return -CARAPACE_EFAULT;
    if (r.lost || !guestmem_range_ok(gva_init(r.buf), r.len))
        return -CARAPACE_EINVAL;
    while (done < r.len) {
        size_t n = log_ring_read(&r.offset, chunk,
                                 r.len - done < sizeof(chunk) ? r.len - done
                                                              : sizeof(chunk),
                                 &skipped);

        lost += skipped;
        if (!n)
            break;
        if (guestmem_write(gva_init(r.buf + done), chunk, n))
            return -CARAPACE_EFAULT;
        done += n;
    }
    r.len = done;
    r.lost = lost;
    return guestmem_write(gva_init(va), &r, sizeof(r)) ? -CARAPACE_EFAULT : 0;
}

/* Fault injection (frame.h): report the count since the last call, then
 * arm anew. The report is written first, so -EFAULT arms nothing. */
static long domctl_fault_inject(struct vcpu *v, uint64_t va)
{
    struct domctl_fault_inject f;
    struct frame_fault was;

    (void)v;
    if (guestmem_read(&f, gva_init(va), sizeof(f)))
        return -CARAPACE_EFAULT;
    if (f.allocs || f.fired || f.pad)
        return -CARAPACE_EINVAL;
    frame_fault_get(&was);
    f.allocs = was.allocs;
    f.fired = was.fired;
    if (guestmem_write(gva_init(va), &f, sizeof(f)))
        return -CARAPACE_EFAULT;
    frame_fault_arm(f.countdown);
    return 0;
}

/* Slot DOMCTL_<name> holds domctl_<name>. */
static long (*const domctl_op[])(struct vcpu *, uint64_t) = {
    [DOMCTL_getdomaininfo] = domctl_getdomaininfo,
    [DOMCTL_createdomain] = domctl_createdomain,
    [DOMCTL_populate] = domctl_populate,
    [DOMCTL_release] = domctl_release,
    [DOMCTL_getp2m] = domctl_getp2m,
    [DOMCTL_write_memory] = domctl_write_memory,
    [DOMCTL_console_setup] = domctl_console_setup,
    [DOMCTL_setvcpucontext] = domctl_setvcpucontext,
    [DOMCTL_pause] = domctl_pause,
    [DOMCTL_unpause] = domctl_unpause,
    [DOMCTL_destroy] = domctl_destroy,
    [DOMCTL_shutdown] = domctl_shutdown,
    [DOMCTL_physinfo] = domctl_physinfo,
    [DOMCTL_readlog] = domctl_readlog,
    [DOMCTL_set_max_mem] = domctl_set_max_mem,
    [DOMCTL_fault_inject] = domctl_fault_inject,
    [DOMCTL_copy] = domctl_copy,
};

long hypercall_domctl(struct vcpu *v, const uint64_t a[5])
{
    if (!(v->domain->flags & DOMAIN_F_PRIVILEGED))
        return -CARAPACE_EPERM;
    if (a[0] >= sizeof(domctl_op) / sizeof(domctl_op[0]) || !domctl_op[a[0]])
        return -CARAPACE_ENOSYS;
    return domctl_op[a[0]](v, a[1]);
}
