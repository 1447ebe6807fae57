/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The scheduler (kernel/sched.c): round-robin over runnable processes
 * with a 10 ms slice. It runs on the boot stack; processes switch to it
 * and it switches to the next one (each has its own kernel stack).
 */
#ifndef GK_SCHED_H
#define GK_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#define SCHED_SLICE_NS 10000000ULL

__attribute__((noreturn)) void sched_run(void);
void sched_yield(void);             /* the current process stays runnable */
void sched_sleep(const void *chan); /* until sched_wakeup(chan) */
void sched_wakeup(const void *chan);
/* Sleeps until system time deadline_ns (within a tick), or a kill. */
void sched_sleep_until(uint64_t deadline_ns);
void sched_events(void); /* take and handle pending events */
bool sched_need_resched(void);
uint64_t sched_uptime_ns(void);
void sched_init(void);

#endif /* GK_SCHED_H */
