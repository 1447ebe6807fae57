/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ring-bench front PEER_DOM REF | ring-bench [-t SECONDS] back PEER_DOM REF
 *
 * Throughput of carapace/ring.h between two domains. The front end grants
 * one page at REF (the ring, and at its last 64 bytes a control block with
 * its event-channel port) and 32 data pages at REF+1..REF+32 to PEER_DOM;
 * the back end maps them, binds the port and answers every request. Four
 * cases: 64-byte messages (inline in the request) and 4 KiB messages (in
 * the data page of the request's slot), each with ring.h's notification
 * avoidance (push, notify only if told; sleep after the final check) and
 * without it (notify after every message, both ways). The front end
 * prints one "bench:" line per case: payload bytes per 1,000 instructions
 * and MB/s of guest time (the same figure under -icount shift=0, where
 * 1 ns of uptime is one instruction), and the notifications each side sent.
 */
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carapace/ring.h>

#include "carapace_os.h"

#define BENCH_MAGIC  0x68636e62u /* "bnch" */
#define BENCH_PAGES  32
#define BENCH_INLINE 64
#define BENCH_PAGE   4096

enum { REQ_INLINE, REQ_PAGE, REQ_END_CASE, REQ_STOP };
#define REQ_ALWAYS 0x100 /* notify after every message */

struct bench_req {
    uint32_t id;
    uint32_t kind; /* REQ_*, | REQ_ALWAYS */
    uint8_t data[BENCH_INLINE];
};

struct bench_rsp {
    uint32_t id, status;
    uint64_t notifies, waits; /* REQ_END_CASE: the back end's, since the
                                 last one */
};

CARAPACE_RING_DEFINE(bench, struct bench_req, struct bench_rsp);
_Static_assert(bench_ring_slots == BENCH_PAGES, "a data page per slot");

struct bench_ctl { /* the ring page's last 64 bytes */
    uint32_t magic, port, back_ready, pad;
};
#define BENCH_CTL_OFF (4096 - 64)
_Static_assert(CARAPACE_RING_HEADER +
                       bench_ring_slots * sizeof(union bench_entry) <=
                   BENCH_CTL_OFF,
               "control block");

static uint32_t port;
static uint64_t notifies, waits;

static long bsys(long nr, long a0, long a1, const char *what)
{
    long rc = sys_call(nr, a0, a1, 0, 0);

    if (rc < 0) {
        printf("ring-bench: %s: %s\n", what, strerror((int)-rc));
        exit(1);
    }
    return rc;
}

static void notify(void)
{
    notifies++;
    sys_call(SYS_evtchn, SYS_EVTCHN_NOTIFY, port, 0, 0);
}

static void wait_port(void)
{
    waits++;
    bsys(SYS_evtchn, SYS_EVTCHN_WAIT, port, "wait");
}

static void *page_alloc(void)
{
    void *p = memalign(4096, 4096);

    if (!p) {
        printf("ring-bench: out of memory\n");
        exit(1);
    }
    memset(p, 0, 4096);
    return p;
}

static void grant(void *page, uint32_t dom, uint32_t ref)
{
    struct sys_grant_access a = {
        .addr = (uint64_t)page, .dom = dom, .ref = ref};

    bsys(SYS_grant, SYS_GRANT_ACCESS, (long)&a, "grant");
}

static struct bench_front front;
static uint8_t *data_pages[BENCH_PAGES];
static uint8_t payload[BENCH_PAGE];

/* Runs one request and waits for its response. */
static struct bench_rsp call(uint32_t kind)
{
    struct bench_req *r = bench_get_request(front.sring, front.req_prod_pvt);
    struct bench_rsp rsp;

    r->kind = kind;
    r->id = front.req_prod_pvt++;
    bench_push_requests(&front);
    notify();
    while (!bench_final_check_responses(&front))
        wait_port();
    rsp = *bench_get_response(front.sring, front.rsp_cons++);
    return rsp;
}

static void run_case(uint32_t size, bool always, uint32_t n)
{
    uint32_t kind = (size == BENCH_PAGE ? REQ_PAGE : REQ_INLINE) |
                    (always ? REQ_ALWAYS : 0);
    uint32_t sent = 0, done = 0;
    uint64_t start, ns, bytes = (uint64_t)size * n, rate;
    struct bench_rsp back;

    notifies = waits = 0;
    start = sys_uptime();
    while (done < n) {
        bool progress = false;

        while (sent < n && bench_free_requests(&front)) {
            uint32_t id = front.req_prod_pvt;
            struct bench_req *r = bench_get_request(front.sring, id);

            payload[0] = (uint8_t)id;
            if (size == BENCH_PAGE)
                memcpy(data_pages[id % BENCH_PAGES], payload, BENCH_PAGE);
            else
                memcpy(r->data, payload, BENCH_INLINE);
            r->id = id;
            r->kind = kind;
            front.req_prod_pvt++;
            sent++;
            progress = true;
            if (always) {
                bench_push_requests(&front);
                notify();
            }
        }
        if (!always && bench_push_requests(&front))
            notify();
        while (bench_unconsumed_responses(&front)) {
            front.rsp_cons++;
            done++;
            progress = true;
        }
        if (!progress && !bench_final_check_responses(&front))
            wait_port();
    }
    ns = sys_uptime() - start;
    uint64_t my_notifies = notifies;
    back = call(REQ_END_CASE);
    rate = ns ? bytes * 10000 / ns : 0; /* tenths of bytes per ns * 1000 */
    printf("bench: ring %4u B %-14s %6u msgs %6llu.%llu bytes/1000 insns "
           "%6llu.%llu MB/s  notifications %llu + %llu\n",
           size, always ? "notify-always" : "notify-avoid", n,
           (unsigned long long)(rate / 10), (unsigned long long)(rate % 10),
           (unsigned long long)(rate / 10), (unsigned long long)(rate % 10),
           (unsigned long long)my_notifies, (unsigned long long)back.notifies);
}

static int do_front(uint32_t peer, uint32_t ref)
{
    struct bench_sring *s = page_alloc();
    struct bench_ctl *ctl = (void *)((char *)s + BENCH_CTL_OFF);

    for (unsigned int i = 0; i < BENCH_PAGES; i++) {
        data_pages[i] = page_alloc();
        grant(data_pages[i], peer, ref + 1 + i);
    }
    bench_sring_init(s);
    bench_front_init(&front, s);
    port = (uint32_t)bsys(SYS_evtchn, SYS_EVTCHN_ALLOC_UNBOUND, peer, "port");
    ctl->port = port;
    __atomic_store_n(&ctl->magic, BENCH_MAGIC, __ATOMIC_RELEASE);
    grant(s, peer, ref);
    printf("ring-bench: waiting for the back end in domain %u\n", peer);
    while (!__atomic_load_n(&ctl->back_ready, __ATOMIC_ACQUIRE))
        wait_port();
    for (unsigned int i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)(i * 7);
    run_case(BENCH_INLINE, false, 20000);
    run_case(BENCH_INLINE, true, 20000);
    run_case(BENCH_PAGE, false, 4000);
    run_case(BENCH_PAGE, true, 4000);
    call(REQ_STOP);
    printf("ring-bench: done\n");
    return 0;
}

static int do_back(uint32_t peer, uint32_t ref, uint64_t timeout_ns)
{
    struct sys_grant_map m = {.dom = peer, .ref = ref};
    struct sys_evtchn_bind b = {.dom = peer};
    uint64_t start = sys_uptime(), sink = 0;
    static uint8_t local[BENCH_PAGE];
    struct bench_back back;
    struct bench_ctl *ctl;
    struct bench_sring *s;
    long va;

    for (;;) {
        va = sys_call(SYS_grant, SYS_GRANT_MAP, (long)&m, 0, 0);
        if (va >= 0 &&
            __atomic_load_n(&((struct bench_ctl *)(va + BENCH_CTL_OFF))->magic,
                            __ATOMIC_ACQUIRE) == BENCH_MAGIC)
            break;
        if (va >= 0)
            sys_call(SYS_grant, SYS_GRANT_UNMAP, va, 0, 0);
        if (sys_uptime() - start > timeout_ns) {
            printf("ring-bench: no front end at domain %u ref %u: %s\n", peer,
                   ref, va < 0 ? strerror((int)-va) : "bad magic");
            return 1;
        }
        if (sys_call(SYS_sleep, 10000000, 0, 0, 0) < 0)
            sys_call(SYS_yield, 0, 0, 0, 0);
    }
    s = (void *)va;
    ctl = (void *)(va + BENCH_CTL_OFF);
    for (unsigned int i = 0; i < BENCH_PAGES; i++) {
        m.ref = ref + 1 + i;
        data_pages[i] = (void *)bsys(SYS_grant, SYS_GRANT_MAP, (long)&m, "map");
    }
    b.port = ctl->port;
    port = (uint32_t)bsys(SYS_evtchn, SYS_EVTCHN_BIND, (long)&b, "bind");
    bench_back_init(&back, s);
    __atomic_store_n(&ctl->back_ready, 1, __ATOMIC_RELEASE);
    notify();
    for (;;) {
        bool always = false;

        while (bench_unconsumed_requests(&back)) {
            const struct bench_req *r = bench_get_request(s, back.req_cons++);
            struct bench_rsp *rsp = bench_get_response(s, back.rsp_prod_pvt++);
            uint32_t kind = r->kind & ~REQ_ALWAYS;

            always = r->kind & REQ_ALWAYS;
            rsp->id = r->id;
            rsp->status = 0;
            if (kind == REQ_PAGE) {
                memcpy(local, data_pages[r->id % BENCH_PAGES], BENCH_PAGE);
            } else if (kind == REQ_INLINE) {
                memcpy(local, r->data, BENCH_INLINE);
            } else {
                rsp->notifies = notifies;
                rsp->waits = waits;
                notifies = waits = 0;
                always = true;
            }
            sink += local[0];
            if (always) {
                bench_push_responses(&back);
                notify();
            }
            if (kind == REQ_STOP) {
                printf("ring-bench: back end done (%llu)\n",
                       (unsigned long long)(sink & 1));
                return 0;
            }
        }
        if (!always && bench_push_responses(&back))
            notify();
        if (!bench_final_check_requests(&back))
            wait_port();
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: ring-bench [-t SECONDS] front|back PEER_DOM REF\n");
    return 2;
}

int main(int argc, char **argv)
{
    uint64_t timeout_s = 10;
    unsigned long peer, ref;
    int i = 1;

    if (argc > 2 && !strcmp(argv[1], "-t")) {
        timeout_s = strtoul(argv[2], NULL, 10);
        i = 3;
    }
    if (argc - i != 3)
        return usage();
    peer = strtoul(argv[i + 1], NULL, 10);
    ref = strtoul(argv[i + 2], NULL, 10);
    if (peer > 0xffff || ref == 0 || ref + BENCH_PAGES >= SYS_GRANT_REF_MAX)
        return usage();
    if (!strcmp(argv[i], "front"))
        return do_front((uint32_t)peer, (uint32_t)ref);
    if (!strcmp(argv[i], "back"))
        return do_back((uint32_t)peer, (uint32_t)ref,
                       timeout_s * 1000000000ull);
    return usage();
}
