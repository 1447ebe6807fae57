/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scheduling: round robin over runnable vCPUs, one time slice each, behind
 * struct sched_policy. The CPU idles (hlt, interrupts on) when nothing can
 * run. The hypervisor is not preemptible: decisions happen on the way out
 * to a guest (sched_run) and in the timer tick, with interrupts off, which
 * is what guards the run queue and sched_cur on this one CPU.
 */
#include <stddef.h>

#include <carapace/shared.h>

#include "arch.h"
#include "domain.h"
#include "frame.h"
#include "panic.h"
#include "sched.h"
#include "timerq.h"

/* Every vCPU with a deadline, by the earliest (one vCPU per domain). */
static struct timerq_node *sched_timer_heap[DOMAIN_MAX];
static struct timerq sched_tq = {sched_timer_heap, 0, DOMAIN_MAX};

/* --- Round robin ------------------------------------------------------- */

static struct vcpu *rr_head, *rr_tail;

static void rr_enqueue(struct vcpu *v)
{
    if (v->on_runq)
        return;
    v->on_runq = true;
    v->runq_next = NULL;
    if (rr_tail)
        rr_tail->runq_next = v;
    else
        rr_head = v;
    rr_tail = v;
}

static void rr_dequeue(struct vcpu *v)
{
    struct vcpu **pp = &rr_head, *prev = NULL;

    if (!v->on_runq)
        return;
    while (*pp && *pp != v) {
        prev = *pp;
        pp = &(*pp)->runq_next;
    }
    if (*pp) {
        *pp = v->runq_next;
        if (rr_tail == v)
            rr_tail = prev;
    }
    v->on_runq = false;
}

static struct vcpu *rr_pick(void)
{
    struct vcpu *v = rr_head;

    if (v)
        rr_dequeue(v);
    return v;
}

static bool rr_has_waiting(void)
{
    return rr_head != NULL;
}

static const struct sched_policy sched_round_robin = {
    .name = "round-robin",
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick = rr_pick,
    .has_waiting = rr_has_waiting,
};

/* --- Generic part ------------------------------------------------------ */

static const struct sched_policy *sched_policy = &sched_round_robin;
static struct vcpu *sched_cur; /* running vCPU; NULL while idle */
static bool sched_need_resched;
static unsigned sched_slice_left;
static uint64_t sched_preempt_at; /* a wake-up's preemption, due then; 0 */

void sched_init(void)
{
    sched_cur = NULL;
}

struct vcpu *sched_current(void)
{
    return sched_cur;
}

/* A woken vCPU asks for the running one to be preempted: now if that one
 * has run SCHED_WAKE_RATELIMIT_NS since it was switched in, else once it
 * has (a timer deadline), so that two domains passing messages still
 * batch a few instead of switching at every one. */
static void sched_preempt_soon(void)
{
    uint64_t at = sched_cur->run_start_ns + SCHED_WAKE_RATELIMIT_NS;

    if (arch_time_ns() >= at) {
        sched_need_resched = true;
        return;
    }
    if (!sched_preempt_at || at < sched_preempt_at) {
        sched_preempt_at = at;
        arch_timer_kick(at);
    }
}

void sched_wake(struct vcpu *v)
{
    const bool was_blocked = v->state == VCPU_BLOCKED;

    /* Paused: a SCHED_poll keeps its deadline, so that sched_timers()
     * still ends it once the domain is unpaused. */
    if (v->state == VCPU_DOWN || v->domain->state != DOMAIN_ACTIVE)
        return;
    if (v->poll_deadline) { /* event delivery: requeue only if it polled */
        v->poll_deadline = 0;
        sched_deadlines(v);
    }
    v->state = VCPU_RUNNABLE;
    v->boosted |= was_blocked;
    if (v == sched_cur)
        return;
    sched_policy->enqueue(v);
    /* A vCPU that waited for an event (a back end such as dom0's console
     * server, an I/O-bound guest) should not wait out the slice of one
     * that computes: that one is preempted (sched_preempt_soon) and goes
     * to the back of the queue. Two boosted vCPUs (woken, no tick run
     * since) do not preempt each other; the queue's order stays round
     * robin, so this shortens slices but starves nobody. */
    if (v->boosted && sched_cur && !sched_cur->boosted)
        sched_preempt_soon();
}

void sched_block(struct vcpu *v)
{
    if (v->state == VCPU_RUNNABLE)
        v->state = VCPU_BLOCKED;
    sched_policy->dequeue(v);
}

void sched_pause(struct vcpu *v)
{
    sched_policy->dequeue(v);
}

void sched_stop(struct vcpu *v)
{
    v->state = VCPU_DOWN;
    v->timer_deadline = 0;
    v->poll_deadline = 0;
    sched_deadlines(v);
    sched_policy->dequeue(v);
}

void sched_deadlines(struct vcpu *v)
{
    uint64_t t = v->timer_deadline, p = v->poll_deadline;
    uint64_t key = !t ? p : !p ? t : t < p ? t : p;

    /* One node per vCPU and room for DOMAIN_MAX: it cannot be full. */
    if (timerq_set(&sched_tq, &v->timer_node, key))
        panic("timer queue full with %u vCPUs", sched_tq.n);
}

/* Fire the one-shot timers that are due (HC_set_timer) and end the
 * SCHED_polls whose time is up (a wake-up with no event); return the
 * earliest deadline still to come (UINT64_MAX: none). Only the due vCPUs
 * are looked at. A paused domain's poll stays due: it is left out of the
 * queue until domain_unpause requeues it. */
static uint64_t sched_timers(uint64_t now)
{
    struct timerq_node *n;
    struct vcpu *defer = NULL;

    while ((n = timerq_first(&sched_tq)) && n->key <= now) {
        struct vcpu *v =
            (struct vcpu *)((char *)n - offsetof(struct vcpu, timer_node));

        timerq_set(&sched_tq, n, 0);
        if (v->poll_deadline && v->poll_deadline <= now)
            sched_wake(v);
        if (v->timer_deadline && v->timer_deadline <= now) {
            v->timer_deadline = 0;
            domain_virq(v->domain, VIRQ_TIMER);
        }
        if (v->poll_deadline && v->poll_deadline <= now) {
            v->timer_defer = defer; /* paused: sched_wake left it */
            defer = v;
        }
    }
    for (; defer; defer = defer->timer_defer) {
        uint64_t t = defer->timer_deadline;

        if (t) /* its timer still counts; the poll waits for unpause */
            timerq_set(&sched_tq, &defer->timer_node, t);
    }
    n = timerq_first(&sched_tq);
    return n ? n->key : UINT64_MAX;
}

/* A tick: the running vCPU spends one unit of its slice. Once the slice
 * is used up it stays used up, so that the vCPU is preempted at the first
 * tick at which another one waits, however long it has run alone: a
 * slice that only ran out while nobody waited must not protect it. */
static void sched_tick(void)
{
    if (!sched_cur)
        return;
    sched_cur->boosted = false; /* it computes: no longer preempts */
    if (sched_slice_left)
        sched_slice_left--;
    if (!sched_slice_left && sched_policy->has_waiting())
        sched_need_resched = true;
}

uint64_t sched_timer_interrupt(uint64_t now, bool tick)
{
    uint64_t next = sched_timers(now);

    if (sched_preempt_at && sched_preempt_at <= now) {
        sched_preempt_at = 0;
        if (sched_policy->has_waiting())
            sched_need_resched = true;
    }
    if (tick)
        sched_tick();
    return sched_preempt_at && sched_preempt_at < next ? sched_preempt_at
                                                       : next;
}

void sched_yield(void)
{
    if (sched_policy->has_waiting())
        sched_need_resched = true;
}

static struct vcpu *sched_pick_next(void)
{
    struct vcpu *cur = sched_cur, *next;
    bool cur_ok = cur && cur->state == VCPU_RUNNABLE;

    if (cur_ok && !sched_need_resched)
        return cur;
    sched_need_resched = false;
    next = sched_policy->pick();
    if (!next)
        return cur_ok ? cur : NULL;
    if (cur_ok)
        sched_policy->enqueue(cur);
    return next;
}

void sched_run(void)
{
    for (;;) {
        struct vcpu *next = sched_pick_next();
        uint64_t now = arch_time_ns();

        if (next != sched_cur) {
            if (sched_cur)
                sched_cur->cpu_time_ns += now - sched_cur->run_start_ns;
            arch_vcpu_switch(sched_cur, next);
            sched_cur = next;
            if (next)
                next->run_start_ns = now;
            sched_slice_left = SCHED_SLICE_TICKS;
            sched_preempt_at = 0; /* it was for the vCPU switched away */
            domain_reap(next);
        }
        if (next) {
            arch_return_to_guest(); /* returns if next could not run */
            continue;
        }
        /* Nothing to run: zero freed frames (frame.c, "Scrubbing") a
         * couple at a time, taking pending interrupts in between, and
         * sleep only once none is dirty. Under -icount sleep=off a hlt
         * costs no time but scrubbing does: a deadline that comes due
         * meanwhile is served at most one batch late. */
        if (frame_scrub(SCHED_SCRUB_BATCH))
            arch_irq_window();
        else
            arch_idle();
    }
}
