/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The timer queue: vCPUs with a deadline (a one-shot timer or a
 * SCHED_poll), in a binary min-heap by the earliest, so that the timer
 * interrupt looks only at what is due, never at every domain (issue 14:
 * the scheduler stays O(due) per tick with 10,000 domains). Generic code,
 * unit-tested on the host (tests/unit/timerq_test.c).
 *
 * A node is embedded in what it queues (struct vcpu's timer_node);
 * the caller owns the heap array. Not locked: the hypervisor runs on one
 * CPU with interrupts off (domain.h).
 */
#ifndef CARAPACE_TIMERQ_H
#define CARAPACE_TIMERQ_H

#include <stdint.h>

struct timerq_node {
    uint64_t key; /* the deadline; 0: not queued */
    unsigned pos; /* index in the heap + 1; 0: not queued */
};

struct timerq {
    struct timerq_node **heap;
    unsigned n, cap;
};

/* Queue n at key, move it there, or (key 0) take it out. -1 if the heap
 * is full (a node more than cap), else 0. */
int timerq_set(struct timerq *q, struct timerq_node *n, uint64_t key);
/* The node with the earliest key, or NULL. */
struct timerq_node *timerq_first(const struct timerq *q);

#endif /* CARAPACE_TIMERQ_H */
