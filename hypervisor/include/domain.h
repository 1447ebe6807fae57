/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Domains and their vCPUs. One vCPU per domain for now; per-vCPU state is
 * kept per vCPU all the same, so that SMP can come later.
 *
 * Locking: the hypervisor is not preemptible and runs on one CPU, with
 * interrupts off outside the idle loop, so the domain table and domain
 * state are guarded by that for now. SMP will put domain_lock around them.
 */
#ifndef CARAPACE_DOMAIN_H
#define CARAPACE_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/vcpu.h>
#include <carapace/shared.h>

#include "addr.h"
#include "timerq.h"

#define DOMAIN_MAX          32768
#define DOMAIN_NAME_MAX     32
#define DOMAIN_F_PRIVILEGED 0x1 /* may use domain-control hypercalls */
#define DOMAIN_F_KEEP       0x2 /* the toolstack's: kept when it stops */
#define DOMAIN_F_HVM        0x4 /* runs under SVM (arch_hvm_*), not pv */
#define DOMAIN_F_TRAP       0x8 /* trap-and-emulate (arch_trapvm_*) */

enum domain_state {
    DOMAIN_ACTIVE,   /* running or blocked, as its vCPU is */
    DOMAIN_PAUSED,   /* stopped by the toolstack */
    DOMAIN_SHUTDOWN, /* asked to stop (poweroff, reboot) */
    DOMAIN_CRASHED,  /* stopped by the hypervisor, or asked to (crash) */
    DOMAIN_DYING,    /* being torn down */
};

enum vcpu_state {
    VCPU_RUNNABLE, /* on the run queue, or running */
    VCPU_BLOCKED,  /* waiting for an event */
    VCPU_DOWN,     /* not to run again (domain stopped) */
};

struct domain;

struct vcpu {
    struct domain *domain;
    unsigned id;
    enum vcpu_state state;
    uint64_t timer_deadline; /* system time in ns; 0 = no timer */
    uint64_t poll_deadline;  /* SCHED_poll's wake-up time; 0 = none */
    uint64_t cpu_time_ns;    /* time spent running */
    uint64_t entries;        /* pv: times it entered the hypervisor */
    uint64_t run_start_ns;   /* when it last started running */
    struct vcpu *runq_next;  /* sched.c's run queue link */
    bool on_runq;
    bool boosted; /* sched.c: woken from blocked, no full tick run since */
    /* In sched.c's timer queue while it has a deadline (sched_deadlines);
     * timer_defer links the due ones it could not end (paused). */
    struct timerq_node timer_node;
    struct vcpu *timer_defer;
    struct arch_vcpu arch;
};

struct domain {
    uint32_t id;
    char name[DOMAIN_NAME_MAX];
    uint32_t flags; /* DOMAIN_F_* */
    enum domain_state state;
    unsigned shutdown_reason; /* SHUTDOWN_* once stopped */
    uint64_t nr_frames;       /* guest frames 0 .. nr_frames - 1 */
    uint64_t max_frames;      /* limit for DOMCTL_populate */
    mfn_t p2m_dir;            /* p2m.c: the hypervisor's gfn -> mfn map, */
    mfn_t *p2m_small;         /* or, for a small domain, one array (kmem) */
    uint32_t p2m_small_cap;   /* of this many entries */
    bool started;             /* its vCPU context is set: memory is live */
    mfn_t shared_mfn;
    struct shared_info *shared; /* in the direct map */
    uint64_t hypercalls;
    uint64_t created_ns;          /* system time at domain_create */
    uint32_t console_budget;      /* bytes it may write now (console.c) */
    uint64_t console_tick;        /* timer tick of the last budget refill */
    struct domain *reap_next;     /* domain.c's list of stopped domains */
    struct domain *next;          /* all domains, in id order (domain_first) */
    struct domain *name_next;     /* domain.c's name hash chain */
    struct grant_domain *grant;   /* grant tables (grant.c), or NULL */
    struct evtchn_domain *evtchn; /* its ports (evtchn.c); NULL: none yet */
    uint32_t evtchn_nr;           /* ... 1 .. evtchn_nr - 1 in that table */
    uint32_t console_port;        /* its end of the console channel (domU) */
    uint32_t console_gref;        /* grant ref of its console ring, for dom0 */
    gfn_t console_gfn;            /* its console ring page (domU) */
    struct vcpu vcpu[1];
};

/* A new domain with no memory yet, in *out. 0, -EINVAL (id past
 * DOMAIN_MAX), -EEXIST (id taken) or -ENOMEM. */
int domain_create(uint32_t id, const char *name, uint32_t flags,
                  struct domain **out);
struct domain *domain_get(uint32_t id);
/* The domain called name, or NULL. */
struct domain *domain_find_name(const char *name);
/* The lowest id from 1 up that no domain has, or DOMAIN_MAX if none. */
uint32_t domain_free_id(void);
/* Every domain in id order: for (d = domain_first(); d; d = d->next). */
struct domain *domain_first(void);
/* Stop the domain for good: reason is a SHUTDOWN_* value. */
void domain_shutdown(struct domain *d, unsigned reason);
/* Crash the domain with a report; the registers may be NULL. */
void domain_crash(struct domain *d, const struct cpu_regs *regs,
                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Stop scheduling d (it keeps its state) / let it run again. */
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
/* Destroy d now, from outside it (the toolstack). */
void domain_kill(struct domain *d);
/* Make guest frame m d's shared-info page (events masked, time set); it is
 * held as writable memory (never a page table) until d is destroyed. 0, or
 * -EPERM / -EBUSY (not d's frame, or a page table). */
int domain_set_shared(struct domain *d, mfn_t m);
/* d has no shared-info page any more (its hold is released). */
void domain_clear_shared(struct domain *d);
/* Raise VIRQ_* virq on the domain's vCPU 0 and wake it. */
void domain_virq(struct domain *d, unsigned virq);
/* Release every frame and the domain itself. */
void domain_destroy(struct domain *d);
/* Destroy the domUs that have stopped, except the one whose vCPU is
 * `running` (its page tables may still be live): the scheduler calls this
 * after every switch. */
void domain_reap(const struct vcpu *running);
const char *domain_state_name(const struct domain *d);

#endif /* CARAPACE_DOMAIN_H */
