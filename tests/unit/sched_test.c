/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the scheduler (hypervisor/common/sched.c, included, with
 * timerq.c) on the host: round robin order and slices, the boost a vCPU
 * woken from blocked gets (it preempts a computing one at once after
 * SCHED_WAKE_RATELIMIT_NS of its run, else at that time; two boosted ones
 * do not preempt each other; a tick ends the boost), one-shot timers and
 * polls through the timer queue, a paused domain's poll left for later,
 * and the idle loop's scrubbing before it sleeps. sched_run never returns:
 * the fake arch_return_to_guest and arch_idle jump back to the test.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../hypervisor/common/sched.c"
#include "check.h"

#define NV 4

static struct domain doms[NV];
static uint64_t now_ns;     /* arch_time_ns() */
static uint64_t kicked_at;  /* the last arch_timer_kick() */
static unsigned virqs[NV];  /* VIRQ_TIMER raised per domain */
static unsigned scrub_left; /* frame_scrub() batches still dirty */
static unsigned idles;
static jmp_buf back; /* where the fakes below leave sched_run for */

uint64_t arch_time_ns(void)
{
    return now_ns;
}

void arch_timer_kick(uint64_t deadline_ns)
{
    kicked_at = deadline_ns;
}

void arch_vcpu_switch(struct vcpu *prev, struct vcpu *next)
{
    (void)prev;
    (void)next;
}

void arch_return_to_guest(void)
{
    longjmp(back, 1); /* sched_cur is the one that "runs" */
}

void arch_irq_window(void)
{
}

void arch_idle(void)
{
    idles++;
    longjmp(back, 2);
}

void domain_reap(const struct vcpu *running)
{
    (void)running;
}

void domain_virq(struct domain *d, unsigned virq)
{
    if (virq == VIRQ_TIMER)
        virqs[d->id]++;
}

bool frame_scrub(unsigned max)
{
    (void)max;
    if (scrub_left)
        scrub_left--;
    return scrub_left != 0;
}

static struct vcpu *V(unsigned i)
{
    return &doms[i].vcpu[0];
}

/* One trip through sched_run: the vCPU it runs, or NULL if it idled. */
static struct vcpu *run(void)
{
    if (setjmp(back) == 0)
        sched_run();
    return sched_current();
}

static void reset(void)
{
    for (unsigned i = 0; i < NV; i++) {
        memset(&doms[i], 0, sizeof(doms[i]));
        doms[i].id = i;
        doms[i].state = DOMAIN_ACTIVE;
        doms[i].vcpu[0].domain = &doms[i];
        doms[i].vcpu[0].state = VCPU_BLOCKED;
        virqs[i] = 0;
    }
    rr_head = rr_tail = NULL;
    sched_cur = NULL;
    sched_need_resched = false;
    sched_preempt_at = 0;
    sched_tq.n = 0;
    now_ns = 1000;
    kicked_at = 0;
    idles = 0;
    scrub_left = 0;
}

static void test_round_robin(void)
{
    reset();
    CHECK(run() == NULL); /* nothing runnable: idle */
    CHECK_EQ(idles, 1);
    sched_wake(V(0));
    sched_wake(V(1));
    sched_wake(V(2));
    CHECK(run() == V(0));
    /* Ticks use up the slice; only then, with others waiting, it goes. */
    for (unsigned t = 0; t < SCHED_SLICE_TICKS - 1; t++) {
        sched_timer_interrupt(now_ns, true);
        CHECK(run() == V(0));
    }
    sched_timer_interrupt(now_ns, true);
    CHECK(run() == V(1));
    sched_yield(); /* others wait: V(1) gives way */
    CHECK(run() == V(2));
    sched_yield();
    CHECK(run() == V(0)); /* V(0) went to the back, now first again */
    sched_block(V(0));
    CHECK(run() == V(1));
    /* Blocked ones are never picked; a stopped one is gone for good. */
    sched_stop(V(2));
    sched_yield();
    CHECK(run() == V(1));
    sched_block(V(1));
    CHECK(run() == NULL);
}

static void test_boost(void)
{
    reset();
    sched_wake(V(0));
    CHECK(run() == V(0));
    sched_timer_interrupt(now_ns, true); /* V(0) computes: boost ends */
    CHECK(!V(0)->boosted);
    /* Woken from blocked, early in V(0)'s run: preempts it at
     * run_start + SCHED_WAKE_RATELIMIT_NS, not now. */
    now_ns = V(0)->run_start_ns + 10;
    sched_wake(V(1));
    CHECK(V(1)->boosted);
    CHECK_EQ(kicked_at, V(0)->run_start_ns + SCHED_WAKE_RATELIMIT_NS);
    CHECK(run() == V(0));
    now_ns = kicked_at;
    CHECK_EQ(sched_timer_interrupt(now_ns, false), UINT64_MAX);
    CHECK(run() == V(1));
    /* V(1) is boosted: V(2) woken now does not preempt it. */
    sched_wake(V(2));
    CHECK(!sched_need_resched && sched_preempt_at == 0);
    CHECK(run() == V(1));
    /* Late in a computing vCPU's run, a woken one preempts at once. */
    sched_timer_interrupt(now_ns, true); /* V(1) no longer boosted */
    sched_block(V(2));
    now_ns += SCHED_WAKE_RATELIMIT_NS + 1;
    sched_wake(V(3));
    CHECK(sched_need_resched);
    /* V(1) is preempted; the queue keeps its order (V(0), waiting since
     * V(1) preempted it, then V(3)): shorter slices, nobody starved. */
    CHECK(run() == V(0));
    sched_yield();
    CHECK(run() == V(3));
    /* A runnable vCPU woken again is not boosted by it. */
    V(1)->boosted = false;
    sched_wake(V(1));
    CHECK(!V(1)->boosted);
}

static void test_timers(void)
{
    reset();
    sched_wake(V(0));
    CHECK(run() == V(0));
    V(1)->timer_deadline = 5000;
    sched_deadlines(V(1));
    V(2)->poll_deadline = 3000;
    sched_deadlines(V(2));
    CHECK_EQ(sched_timer_interrupt(2000, false), 3000); /* nothing due */
    CHECK_EQ(sched_timer_interrupt(3000, false), 5000);
    CHECK(V(2)->state == VCPU_RUNNABLE && V(2)->poll_deadline == 0);
    CHECK_EQ(virqs[2], 0); /* a poll's end is a wake-up, not an event */
    CHECK_EQ(sched_timer_interrupt(6000, false), UINT64_MAX);
    CHECK_EQ(virqs[1], 1);
    CHECK(V(1)->timer_deadline == 0);
    /* Both on one vCPU: the earlier is its key. */
    V(3)->timer_deadline = 9000;
    V(3)->poll_deadline = 8000;
    sched_deadlines(V(3));
    CHECK_EQ(sched_timer_interrupt(7000, false), 8000);
    CHECK_EQ(sched_timer_interrupt(8000, false), 9000);
    CHECK(V(3)->state == VCPU_RUNNABLE);
    CHECK_EQ(sched_timer_interrupt(9000, false), UINT64_MAX);
    CHECK_EQ(virqs[3], 1);
}

static void test_paused_poll(void)
{
    reset();
    doms[1].state = DOMAIN_PAUSED;
    V(1)->poll_deadline = 2000;
    V(1)->timer_deadline = 4000;
    sched_deadlines(V(1));
    /* Due while paused: not woken, the poll kept for unpause, the timer
     * still queued. */
    CHECK_EQ(sched_timer_interrupt(2500, false), 4000);
    CHECK(V(1)->state == VCPU_BLOCKED && V(1)->poll_deadline == 2000);
    CHECK_EQ(sched_timer_interrupt(4000, false), UINT64_MAX);
    CHECK_EQ(virqs[1], 1);
    doms[1].state = DOMAIN_ACTIVE; /* domain_unpause requeues it */
    sched_deadlines(V(1));
    CHECK_EQ(sched_timer_interrupt(4001, false), UINT64_MAX);
    CHECK(V(1)->state == VCPU_RUNNABLE);
}

static void test_idle_scrubs(void)
{
    reset();
    scrub_left = 3; /* three batches of dirty frames, then sleep */
    CHECK(run() == NULL);
    CHECK_EQ(scrub_left, 0);
    CHECK_EQ(idles, 1);
}

int main(void)
{
    test_round_robin();
    test_boost();
    test_timers();
    test_paused_poll();
    test_idle_scrubs();
    return check_finish();
}
