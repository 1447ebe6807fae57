/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The timer queue (hypervisor/common/timerq.c) against a plain array:
 * random sets, moves and removals of 200 nodes; after each, the first
 * node has the smallest key of the model, every node's position points
 * back at it, and the heap order holds everywhere. Then the edges: an
 * empty queue, a full one refusing one more, removing what is not queued.
 */
#include <stdlib.h>

#include "check.h"
#include "timerq.h"

#define NODES 200

static struct timerq_node nodes[NODES];
static struct timerq_node *heap[NODES];
static uint64_t model[NODES]; /* 0: not queued */

static int heap_ok(const struct timerq *q)
{
    for (unsigned i = 0; i < q->n; i++) {
        if (q->heap[i]->pos != i + 1 || !q->heap[i]->key)
            return 0;
        if (i && q->heap[(i - 1) / 2]->key > q->heap[i]->key)
            return 0;
    }
    return 1;
}

static uint64_t model_min(unsigned *count)
{
    uint64_t m = 0;

    *count = 0;
    for (unsigned i = 0; i < NODES; i++) {
        if (!model[i])
            continue;
        (*count)++;
        if (!m || model[i] < m)
            m = model[i];
    }
    return m;
}

static void random_ops(struct timerq *q)
{
    unsigned bad_order = 0, bad_min = 0, bad_count = 0;

    srand(1414);
    for (int step = 0; step < 20000; step++) {
        unsigned i = (unsigned)rand() % NODES, count;
        /* A third of the operations remove; keys collide on purpose. */
        uint64_t key = rand() % 3 ? 1 + (uint64_t)(rand() % 500) : 0;
        uint64_t min;
        const struct timerq_node *first;

        CHECK_EQ(timerq_set(q, &nodes[i], key), 0);
        model[i] = key;
        min = model_min(&count);
        first = timerq_first(q);
        bad_order += !heap_ok(q);
        bad_count += q->n != count;
        bad_min += min ? !first || first->key != min : first != NULL;
    }
    CHECK_EQ(bad_order, 0);
    CHECK_EQ(bad_count, 0);
    CHECK_EQ(bad_min, 0);
    for (unsigned i = 0; i < NODES; i++)
        CHECK_EQ(nodes[i].pos != 0, model[i] != 0);
}

static void edges(void)
{
    struct timerq_node a = {0}, b = {0}, *two[1];
    struct timerq q = {two, 0, 1};

    CHECK(timerq_first(&q) == NULL);
    CHECK_EQ(timerq_set(&q, &a, 0), 0); /* not queued: nothing to do */
    CHECK_EQ(q.n, 0);
    CHECK_EQ(timerq_set(&q, &a, 7), 0);
    CHECK_EQ(timerq_set(&q, &b, 3), -1); /* full */
    CHECK_EQ(b.pos, 0);
    CHECK_EQ(timerq_set(&q, &a, 9), 0); /* moving needs no room */
    CHECK(timerq_first(&q) == &a);
    CHECK_EQ(a.key, 9);
    CHECK_EQ(timerq_set(&q, &a, 0), 0);
    CHECK(timerq_first(&q) == NULL);
    CHECK_EQ(a.pos, 0);
}

int main(void)
{
    struct timerq q = {heap, 0, NODES};

    random_ops(&q);
    edges();
    return check_finish();
}
