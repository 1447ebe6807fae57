/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shared-ring header (abi/include/carapace/ring.h): slot counts, a
 * single-threaded producer/consumer simulation that counts notifications,
 * wraparound of the 32-bit indices, and a two-thread stress test in which
 * each side sleeps on a condition variable only after its final check:
 * a lost wake-up hangs it, which the watchdog turns into a failure.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Between a final check's first look and its event store: publish a
 * request there (hook_push), or give the other thread the CPU. */
static void final_check_hook(void);
#define CARAPACE_RING_FINAL_CHECK_HOOK() final_check_hook()

#include <carapace/ring.h>

#include "check.h"

struct test_req {
    uint64_t id;
    uint32_t op, pad;
};
struct test_rsp {
    uint64_t id;
    int32_t status, pad;
};

CARAPACE_RING_DEFINE(test, struct test_req, struct test_rsp);

struct big {
    uint8_t b[1500];
};
CARAPACE_RING_DEFINE(big, struct big, struct big);

static union {
    struct test_sring s;
    uint8_t page[CARAPACE_RING_PAGE_SIZE];
} page __attribute__((aligned(4096)));

static void test_sizes(void)
{
    CHECK_EQ(sizeof(union test_entry), 16);
    CHECK_EQ(test_ring_slots, 128); /* (4096 - 64) / 16 = 252 -> 128 */
    CHECK_EQ(big_ring_slots, 2);    /* 4032 / 1500 = 2 */
    CHECK_EQ(CARAPACE_RING_POW2(1), 1);
    CHECK_EQ(CARAPACE_RING_POW2(255), 128);
    CHECK_EQ(CARAPACE_RING_POW2(256), 256);
    CHECK_EQ(CARAPACE_RING_POW2(4031), 2048);
    CHECK(offsetof(struct test_sring, ring) + test_ring_slots * 16 <=
          CARAPACE_RING_PAGE_SIZE);
}

/* Sets every index of a fresh ring to start (near 2^32 for wraparound). */
static void ring_reset(struct test_front *f, struct test_back *b,
                       uint32_t start)
{
    test_sring_init(&page.s);
    page.s.req_prod = page.s.rsp_prod = start;
    page.s.req_event = page.s.rsp_event = start + 1;
    test_front_init(f, &page.s);
    f->req_prod_pvt = f->rsp_cons = start;
    test_back_init(b, &page.s);
    CHECK_EQ(b->req_cons, start);
}

/* A single-threaded run of n requests in batches of `batch`, answered in
 * batches, counting notifications each way. */
static void simulate(uint32_t start, unsigned int n, unsigned int batch)
{
    struct test_front f;
    struct test_back b;
    unsigned int sent = 0, answered = 0, got = 0, to_back = 0, to_front = 0;
    bool back_asleep = true, front_asleep = false;
    uint64_t sum = 0;
    unsigned int eff = batch < test_ring_slots ? batch : test_ring_slots;

    ring_reset(&f, &b, start);
    while (got < n) {
        /* Front end: fill up to batch requests, push. */
        unsigned int k = 0;

        while (sent < n && k < batch && test_free_requests(&f)) {
            struct test_req *r = test_get_request(f.sring, f.req_prod_pvt++);

            r->id = sent++;
            r->op = 7;
            k++;
        }
        if (k && test_push_requests(&f)) {
            to_back++;
            back_asleep = false;
        }
        /* A sleeping back end sees nothing without a notification. */
        if (!back_asleep) {
            uint32_t m;

            while ((m = test_final_check_requests(&b)) != 0) {
                while (m--) {
                    struct test_req r =
                        *test_get_request(b.sring, b.req_cons++);
                    struct test_rsp *p =
                        test_get_response(b.sring, b.rsp_prod_pvt++);

                    CHECK_EQ(r.id, answered);
                    p->id = r.id;
                    p->status = (int32_t)r.op;
                    answered++;
                }
                if (test_push_responses(&b)) {
                    to_front++;
                    front_asleep = false;
                }
            }
            back_asleep = true;
        }
        if (!front_asleep) {
            uint32_t m;

            while ((m = test_final_check_responses(&f)) != 0) {
                while (m--) {
                    struct test_rsp *p =
                        test_get_response(f.sring, f.rsp_cons++);

                    CHECK_EQ(p->id, got);
                    sum += p->id;
                    got++;
                }
            }
            front_asleep = sent == n; /* a front end with work never sleeps */
        }
        if (k == 0 && got < n && front_asleep && back_asleep) {
            CHECK(!"both sides asleep with work left: a lost wake-up");
            return;
        }
    }
    CHECK_EQ(got, n);
    CHECK_EQ(sum, (uint64_t)n * (n - 1) / 2);
    /* One notification per batch at most, and at least one in all. */
    CHECK(to_back >= 1 && to_back <= (n + eff - 1) / eff);
    CHECK(to_front >= 1 && to_front <= to_back);
    CHECK_EQ(page.s.req_prod, start + n);
    CHECK_EQ(page.s.rsp_prod, start + n);
}

/* Notify only when the producer index crosses the consumer's event. */
static void test_notify_rule(void)
{
    struct test_front f;
    struct test_back b;

    ring_reset(&f, &b, 0);
    f.req_prod_pvt++;
    CHECK(test_push_requests(&f)); /* event 1, prod 0 -> 1 */
    f.req_prod_pvt++;
    CHECK(!test_push_requests(&f)); /* the back end has not slept yet */
    CHECK_EQ(test_final_check_requests(&b), 2);
    b.req_cons += 2;
    CHECK_EQ(test_final_check_requests(&b), 0); /* event = 3 */
    CHECK_EQ(page.s.req_event, 3);
    f.req_prod_pvt += 3;
    CHECK(test_push_requests(&f)); /* 2 -> 5 crosses 3 */
    /* Full ring: the back end never sees more than it can answer. */
    ring_reset(&f, &b, 0xfffffff0u);
    f.req_prod_pvt += test_ring_slots;
    CHECK_EQ(test_free_requests(&f), 0);
    test_push_requests(&f);
    CHECK_EQ(test_unconsumed_requests(&b), test_ring_slots);
    page.s.req_prod += 5; /* a hostile front end overfills */
    CHECK_EQ(test_unconsumed_requests(&b), test_ring_slots);
}

static struct test_front *hook_front;
static unsigned int hook_yield;

static void final_check_hook(void)
{
    if (hook_front) {
        hook_front->req_prod_pvt++;
        CHECK(!test_push_requests(hook_front)); /* the event is still old */
        hook_front = NULL;
    }
    if (hook_yield && rand() % hook_yield == 0)
        sched_yield();
}

/* A request published after the back end's first look, before its event
 * store, sends no notification: only the re-check finds it. */
static void test_final_check_race(void)
{
    struct test_front f;
    struct test_back b;

    ring_reset(&f, &b, 0);
    f.req_prod_pvt++;
    test_push_requests(&f);
    CHECK_EQ(test_final_check_requests(&b), 1);
    b.req_cons++; /* consumed, event still 1 */
    hook_front = &f;
    CHECK_EQ(test_final_check_requests(&b), 1);
    CHECK(hook_front == NULL);
}

/* --- Two threads ---------------------------------------------------------- */

#define STRESS_N 200000u

struct side {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool kicked;
    unsigned long sleeps, kicks;
};

static struct side front_side = {.lock = PTHREAD_MUTEX_INITIALIZER,
                                 .cond = PTHREAD_COND_INITIALIZER},
                   back_side = {.lock = PTHREAD_MUTEX_INITIALIZER,
                                .cond = PTHREAD_COND_INITIALIZER};
static struct test_front sf;
static struct test_back sb;
static volatile bool stress_done;

static void kick(struct side *s)
{
    pthread_mutex_lock(&s->lock);
    s->kicked = true;
    s->kicks++;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

/* Called only after a final check found nothing. */
static void sleep_for_kick(struct side *s)
{
    pthread_mutex_lock(&s->lock);
    s->sleeps++;
    while (!s->kicked)
        pthread_cond_wait(&s->cond, &s->lock);
    s->kicked = false;
    pthread_mutex_unlock(&s->lock);
}

static void *back_thread(void *arg)
{
    unsigned int answered = 0;

    (void)arg;
    while (answered < STRESS_N) {
        uint32_t m = test_final_check_requests(&sb);

        if (!m) {
            sleep_for_kick(&back_side);
            continue;
        }
        while (m--) {
            struct test_req r = *test_get_request(sb.sring, sb.req_cons++);
            struct test_rsp *p = test_get_response(sb.sring, sb.rsp_prod_pvt++);

            if (r.id != answered)
                abort();
            p->id = r.id;
            p->status = 0;
            answered++;
        }
        if (test_push_responses(&sb))
            kick(&front_side);
    }
    return NULL;
}

static void *front_thread(void *arg)
{
    unsigned int sent = 0, got = 0;

    (void)arg;
    while (got < STRESS_N) {
        unsigned int k = 0;
        uint32_t m;

        while (sent < STRESS_N && test_free_requests(&sf) && k < 1 + sent % 7) {
            test_get_request(sf.sring, sf.req_prod_pvt++)->id = sent++;
            k++;
        }
        if (k && test_push_requests(&sf))
            kick(&back_side);
        m = test_unconsumed_responses(&sf);
        if (!m && !k) {
            /* Nothing sent and nothing came: sleep, after the last look. */
            m = test_final_check_responses(&sf);
            if (!m) {
                sleep_for_kick(&front_side);
                continue;
            }
        }
        while (m--) {
            if (test_get_response(sf.sring, sf.rsp_cons++)->id != got)
                abort();
            got++;
        }
    }
    stress_done = true;
    return NULL;
}

static void test_stress(void)
{
    pthread_t a, b;
    struct timespec t0, t;

    ring_reset(&sf, &sb, 0xffff0000u); /* wraps during the run */
    hook_yield = 8;
    pthread_create(&b, NULL, back_thread, NULL);
    pthread_create(&a, NULL, front_thread, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        usleep(10000);
        clock_gettime(CLOCK_MONOTONIC, &t);
    } while (!stress_done && t.tv_sec - t0.tv_sec < 40);
    if (!stress_done) {
        printf("stress: stuck after 40 s (req_prod %u rsp_prod %u "
               "req_event %u rsp_event %u): a lost wake-up\n",
               page.s.req_prod, page.s.rsp_prod, page.s.req_event,
               page.s.rsp_event);
        CHECK(stress_done);
        printf("Test result: FAILURE\n");
        exit(1);
    }
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("stress: %u requests; front slept %lu times, kicked %lu; back "
           "slept %lu times, kicked %lu\n",
           STRESS_N, front_side.sleeps, front_side.kicks, back_side.sleeps,
           back_side.kicks);
    CHECK_EQ(page.s.req_prod, 0xffff0000u + STRESS_N);
    CHECK_EQ(page.s.rsp_prod, 0xffff0000u + STRESS_N);
    CHECK(back_side.sleeps > 0); /* the wake-up path was exercised */
}

int main(void)
{
    test_sizes();
    test_notify_rule();
    test_final_check_race();
    simulate(0, 1000, 1);
    simulate(0, 1000, 5);
    simulate(0, 1000, 200); /* batches larger than the ring */
    simulate(0xffffff00u, 1000, 3);
    simulate(0xffffffffu, 500, 128);
    test_stress();
    return check_finish();
}
