/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Domains: creation, the domain table, shutdown, crash and teardown. A
 * domain that misbehaves is crashed alone, with a one-screen report; only
 * dom0's end stops the machine (as a poweroff, reboot or crash, so that the
 * exit status tells which).
 */
#include <stdarg.h>
#include <string.h>

#include <carapace/errno.h>
#include <carapace/mmu.h>
#include <carapace/sched.h>

#include "arch.h"
#include "domain.h"
#include "evtchn.h"
#include "format.h"
#include "frame.h"
#include "grant.h"
#include "kmem.h"
#include "log.h"
#include "m2p.h"
#include "p2m.h"
#include "panic.h"
#include "sched.h"

_Static_assert(sizeof(struct domain) <= KMEM_SLAB_MAX, "two domains a frame");
_Static_assert(DOMAIN_MAX <= FRAME_COUNTED_OWNERS, "frames counted per id");

static struct domain *domain_table[DOMAIN_MAX];
/* Every id below it is taken (ids 1 up: dom0 is made by the boot code):
 * where the search for a free id starts, so that making the 10,000th
 * domain does not look at the 9,999 before it. */
static uint32_t domain_free_hint = 1;
/* domUs that have stopped and wait for domain_reap (linked by reap_next). */
static struct domain *domain_reap_list;
/* Every domain, in id order (linked by next): what walks all domains
 * (timers every tick, domctl) pays for those that exist, not for 1024. */
static struct domain *domain_list;
static struct domain *domain_list_tail; /* its last: ids mostly grow */
/* Names, hashed (linked by name_next): a create's "name taken?" check
 * looks at one bucket, not at every domain. */
#define DOMAIN_NAME_BUCKETS 4096
static struct domain *domain_names[DOMAIN_NAME_BUCKETS];

static unsigned domain_name_hash(const char *name)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *name; name++)
        h = (h ^ (uint8_t)*name) * 16777619u;
    return h % DOMAIN_NAME_BUCKETS;
}

struct domain *domain_find_name(const char *name)
{
    struct domain *d = domain_names[domain_name_hash(name)];

    while (d && strcmp(d->name, name) != 0)
        d = d->name_next;
    return d;
}

static void domain_name_del(struct domain *d)
{
    struct domain **pp = &domain_names[domain_name_hash(d->name)];

    while (*pp && *pp != d)
        pp = &(*pp)->name_next;
    if (*pp)
        *pp = d->name_next;
}

struct domain *domain_get(uint32_t id)
{
    return id < DOMAIN_MAX ? domain_table[id] : NULL;
}

uint32_t domain_free_id(void)
{
    uint32_t id = domain_free_hint;

    while (id < DOMAIN_MAX && domain_table[id])
        id++;
    domain_free_hint = id;
    return id;
}

struct domain *domain_first(void)
{
    return domain_list;
}

static void domain_list_add(struct domain *d)
{
    struct domain **pp = &domain_list;
    unsigned h = domain_name_hash(d->name);

    d->name_next = domain_names[h];
    domain_names[h] = d;
    if (domain_list_tail && domain_list_tail->id < d->id)
        pp = &domain_list_tail->next; /* the usual case: at the end */
    while (*pp && (*pp)->id < d->id)
        pp = &(*pp)->next;
    d->next = *pp;
    *pp = d;
    if (!d->next)
        domain_list_tail = d;
}

static void domain_list_del(struct domain *d)
{
    struct domain **pp = &domain_list, *prev = NULL;

    domain_name_del(d);
    while (*pp && *pp != d) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (*pp)
        *pp = d->next;
    if (domain_list_tail == d)
        domain_list_tail = prev;
}

/* Tell dom0 that another domain came, stopped or went (VIRQ_DOM_EXC). */
static void domain_exc(const struct domain *d)
{
    struct domain *dom0 = domain_get(0);

    if (d->id != 0 && dom0 && dom0 != d)
        evtchn_virq(dom0, VIRQ_DOM_EXC);
}

int domain_create(uint32_t id, const char *name, uint32_t flags,
                  struct domain **out)
{
    struct domain *d;

    if (id >= DOMAIN_MAX)
        return -CARAPACE_EINVAL;
    if (domain_table[id])
        return -CARAPACE_EEXIST;
    d = kmem_alloc(sizeof(*d)); /* zeroed */
    if (!d)
        return -CARAPACE_ENOMEM;
    d->id = id;
    d->created_ns = arch_time_ns();
    format_snprintf(d->name, sizeof(d->name), "%s", name);
    d->flags = flags;
    d->state = DOMAIN_ACTIVE;
    d->shared_mfn = mfn_init(INVALID_MFN_VAL);
    d->p2m_dir = mfn_init(INVALID_MFN_VAL);
    d->vcpu[0].domain = d;
    d->vcpu[0].state = VCPU_BLOCKED; /* until the builder is done */
    domain_table[id] = d;
    domain_list_add(d);
    domain_exc(d);
    *out = d;
    return 0;
}

void domain_virq(struct domain *d, unsigned virq)
{
    evtchn_virq(d, virq); /* its bound port, else the pending_virqs bit */
}

const char *domain_state_name(const struct domain *d)
{
    static const char *const names[] = {"active", "paused", "shutdown",
                                        "crashed", "dying"};

    if (d->state == DOMAIN_ACTIVE)
        return d->vcpu[0].state == VCPU_BLOCKED ? "blocked" : "running";
    return names[d->state];
}

static void domain_stop(struct domain *d, enum domain_state state,
                        unsigned reason)
{
    static const char *const reasons[] = {"poweroff", "reboot", "crash"};

    d->state = state;
    d->shutdown_reason = reason;
    sched_stop(&d->vcpu[0]);
    log_info("Domain %u (%s): %s\n", d->id, d->name,
             state == DOMAIN_CRASHED ? "crashed" : reasons[reason]);
    if (d->id != 0) {
        domain_exc(d);
        if (d->flags & DOMAIN_F_KEEP)
            return; /* the toolstack decides (on_poweroff, on_crash) */
        /* Boot-time domains: nobody else would reclaim them. */
        d->reap_next = domain_reap_list;
        domain_reap_list = d;
        return;
    }
    /* dom0 is the machine: its end is the machine's. */
    if (state == DOMAIN_CRASHED || reason == SHUTDOWN_crash)
        arch_exit(ARCH_EXIT_DOM0_CRASH);
    arch_exit(reason == SHUTDOWN_reboot ? ARCH_EXIT_REBOOT
                                        : ARCH_EXIT_POWEROFF);
}

void domain_shutdown(struct domain *d, unsigned reason)
{
    if (reason == SHUTDOWN_crash) {
        domain_crash(d, NULL, "it asked to (shutdown crash)");
        return;
    }
    domain_stop(d, DOMAIN_SHUTDOWN, reason);
}

void domain_crash(struct domain *d, const struct cpu_regs *regs,
                  const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    format_vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    log_err("Domain %u (%s) crashed: %s\n", d->id, d->name, why);
    if (regs)
        arch_vcpu_dump(&d->vcpu[0], regs);
    domain_stop(d, DOMAIN_CRASHED, SHUTDOWN_crash);
}

/* Free what d still owns: its memory through its p2m, then, only if the
 * frame counts say something is left (an hvm domain's nested tables, a
 * frame another domain still held), by a search of the frame table. */
static uint64_t domain_free_frames(struct domain *d)
{
    uint64_t n = frame_table_size(), freed = 0;

    for (uint64_t g = 0; g < d->nr_frames; g++) {
        mfn_t m = p2m_get(d, gfn_init(g));
        const struct frame *f = frame_get(m);

        if (f && f->owner == d->id && frame_free(m, 0) == 0) {
            m2p_clear(m);
            freed++;
        }
    }
    if (frame_count_owned(d->id) == 0)
        return freed;
    for (uint64_t i = 0; i < n; i++) {
        struct frame *f = frame_get(mfn_init(i));

        if (f && f->owner == d->id && frame_free(mfn_init(i), 0) == 0) {
            m2p_clear(mfn_init(i));
            freed++;
        }
    }
    return freed;
}

void domain_destroy(struct domain *d)
{
    uint64_t freed;
    int busy;

    if (d->flags & DOMAIN_F_HVM)
        arch_hvm_report(&d->vcpu[0]);
    d->state = DOMAIN_DYING;
    evtchn_domain_destroy(d); /* peers' ports become unbound */
    sched_stop(&d->vcpu[0]);
    grant_domain_destroy(d); /* its mappings pin its L1s; orphans */
    domain_clear_shared(d);
    arch_vcpu_release(&d->vcpu[0]);
    busy = arch_domain_release_memory(d);
    freed = grant_domain_release(d);
    freed += domain_free_frames(d);
    p2m_free(d);
    log_info("Domain %u (%s) destroyed: %lu frames freed, %d still in use\n",
             d->id, d->name, freed, busy);
    domain_table[d->id] = NULL;
    if (d->id && d->id < domain_free_hint)
        domain_free_hint = d->id;
    domain_list_del(d);
    domain_exc(d);
    kmem_free(d, sizeof(*d));
}

void domain_reap(const struct vcpu *running)
{
    struct domain **pp = &domain_reap_list;

    while (*pp) {
        struct domain *d = *pp;

        if (running && running->domain == d) {
            pp = &d->reap_next;
            continue;
        }
        *pp = d->reap_next;
        domain_destroy(d);
    }
}

void domain_pause(struct domain *d)
{
    if (d->state != DOMAIN_ACTIVE)
        return;
    d->state = DOMAIN_PAUSED;
    sched_pause(&d->vcpu[0]);
    domain_exc(d);
}

void domain_unpause(struct domain *d)
{
    struct vcpu *v = &d->vcpu[0];

    if (d->state != DOMAIN_PAUSED)
        return;
    d->state = DOMAIN_ACTIVE;
    sched_deadlines(v); /* a poll that came due while paused */
    /* An event that came while paused could not wake it: look again. */
    if (v->state == VCPU_RUNNABLE ||
        (d->shared && d->shared->vcpu[v->id].upcall_pending))
        sched_wake(v);
    domain_exc(d);
}

void domain_kill(struct domain *d)
{
    for (struct domain **pp = &domain_reap_list; *pp; pp = &(*pp)->reap_next)
        if (*pp == d) {
            *pp = d->reap_next;
            break;
        }
    domain_destroy(d);
}

int domain_set_shared(struct domain *d, mfn_t m)
{
    /* The hypervisor writes this page (event bits, cr2, time): held as
     * writable memory for the domain's life, it never becomes a table. */
    int err = arch_grant_table_hold(d->id, m, true);

    if (err)
        return err;
    if (d->shared)
        arch_grant_table_hold(d->id, d->shared_mfn, false);
    d->shared_mfn = m;
    d->shared = mfn_to_virt(m);
    d->shared->vcpu[0].upcall_mask = 1; /* events masked at start */
    arch_vcpu_time_update(&d->shared->vcpu[0].time);
    return 0;
}

void domain_clear_shared(struct domain *d)
{
    if (!d->shared)
        return;
    arch_grant_table_hold(d->id, d->shared_mfn, false);
    d->shared = NULL;
    d->shared_mfn = mfn_init(INVALID_MFN_VAL);
}
