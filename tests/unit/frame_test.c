/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of frame.c. Expected states come from models computed here
 * independently of the allocator: a byte-level reading of the boot ranges,
 * and a shadow owner per frame in the randomized run. frame_check() runs
 * after every operation.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "check.h"
#include <errno.h>
#include "frame.h"
#include "memrange.h"

#define OWNER_A 1u
#define OWNER_B 7u

/* The fake machine's memory: frames 0 .. MEM_FRAMES - 1 are real bytes,
 * every frame above shares one scratch page (the big tables of the other
 * tests are never zeroed: frame_alloc does not, the scrub tests use small
 * tables). */
#define MEM_FRAMES 64
static uint8_t mem[MEM_FRAMES * PAGE_SIZE];
static uint8_t scratch[PAGE_SIZE];
static uint64_t zeroed_high; /* arch_phys_to_virt calls above MEM_FRAMES */

void *arch_phys_to_virt(uint64_t pa)
{
    if (pa < sizeof(mem))
        return &mem[pa];
    zeroed_high++;
    return scratch;
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t frame_test_rand(uint64_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % n;
}

static struct frame *frame_test_table(uint64_t nframes)
{
    /* Garbage, not zeroes: frame_table_init() must set every field. */
    struct frame *t = malloc(nframes * sizeof(*t));

    memset(t, 0xa5, nframes * sizeof(*t));
    return t;
}

/* Does any byte of [a, b) lie in the set? */
static bool frame_test_touches(const struct memrange_set *s, uint64_t a,
                               uint64_t b)
{
    uint32_t i;

    for (i = 0; i < s->count; i++) {
        if (s->ranges[i].start < b && s->ranges[i].end > a)
            return true;
    }
    return false;
}

/* What frame_setup() should make of frame f, read from the ranges. */
static uint32_t frame_test_expected_owner(const struct memrange_set *ram,
                                          const struct memrange_set *res,
                                          uint64_t f)
{
    uint64_t a = f * PAGE_SIZE, b = a + PAGE_SIZE;

    if (frame_test_touches(res, a, b))
        return frame_test_touches(ram, a, b) ? FRAME_OWNER_HYP
                                             : FRAME_OWNER_NONE;
    return memrange_contains(ram, a, b) ? FRAME_OWNER_FREE : FRAME_OWNER_NONE;
}

/* Holes, partial frames at both ends of RAM, reserved areas that straddle
 * frame and RAM boundaries, and RAM beyond the table. */
static void frame_test_ranges(struct memrange_set *ram,
                              struct memrange_set *res)
{
    memrange_init(ram);
    memrange_init(res);
    CHECK_EQ(memrange_add(ram, 0x1000, 0x9fc00), 0);
    CHECK_EQ(memrange_add(ram, 0x100000, 0x1000800), 0);
    CHECK_EQ(memrange_add(ram, 0x1000c00, 0x1800000), 0);
    CHECK_EQ(memrange_add(ram, 0x2000100, 0x8000000), 0);
    CHECK_EQ(memrange_add(res, 0x9f000, 0xa0000), 0);     /* EBDA-ish */
    CHECK_EQ(memrange_add(res, 0x200000, 0x3ff800), 0);   /* image */
    CHECK_EQ(memrange_add(res, 0x3ffc00, 0x400100), 0);   /* shares frames */
    CHECK_EQ(memrange_add(res, 0x1000700, 0x1000d00), 0); /* over a hole */
    CHECK_EQ(memrange_add(res, 0x1900000, 0x1a00000), 0); /* not RAM */
    CHECK_EQ(memrange_add(res, 0x2345678, 0x2456789), 0);
    CHECK_EQ(memrange_add(res, 0x4fff000, 0x5001000), 0); /* past table */
}

static void frame_test_setup(void)
{
    const uint64_t n = 0x5000; /* 80 MiB: the last RAM range is cut */
    struct memrange_set ram, res;
    struct frame *t = frame_test_table(n);
    uint64_t f, want_free = 0, want_hyp = 0, bad = 0;
    uint32_t want;

    frame_test_ranges(&ram, &res);
    CHECK_EQ(frame_setup(&ram, &res, t, n), 0);
    CHECK_EQ(frame_check(), 0);
    for (f = 0; f < n; f++) {
        want = frame_test_expected_owner(&ram, &res, f);
        want_free += want == FRAME_OWNER_FREE;
        want_hyp += want == FRAME_OWNER_HYP;
        bad += frame_get(mfn_init(f))->owner != want;
    }
    CHECK_EQ(bad, 0);
    CHECK(want_free > 0x4000 && want_hyp > 0x200);
    CHECK_EQ(frame_count_free(), want_free);
    CHECK_EQ(frame_count_owned(FRAME_OWNER_FREE), want_free);
    CHECK_EQ(frame_count_owned(FRAME_OWNER_HYP), want_hyp);
    CHECK_EQ(frame_count_ram(), want_free + want_hyp);
    CHECK_EQ(frame_count_owned(FRAME_OWNER_NONE), n - want_free - want_hyp);
    CHECK(frame_get(mfn_init(n - 1)) == &t[n - 1]);
    CHECK(frame_get(mfn_init(n)) == NULL);
    CHECK(frame_get(mfn_init(INVALID_MFN_VAL)) == NULL);

    /* Without reserved ranges, all whole RAM frames in the table are free. */
    CHECK_EQ(frame_setup(&ram, NULL, t, n), 0);
    CHECK_EQ(frame_check(), 0);
    for (want_free = 0, f = 0; f < n; f++)
        want_free +=
            memrange_contains(&ram, f * PAGE_SIZE, (f + 1) * PAGE_SIZE);
    CHECK_EQ(frame_count_free(), want_free);
    CHECK_EQ(frame_count_ram(), want_free);
    CHECK_EQ(frame_table_init(NULL, 1), -EINVAL);
    CHECK_EQ(frame_table_init(t, FRAME_MAX_FRAMES + 1), -EINVAL);
    free(t);
}

/* Was the block at m handed out whole to owner, with clean fields? */
static bool frame_test_block_ok(mfn_t m, unsigned order, uint32_t owner)
{
    uint64_t i, n = 1ULL << order;
    const struct frame *f;

    if (!mfn_valid(m) || (mfn_val(m) & (n - 1)) != 0)
        return false;
    for (i = 0; i < n; i++) {
        f = frame_get(mfn_add(m, i));
        if (!f || f->owner != owner || f->type != FRAME_TYPE_NONE ||
            f->ref_count != 0 || f->type_count != 0)
            return false;
    }
    return true;
}

/* Is some aligned block of 2^order frames all free, by the table alone? */
static bool frame_test_table_has(uint64_t nframes, unsigned order)
{
    uint64_t a, i, n = 1ULL << order;

    for (a = 0; a + n <= nframes; a += n) {
        for (i = a; i < a + n; i++) {
            if (frame_get(mfn_init(i))->owner != FRAME_OWNER_FREE)
                break;
        }
        if (i == a + n)
            return true;
    }
    return false;
}

/* Allocate blocks of `order` until that fails; record them in got[]. */
static unsigned frame_test_alloc_all(unsigned order, mfn_t *got,
                                     unsigned *got_order, uint64_t *ngot,
                                     uint64_t max)
{
    unsigned count = 0;
    uint64_t nfree;
    mfn_t m;

    for (;;) {
        nfree = frame_count_free();
        m = frame_alloc(order, OWNER_A);
        if (!mfn_valid(m))
            break;
        CHECK(frame_test_block_ok(m, order, OWNER_A));
        CHECK_EQ(frame_count_free(), nfree - (1ULL << order));
        CHECK_EQ(frame_check(), 0);
        CHECK(*ngot < max);
        if (*ngot < max) {
            got_order[*ngot] = order;
            got[(*ngot)++] = m;
        }
        count++;
    }
    /* A failure leaves everything as it was. */
    CHECK_EQ(frame_count_free(), nfree);
    CHECK_EQ(frame_check(), 0);
    return count;
}

/* Free the n blocks of got[] in a shuffled order, checking as we go. */
static void frame_test_free_shuffled(mfn_t *got, unsigned *got_order,
                                     uint64_t n)
{
    uint64_t i, j, nfree;
    unsigned to;
    mfn_t tm;

    for (i = n; i > 1; i--) {
        j = frame_test_rand(i);
        tm = got[i - 1];
        to = got_order[i - 1];
        got[i - 1] = got[j];
        got_order[i - 1] = got_order[j];
        got[j] = tm;
        got_order[j] = to;
    }
    for (i = 0; i < n; i++) {
        nfree = frame_count_free();
        CHECK_EQ(frame_free(got[i], got_order[i]), 0);
        CHECK_EQ(frame_count_free(), nfree + (1ULL << got_order[i]));
        CHECK_EQ(frame_check(), 0);
    }
}

#define EXHAUST_MAX 4096

static void frame_test_exhaust(void)
{
    /* Just over two 1 GiB blocks, with a hole, reserved frames, and ends
     * that are not aligned, so every order has a few blocks. */
    const uint64_t n = (2ULL << FRAME_MAX_ORDER) + 777;
    struct frame *t = frame_test_table(n);
    static mfn_t got[EXHAUST_MAX];
    static unsigned got_order[EXHAUST_MAX];
    uint64_t total, ngot = 0;
    unsigned o, per_order[FRAME_MAX_ORDER + 1];

    CHECK_EQ(frame_table_init(t, n), 0);
    CHECK_EQ(frame_add_free(mfn_init(3), 1000), 0);
    CHECK_EQ(frame_mark_reserved(mfn_init(1003), 5, FRAME_OWNER_HYP), 0);
    CHECK_EQ(frame_add_free(mfn_init(1008), n - 1008 - 1), 0);
    CHECK_EQ(frame_check(), 0);
    total = frame_count_free();
    CHECK_EQ(total, n - 1 - 3 - 5);
    CHECK_EQ(frame_count_ram(), total + 5);

    /* Largest order first, each until it fails; smaller ones then use up
     * what is left, down to the last frame. */
    for (o = FRAME_MAX_ORDER + 1; o-- > 0;) {
        per_order[o] =
            frame_test_alloc_all(o, got, got_order, &ngot, EXHAUST_MAX);
        /* It failed, so no aligned block of that order may be left. */
        CHECK(!frame_test_table_has(n, o));
        CHECK(per_order[o] > 0);
    }
    CHECK_EQ(per_order[FRAME_MAX_ORDER], 1); /* the first GiB has the hole */
    CHECK_EQ(frame_count_free(), 0);
    CHECK_EQ(frame_count_owned(OWNER_A), total);
    CHECK(!mfn_valid(frame_alloc(0, OWNER_A)));
    CHECK(!mfn_valid(frame_alloc(FRAME_MAX_ORDER + 1, OWNER_A)));

    frame_test_free_shuffled(got, got_order, ngot);
    CHECK_EQ(frame_count_free(), total);
    CHECK_EQ(frame_count_owned(OWNER_A), 0);
    CHECK(frame_test_block_ok(frame_alloc(FRAME_MAX_ORDER, OWNER_B),
                              FRAME_MAX_ORDER, OWNER_B));
    free(t);
}

/* Every rejected operation must leave the allocator exactly as it was. */
static void frame_test_unchanged(uint64_t nfree, uint64_t nram)
{
    CHECK_EQ(frame_count_free(), nfree);
    CHECK_EQ(frame_count_ram(), nram);
    CHECK_EQ(frame_check(), 0);
}

static void frame_test_double_free(mfn_t m, mfn_t m2, uint64_t nfree,
                                   uint64_t nram)
{
    /* Freeing an allocation piecewise works, and merges. */
    CHECK_EQ(frame_free(mfn_add(m, 2), 1), 0);
    CHECK_EQ(frame_free(m, 0), 0);
    CHECK_EQ(frame_free(mfn_add(m, 1), 0), 0);
    CHECK_EQ(frame_count_free(), nfree + 4);
    CHECK_EQ(frame_check(), 0);
    /* Double free, whole or in part, is refused. */
    CHECK_EQ(frame_free(m, 2), -EINVAL);
    CHECK_EQ(frame_free(mfn_add(m, 1), 0), -EINVAL);
    frame_test_unchanged(nfree + 4, nram);
    CHECK_EQ(frame_free(m2, 2), 0);
    CHECK_EQ(frame_free(m2, 2), -EINVAL);
    frame_test_unchanged(nfree + 8, nram);
    CHECK_EQ(frame_count_free(), 48);
}

static void frame_test_bad_free(void)
{
    const uint64_t n = 64;
    struct frame *t = frame_test_table(n);
    uint64_t nfree, nram;
    mfn_t m, m2;

    CHECK_EQ(frame_table_init(t, n), 0);
    CHECK_EQ(frame_add_free(mfn_init(0), 48), 0); /* 48..63 are not RAM */
    CHECK_EQ(frame_mark_reserved(mfn_init(48), 4, FRAME_OWNER_HYP), 0);
    m = frame_alloc(2, OWNER_A);
    m2 = frame_alloc(2, OWNER_B);
    CHECK(frame_test_block_ok(m, 2, OWNER_A));
    CHECK(frame_test_block_ok(m2, 2, OWNER_B));
    nfree = frame_count_free();
    nram = frame_count_ram();
    CHECK_EQ(nram, 52);

    CHECK_EQ(frame_free(mfn_add(m, 1), 1), -EINVAL); /* misaligned */
    frame_test_unchanged(nfree, nram);
    CHECK_EQ(frame_free(mfn_init(48), 0), -EPERM); /* reserved */
    frame_test_unchanged(nfree, nram);
    CHECK_EQ(frame_free(mfn_init(60), 2), -EINVAL); /* not RAM */
    frame_test_unchanged(nfree, nram);
    CHECK_EQ(frame_free(mfn_init(n), 0), -ERANGE);
    CHECK_EQ(frame_free(mfn_init(INVALID_MFN_VAL), 0), -ERANGE);
    CHECK_EQ(frame_free(mfn_init(0), 7), -ERANGE); /* 128 frames > table */
    CHECK_EQ(frame_free(m, FRAME_MAX_ORDER + 1), -EINVAL);
    CHECK_EQ(frame_free(m, 1000), -EINVAL);
    frame_test_unchanged(nfree, nram);

    /* Referenced frames cannot go; once released, they can. */
    frame_get(mfn_add(m, 3))->ref_count = 1;
    CHECK_EQ(frame_free(m, 2), -EBUSY);
    frame_test_unchanged(nfree, nram);
    frame_get(mfn_add(m, 3))->ref_count = 0;
    frame_get(m)->type = FRAME_TYPE_L1;
    frame_get(m)->type_count = 2;
    CHECK_EQ(frame_free(m, 2), -EBUSY);
    frame_test_unchanged(nfree, nram);
    frame_get(m)->type_count = 0;

    /* A block wider than the allocation takes in free frames or another
     * owner's: refused. */
    CHECK_EQ(frame_free(mfn_init(mfn_val(m) & ~7ULL), 3), -EINVAL);
    frame_test_unchanged(nfree, nram);
    CHECK_EQ(frame_free(mfn_init(mfn_val(m) & ~15ULL), 4), -EINVAL);
    frame_test_unchanged(nfree, nram);

    frame_test_double_free(m, m2, nfree, nram);
    free(t);
}

/* m and m2 are order-2 blocks of different owners. */

static void frame_test_add_reserve(void)
{
    const uint64_t n = 40;
    struct frame *t = frame_test_table(n);

    CHECK_EQ(frame_table_init(t, n), 0);
    /* Adjacent additions merge: [0, 3) + [3, 8) is one order-3 block. */
    CHECK_EQ(frame_add_free(mfn_init(0), 3), 0);
    CHECK_EQ(frame_check(), 0);
    CHECK_EQ(frame_add_free(mfn_init(3), 5), 0);
    CHECK_EQ(frame_check(), 0);
    CHECK_EQ(mfn_val(frame_alloc(3, OWNER_A)), 0);
    CHECK_EQ(frame_count_free(), 0);

    CHECK_EQ(frame_add_free(mfn_init(7), 2), -EEXIST);
    CHECK_EQ(frame_add_free(mfn_init(38), 3), -ERANGE);
    CHECK_EQ(frame_add_free(mfn_init(INVALID_MFN_VAL), 1), -ERANGE);
    CHECK_EQ(frame_add_free(mfn_init(10), 0), 0);
    CHECK_EQ(frame_mark_reserved(mfn_init(16), 8, FRAME_OWNER_FREE), -EINVAL);
    CHECK_EQ(frame_mark_reserved(mfn_init(16), 8, FRAME_OWNER_NONE), -EINVAL);
    CHECK_EQ(frame_mark_reserved(mfn_init(16), 8, OWNER_B), 0);
    CHECK_EQ(frame_mark_reserved(mfn_init(23), 2, OWNER_B), -EEXIST);
    CHECK_EQ(frame_add_free(mfn_init(20), 1), -EEXIST);
    CHECK_EQ(frame_count_ram(), 16);
    CHECK_EQ(frame_count_free(), 0);
    CHECK_EQ(frame_check(), 0);

    /* Reserved frames go to the allocator only through release. */
    CHECK_EQ(frame_release_reserved(mfn_init(0), 1), -EINVAL);  /* alloc'd */
    CHECK_EQ(frame_release_reserved(mfn_init(30), 1), -EINVAL); /* hole */
    frame_get(mfn_init(17))->ref_count = 1;
    CHECK_EQ(frame_release_reserved(mfn_init(16), 8), -EBUSY);
    frame_get(mfn_init(17))->ref_count = 0;
    CHECK_EQ(frame_count_free(), 0);
    CHECK_EQ(frame_release_reserved(mfn_init(16), 8), 0);
    CHECK_EQ(frame_count_free(), 8);
    CHECK_EQ(frame_count_ram(), 16);
    CHECK_EQ(frame_check(), 0);
    CHECK_EQ(mfn_val(frame_alloc(3, OWNER_A)), 16);

    /* frame_check() itself notices corruption. */
    CHECK_EQ(frame_free(mfn_init(16), 3), 0);
    frame_get(mfn_init(19))->owner = OWNER_B;
    printf("(one frame_check error expected:)\n");
    CHECK_EQ(frame_check(), -EINVAL);
    frame_get(mfn_init(19))->owner = FRAME_OWNER_FREE;
    CHECK_EQ(frame_check(), 0);
    free(t);
}

/* --- Randomized run against a shadow owner per frame ------------------ */

#define RAND_FRAMES 4096
#define RAND_OPS    4000
#define RAND_LIVE   RAND_FRAMES /* each live block has at least 1 frame */

struct live {
    uint64_t mfn;
    unsigned order;
};

static uint32_t shadow[RAND_FRAMES];
static struct live live[RAND_LIVE];
static unsigned nlive;

/* Could the model hand out an aligned block of `order`? */
static bool frame_test_model_has(unsigned order)
{
    uint64_t a, i, n = 1ULL << order;

    for (a = 0; a + n <= RAND_FRAMES; a += n) {
        for (i = a; i < a + n && shadow[i] == FRAME_OWNER_FREE; i++)
            ;
        if (i == a + n)
            return true;
    }
    return false;
}

static void frame_test_rand_alloc(void)
{
    unsigned order = frame_test_rand(8) ? frame_test_rand(4)
                                        : frame_test_rand(FRAME_MAX_ORDER);
    uint32_t owner = frame_test_rand(2) ? OWNER_A : OWNER_B;
    bool possible = frame_test_model_has(order);
    mfn_t m = frame_alloc(order, owner);
    uint64_t i;

    CHECK_EQ(mfn_valid(m), possible);
    if (!mfn_valid(m))
        return;
    CHECK(frame_test_block_ok(m, order, owner));
    for (i = 0; i < (1ULL << order); i++) {
        CHECK_EQ(shadow[mfn_val(m) + i], FRAME_OWNER_FREE);
        shadow[mfn_val(m) + i] = owner;
    }
    live[nlive++] = (struct live){mfn_val(m), order};
}

static void frame_test_rand_free(void)
{
    unsigned k = frame_test_rand(nlive);
    struct live l = live[k];
    uint64_t i;

    /* Sometimes give back half now, the other half later. */
    if (l.order > 0 && frame_test_rand(3) == 0) {
        l.order--;
        live[k].mfn += 1ULL << l.order;
        live[k].order = l.order;
    } else {
        live[k] = live[--nlive];
    }
    CHECK_EQ(frame_free(mfn_init(l.mfn), l.order), 0);
    for (i = 0; i < (1ULL << l.order); i++)
        shadow[l.mfn + i] = FRAME_OWNER_FREE;
    /* Now a double free, which must be refused and change nothing. */
    if (frame_test_rand(10) == 0) {
        uint64_t nfree = frame_count_free();

        CHECK_EQ(frame_free(mfn_init(l.mfn), l.order), -EINVAL);
        CHECK_EQ(frame_count_free(), nfree);
    }
}

static void frame_test_random(void)
{
    struct frame *t = frame_test_table(RAND_FRAMES);
    uint64_t i, model_free;
    unsigned op;

    /* RAM with holes: [1, 1500), [1600, 3000), [3001, 4096); reserved
     * [700, 710) inside the first. */
    CHECK_EQ(frame_table_init(t, RAND_FRAMES), 0);
    CHECK_EQ(frame_add_free(mfn_init(1), 699), 0);
    CHECK_EQ(frame_mark_reserved(mfn_init(700), 10, FRAME_OWNER_HYP), 0);
    CHECK_EQ(frame_add_free(mfn_init(710), 790), 0);
    CHECK_EQ(frame_add_free(mfn_init(1600), 1400), 0);
    CHECK_EQ(frame_add_free(mfn_init(3001), 1095), 0);
    for (i = 0; i < RAND_FRAMES; i++)
        shadow[i] = frame_get(mfn_init(i))->owner;
    nlive = 0;

    for (op = 0; op < RAND_OPS; op++) {
        /* Drift between filling up and draining so both ends are seen. */
        unsigned bias = (op / 500) % 2 ? 35 : 70;

        if (nlive == 0 || frame_test_rand(100) < bias)
            frame_test_rand_alloc();
        else
            frame_test_rand_free();
        CHECK_EQ(frame_check(), 0);
        for (model_free = 0, i = 0; i < RAND_FRAMES; i++)
            model_free += shadow[i] == FRAME_OWNER_FREE;
        CHECK_EQ(frame_count_free(), model_free);
    }
    while (nlive > 0)
        frame_test_rand_free();
    CHECK_EQ(frame_check(), 0);
    CHECK_EQ(frame_count_free(), 699 + 790 + 1400 + 1095);
    CHECK_EQ(frame_count_ram(), frame_count_free() + 10);
    free(t);
}

/* Are all bytes of frames [first, first + n) equal to v? */
static bool frame_test_mem_is(uint64_t first, uint64_t n, uint8_t v)
{
    for (uint64_t i = first * PAGE_SIZE; i < (first + n) * PAGE_SIZE; i++)
        if (mem[i] != v)
            return false;
    return true;
}

/* Freed frames are dirty until frame_alloc_zeroed or frame_scrub zero
 * them; clean ones are never written again. */
static void frame_test_scrub(void)
{
    struct frame *t = frame_test_table(MEM_FRAMES);
    unsigned order = 99;
    mfn_t m;

    memset(mem, 0xa5, sizeof(mem));
    CHECK_EQ(frame_table_init(t, MEM_FRAMES), 0);
    CHECK_EQ(frame_add_free(mfn_init(0), MEM_FRAMES), 0);
    CHECK_EQ(frame_count_dirty(), MEM_FRAMES); /* boot RAM: dirty */
    m = frame_alloc_zeroed(3, OWNER_A, &order);
    CHECK(mfn_valid(m) && order == 3);
    CHECK(frame_test_mem_is(mfn_val(m), 8, 0));
    CHECK_EQ(frame_count_dirty(), MEM_FRAMES - 8);
    CHECK_EQ(frame_check(), 0);
    /* Scrub four at a time until none is dirty: then all is zero. */
    CHECK(frame_scrub(4));
    CHECK_EQ(frame_count_dirty(), MEM_FRAMES - 12);
    CHECK_EQ(frame_check(), 0);
    while (frame_scrub(4))
        ;
    CHECK_EQ(frame_count_dirty(), 0);
    CHECK(frame_test_mem_is(0, MEM_FRAMES, 0));
    CHECK(!frame_scrub(4));
    /* A freed frame's data stays until zeroed; zeroed_high stays 0. */
    memset(&mem[mfn_val(m) * PAGE_SIZE], 0x5a, PAGE_SIZE);
    CHECK_EQ(frame_free(m, 0), 0);
    CHECK_EQ(frame_count_dirty(), 1);
    CHECK_EQ(frame_check(), 0);
    /* Only 56 + 1 frames free, in blocks of at most 32: the largest. */
    m = frame_alloc_zeroed(6, OWNER_B, &order);
    CHECK(mfn_valid(m) && order == 5);
    CHECK(frame_test_mem_is(mfn_val(m), 32, 0));
    CHECK(frame_test_mem_is(0, 1, 0x5a));       /* still free, still dirty */
    m = frame_alloc_zeroed(0, OWNER_B, &order); /* the one order-0 block */
    CHECK(mfn_val(m) == 0 && order == 0);
    CHECK(frame_test_mem_is(0, 1, 0));
    CHECK_EQ(frame_count_dirty(), 0);
    CHECK_EQ(zeroed_high, 0);
    /* Fault injection counts it like frame_alloc, and fails it. */
    frame_fault_arm(1);
    CHECK(!mfn_valid(frame_alloc_zeroed(0, OWNER_B, &order)));
    frame_fault_arm(0);
    CHECK(!mfn_valid(frame_alloc_zeroed(FRAME_MAX_ORDER + 1, OWNER_B, &order)));
    CHECK(!mfn_valid(frame_alloc_zeroed(0, FRAME_OWNER_FREE, &order)));
    CHECK_EQ(frame_check(), 0);

    /* RAM said to be clean at boot is handed out as it is. */
    memset(mem, 0xa5, sizeof(mem));
    CHECK_EQ(frame_table_init(t, MEM_FRAMES), 0);
    frame_assume_clean(true);
    CHECK_EQ(frame_add_free(mfn_init(0), MEM_FRAMES), 0);
    frame_assume_clean(false);
    CHECK_EQ(frame_count_dirty(), 0);
    m = frame_alloc_zeroed(6, OWNER_A, &order);
    CHECK(mfn_valid(m) && order == 6);
    CHECK(frame_test_mem_is(0, MEM_FRAMES, 0xa5)); /* nothing written */
    CHECK_EQ(frame_free(m, 6), 0);
    CHECK_EQ(frame_count_dirty(), MEM_FRAMES);
    CHECK_EQ(frame_check(), 0);
    free(t);
}

int main(void)
{
    frame_test_setup();
    frame_test_exhaust();
    frame_test_bad_free();
    frame_test_add_reserve();
    frame_test_random();
    frame_test_scrub();
    return check_finish();
}
