/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The timer queue (timerq.h): an array heap of nodes, each knowing its
 * place, so that moving or removing one is O(log n).
 */
#include <stddef.h>

#include "timerq.h"

static void timerq_put(struct timerq *q, unsigned i, struct timerq_node *n)
{
    q->heap[i] = n;
    n->pos = i + 1;
}

static void timerq_up(struct timerq *q, unsigned i)
{
    struct timerq_node *n = q->heap[i];

    while (i > 0 && q->heap[(i - 1) / 2]->key > n->key) {
        timerq_put(q, i, q->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    timerq_put(q, i, n);
}

static void timerq_down(struct timerq *q, unsigned i)
{
    struct timerq_node *n = q->heap[i];

    for (;;) {
        unsigned c = 2 * i + 1;

        if (c >= q->n)
            break;
        if (c + 1 < q->n && q->heap[c + 1]->key < q->heap[c]->key)
            c++;
        if (q->heap[c]->key >= n->key)
            break;
        timerq_put(q, i, q->heap[c]);
        i = c;
    }
    timerq_put(q, i, n);
}

static void timerq_remove(struct timerq *q, struct timerq_node *n)
{
    unsigned i = n->pos - 1;
    struct timerq_node *last = q->heap[--q->n];

    n->pos = 0;
    n->key = 0;
    if (last == n)
        return;
    timerq_put(q, i, last);
    timerq_up(q, i);
    timerq_down(q, last->pos - 1);
}

int timerq_set(struct timerq *q, struct timerq_node *n, uint64_t key)
{
    if (!key) {
        if (n->pos)
            timerq_remove(q, n);
        return 0;
    }
    if (!n->pos) {
        if (q->n == q->cap)
            return -1;
        n->key = key;
        timerq_put(q, q->n++, n);
        timerq_up(q, q->n - 1);
        return 0;
    }
    n->key = key;
    timerq_up(q, n->pos - 1);
    timerq_down(q, n->pos - 1);
    return 0;
}

struct timerq_node *timerq_first(const struct timerq *q)
{
    return q->n ? q->heap[0] : NULL;
}
