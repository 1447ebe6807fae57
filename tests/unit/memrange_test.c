/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of memrange.c: hand-written cases for merging, splitting,
 * capacity and the top of the address space, then a randomized run checked
 * against a byte-per-address model.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include <errno.h>
#include "memrange.h"

/* Sorted, non-empty, and neither overlapping nor touching. */
static bool memrange_test_well_formed(const struct memrange_set *set)
{
    uint32_t i;

    if (set->count > MEMRANGE_MAX)
        return false;
    for (i = 0; i < set->count; i++) {
        if (set->ranges[i].start >= set->ranges[i].end)
            return false;
        if (i > 0 && set->ranges[i - 1].end >= set->ranges[i].start)
            return false;
    }
    return true;
}

/* Does range i of set equal [start, end)? */
static bool memrange_test_is(const struct memrange_set *set, uint32_t i,
                             uint64_t start, uint64_t end)
{
    const struct mem_range *r = memrange_get(set, i);

    return r && r->start == start && r->end == end;
}

static void memrange_test_add(void)
{
    struct memrange_set s;

    memrange_init(&s);
    CHECK_EQ(memrange_count(&s), 0);
    CHECK_EQ(memrange_total(&s), 0);
    CHECK_EQ(memrange_add(&s, 300, 400), 0);
    CHECK_EQ(memrange_add(&s, 100, 200), 0);
    CHECK_EQ(memrange_add(&s, 0, 50), 0);
    CHECK_EQ(memrange_count(&s), 3);
    CHECK(memrange_test_is(&s, 0, 0, 50));
    CHECK(memrange_test_is(&s, 1, 100, 200));
    CHECK(memrange_test_is(&s, 2, 300, 400));
    CHECK_EQ(memrange_total(&s), 50 + 100 + 100);

    /* Touching ranges merge: [200, 300) joins two into one. */
    CHECK_EQ(memrange_add(&s, 200, 300), 0);
    CHECK_EQ(memrange_count(&s), 2);
    CHECK(memrange_test_is(&s, 1, 100, 400));
    /* Overlapping several, extending both ends. */
    CHECK_EQ(memrange_add(&s, 40, 450), 0);
    CHECK_EQ(memrange_count(&s), 1);
    CHECK(memrange_test_is(&s, 0, 0, 450));
    /* Inside: nothing changes. */
    CHECK_EQ(memrange_add(&s, 10, 20), 0);
    CHECK(memrange_test_is(&s, 0, 0, 450));
    /* Empty is a no-op, reversed is an error. */
    CHECK_EQ(memrange_add(&s, 1000, 1000), 0);
    CHECK_EQ(memrange_count(&s), 1);
    CHECK_EQ(memrange_add(&s, 600, 500), -EINVAL);
    CHECK_EQ(memrange_count(&s), 1);
    CHECK(memrange_get(&s, 1) == NULL);
    CHECK(memrange_test_well_formed(&s));
}

static void memrange_test_remove(void)
{
    struct memrange_set s;

    memrange_init(&s);
    CHECK_EQ(memrange_add(&s, 0, 1000), 0);
    CHECK_EQ(memrange_remove(&s, 100, 200), 0); /* split */
    CHECK_EQ(memrange_count(&s), 2);
    CHECK(memrange_test_is(&s, 0, 0, 100));
    CHECK(memrange_test_is(&s, 1, 200, 1000));
    CHECK_EQ(memrange_remove(&s, 0, 50), 0); /* trim head */
    CHECK(memrange_test_is(&s, 0, 50, 100));
    CHECK_EQ(memrange_remove(&s, 900, 5000), 0); /* trim tail */
    CHECK(memrange_test_is(&s, 1, 200, 900));
    CHECK_EQ(memrange_total(&s), 50 + 700);

    CHECK_EQ(memrange_add(&s, 950, 980), 0);
    /* Across three ranges: trims the first, drops one, trims the last. */
    CHECK_EQ(memrange_remove(&s, 80, 960), 0);
    CHECK_EQ(memrange_count(&s), 2);
    CHECK(memrange_test_is(&s, 0, 50, 80));
    CHECK(memrange_test_is(&s, 1, 960, 980));
    /* Exactly a range; then a gap (no-op); then empty and reversed. */
    CHECK_EQ(memrange_remove(&s, 50, 80), 0);
    CHECK_EQ(memrange_count(&s), 1);
    CHECK_EQ(memrange_remove(&s, 0, 960), 0);
    CHECK(memrange_test_is(&s, 0, 960, 980));
    CHECK_EQ(memrange_remove(&s, 970, 970), 0);
    CHECK_EQ(memrange_remove(&s, 975, 965), -EINVAL);
    CHECK(memrange_test_is(&s, 0, 960, 980));
    CHECK_EQ(memrange_remove(&s, 0, UINT64_MAX), 0);
    CHECK_EQ(memrange_count(&s), 0);
}

static void memrange_test_capacity(void)
{
    struct memrange_set s, before;
    uint64_t i;

    memrange_init(&s);
    for (i = 0; i < MEMRANGE_MAX; i++)
        CHECK_EQ(memrange_add(&s, i * 100, i * 100 + 10), 0);
    CHECK_EQ(memrange_count(&s), MEMRANGE_MAX);
    before = s;
    /* A new disjoint range, or a split, needs a slot: refused, unchanged. */
    CHECK_EQ(memrange_add(&s, 50, 60), -ENOSPC);
    CHECK_EQ(memrange_add(&s, MEMRANGE_MAX * 100, MEMRANGE_MAX * 100 + 1),
             -ENOSPC);
    CHECK_EQ(memrange_remove(&s, 102, 105), -ENOSPC);
    CHECK(memcmp(&s, &before, sizeof(s)) == 0);
    /* Growing, trimming and bridging need no slot. */
    CHECK_EQ(memrange_add(&s, 10, 20), 0);
    CHECK_EQ(memrange_remove(&s, 200, 205), 0);
    CHECK_EQ(memrange_count(&s), MEMRANGE_MAX);
    CHECK_EQ(memrange_add(&s, 300, 400), 0); /* bridges 300.. and 400.. */
    CHECK_EQ(memrange_count(&s), MEMRANGE_MAX - 1);
    CHECK_EQ(memrange_add(&s, 50, 60), 0); /* now there is room */
    CHECK_EQ(memrange_count(&s), MEMRANGE_MAX);
    CHECK(memrange_test_well_formed(&s));
    CHECK_EQ(memrange_total(&s), MEMRANGE_MAX * 10 + 10 - 5 + 90 + 10);
}

static void memrange_test_find(void)
{
    struct memrange_set s;
    uint64_t a = 0;

    memrange_init(&s);
    CHECK_EQ(memrange_find(&s, 1, 1, UINT64_MAX, &a), -ENOMEM);
    CHECK_EQ(memrange_add(&s, 0x1000, 0x3000), 0);
    CHECK_EQ(memrange_add(&s, 0x10000, 0x20000), 0);

    CHECK_EQ(memrange_find(&s, 0x1000, 0x1000, UINT64_MAX, &a), 0);
    CHECK_EQ(a, 0x1000);
    CHECK_EQ(memrange_find(&s, 0x800, 0x2000, UINT64_MAX, &a), 0);
    CHECK_EQ(a, 0x2000);
    CHECK_EQ(memrange_find(&s, 0x1000, 0x4000, UINT64_MAX, &a), 0);
    CHECK_EQ(a, 0x10000);
    CHECK_EQ(memrange_find(&s, 0x2001, 1, UINT64_MAX, &a), 0);
    CHECK_EQ(a, 0x10000);
    CHECK_EQ(memrange_find(&s, 0x10000, 1, UINT64_MAX, &a), 0);
    CHECK_EQ(a, 0x10000);
    CHECK_EQ(memrange_find(&s, 0x10001, 1, UINT64_MAX, &a), -ENOMEM);

    /* The limit is inclusive of a + size. */
    CHECK_EQ(memrange_find(&s, 0x1000, 0x1000, 0x2000, &a), 0);
    CHECK_EQ(a, 0x1000);
    CHECK_EQ(memrange_find(&s, 0x1000, 0x1000, 0x1fff, &a), -ENOMEM);
    CHECK_EQ(memrange_find(&s, 0x3000, 1, 0x12fff, &a), -ENOMEM);
    CHECK_EQ(memrange_find(&s, 0x3000, 1, 0x13000, &a), 0);
    CHECK_EQ(a, 0x10000);
    CHECK_EQ(memrange_find(&s, 0x1000, 1, 0, &a), -ENOMEM);

    CHECK_EQ(memrange_find(&s, 0, 1, UINT64_MAX, &a), -EINVAL);
    CHECK_EQ(memrange_find(&s, 1, 0, UINT64_MAX, &a), -EINVAL);
    CHECK_EQ(memrange_find(&s, 1, 3, UINT64_MAX, &a), -EINVAL);
}

static void memrange_test_top(void)
{
    const uint64_t top = UINT64_MAX - 0x1fff; /* 0xffff...e000 */
    struct memrange_set s;
    uint64_t a = 0;

    memrange_init(&s);
    CHECK_EQ(memrange_add(&s, top, UINT64_MAX), 0);
    CHECK_EQ(memrange_total(&s), 0x1fff);
    CHECK(memrange_contains(&s, UINT64_MAX - 5, UINT64_MAX));
    CHECK(!memrange_contains(&s, top - 1, UINT64_MAX));
    CHECK(memrange_contains(&s, UINT64_MAX, UINT64_MAX));

    CHECK_EQ(memrange_find(&s, 0x1000, 0x1000, UINT64_MAX, &a), 0);
    CHECK_EQ(a, top);
    CHECK_EQ(memrange_find(&s, 0x1fff, 1, UINT64_MAX, &a), 0);
    CHECK_EQ(a, top);
    CHECK_EQ(memrange_find(&s, 0x2000, 1, UINT64_MAX, &a), -ENOMEM);
    CHECK_EQ(memrange_find(&s, UINT64_MAX, 1, UINT64_MAX, &a), -ENOMEM);
    /* Rounding top up to 2^63 or to 0x4000 would wrap past UINT64_MAX. */
    CHECK_EQ(memrange_find(&s, 1, 1ULL << 63, UINT64_MAX, &a), -ENOMEM);
    CHECK_EQ(memrange_find(&s, 1, 0x4000, UINT64_MAX, &a), -ENOMEM);

    CHECK_EQ(memrange_remove(&s, UINT64_MAX - 1, UINT64_MAX), 0);
    CHECK(memrange_test_is(&s, 0, top, UINT64_MAX - 1));
    CHECK_EQ(memrange_add(&s, 0, UINT64_MAX), 0);
    CHECK_EQ(memrange_count(&s), 1);
    CHECK_EQ(memrange_total(&s), UINT64_MAX);
    CHECK_EQ(memrange_find(&s, UINT64_MAX, 1, UINT64_MAX, &a), 0);
    CHECK_EQ(a, 0);
    CHECK_EQ(memrange_remove(&s, 1, UINT64_MAX - 1), 0);
    CHECK_EQ(memrange_total(&s), 2);
    CHECK(memrange_test_is(&s, 1, UINT64_MAX - 1, UINT64_MAX));
}

/* --- Randomized, against a model with one flag per address ------------- */

#define MODEL_SIZE 2000

static bool model[MODEL_SIZE];
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t memrange_test_rand(uint64_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % n;
}

/* Is the set exactly the model? Rebuild runs of the model and compare. */
static bool memrange_test_matches(const struct memrange_set *s)
{
    uint32_t n = 0;
    uint64_t a = 0, b;

    while (a < MODEL_SIZE) {
        if (!model[a]) {
            a++;
            continue;
        }
        for (b = a; b < MODEL_SIZE && model[b]; b++)
            ;
        if (!memrange_test_is(s, n++, a, b))
            return false;
        a = b;
    }
    return n == memrange_count(s);
}

/* The lowest fit by brute force, or UINT64_MAX. */
static uint64_t memrange_test_model_find(uint64_t size, uint64_t align,
                                         uint64_t limit)
{
    uint64_t a, i;

    for (a = 0; a + size <= MODEL_SIZE && a + size <= limit; a += align) {
        for (i = a; i < a + size && model[i]; i++)
            ;
        if (i == a + size)
            return a;
    }
    return UINT64_MAX;
}

static void memrange_test_queries(const struct memrange_set *s)
{
    uint64_t a = memrange_test_rand(MODEL_SIZE);
    uint64_t b = a + memrange_test_rand(MODEL_SIZE - a + 1);
    uint64_t size = 1 + memrange_test_rand(20);
    uint64_t align = 1ULL << memrange_test_rand(5);
    uint64_t limit = memrange_test_rand(MODEL_SIZE + 10);
    uint64_t i, got = UINT64_MAX, want;
    bool in = true;

    for (i = a; i < b; i++)
        in = in && model[i];
    CHECK_EQ(memrange_contains(s, a, b), in);
    want = memrange_test_model_find(size, align, limit);
    if (memrange_find(s, size, align, limit, &got) != 0)
        got = UINT64_MAX;
    CHECK_EQ(got, want);
}

static void memrange_test_random(void)
{
    struct memrange_set s, before;
    const struct mem_range *r;
    uint64_t a, b, i, total;
    unsigned op, nospc = 0;
    int rc;

    memrange_init(&s);
    memset(model, 0, sizeof(model));
    for (op = 0; op < 5000; op++) {
        /* Phases of mostly adds, then of mostly removes, so that the set
         * both fills up (to the capacity limit) and empties again. */
        bool add = memrange_test_rand(100) < ((op / 1000) % 2 ? 35 : 65);

        a = memrange_test_rand(MODEL_SIZE);
        b = a + memrange_test_rand(op % 8 ? 4 : 200);
        b = b > MODEL_SIZE ? MODEL_SIZE : b;
        before = s;
        rc = add ? memrange_add(&s, a, b) : memrange_remove(&s, a, b);
        if (rc == -ENOSPC) {
            nospc++;
            CHECK(memcmp(&s, &before, sizeof(s)) == 0);
        } else {
            CHECK_EQ(rc, 0);
            for (i = a; i < b; i++)
                model[i] = add;
        }
        CHECK(memrange_test_well_formed(&s));
        CHECK(memrange_test_matches(&s));
        total = 0;
        memrange_for_each(&s, r) total += r->end - r->start;
        CHECK_EQ(memrange_total(&s), total);
        memrange_test_queries(&s);
    }
    /* The run must have hit the capacity limit, or it tested too little. */
    CHECK(nospc > 0);
}

int main(void)
{
    memrange_test_add();
    memrange_test_remove();
    memrange_test_capacity();
    memrange_test_find();
    memrange_test_top();
    memrange_test_random();
    return check_finish();
}
