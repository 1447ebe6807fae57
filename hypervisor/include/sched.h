/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduler: which runnable vCPU runs next. The policy sits behind
 * struct sched_policy so that a weighted one can replace round robin.
 */
#ifndef CARAPACE_SCHED_H
#define CARAPACE_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

struct sched_policy {
    const char *name;
    void (*enqueue)(struct vcpu *v); /* v became runnable */
    void (*dequeue)(struct vcpu *v); /* v stopped being runnable */
    struct vcpu *(*pick)(void);      /* next to run, removed from the queue */
    bool (*has_waiting)(void);       /* anyone queued? */
};

/* Time slice: the current vCPU is preempted after this many timer ticks
 * when another is waiting. */
#define SCHED_SLICE_TICKS 3
/* A vCPU woken from blocked preempts one that computes once that one
 * has run this long since it was switched in (sched.c, sched_wake). */
#define SCHED_WAKE_RATELIMIT_NS 50000
/* Frames the idle loop zeroes between two looks for interrupts. */
#define SCHED_SCRUB_BATCH 2

void sched_init(void);
struct vcpu *sched_current(void);
/* v may run (a new vCPU, or a blocked one woken by an event). */
void sched_wake(struct vcpu *v);
/* The current vCPU waits for an event. */
void sched_block(struct vcpu *v);
/* v will never run again. */
void sched_stop(struct vcpu *v);
/* v's timer_deadline or poll_deadline changed: requeue it in the timer
 * queue (the timer interrupt looks at the due vCPUs only). */
void sched_deadlines(struct vcpu *v);
/* From the timer interrupt: accounting, vCPU timers, preemption. */
/* The timer interrupt, at system time `now`; `tick` if a scheduler tick
 * (a time slice unit) has passed. Fires due guest timers; returns the
 * earliest guest deadline still to come (UINT64_MAX: none), for the next
 * timer interrupt. */
uint64_t sched_timer_interrupt(uint64_t now, bool tick);
/* Let the other runnable vCPUs run before the current one goes on. */
void sched_yield(void);
/* Take v off the run queue, keeping its state (its domain is paused). */
void sched_pause(struct vcpu *v);
/* Pick the next vCPU if needed, then run it; idles while none can run.
 * Never returns. */
__attribute__((noreturn)) void sched_run(void);

#endif /* CARAPACE_SCHED_H */
