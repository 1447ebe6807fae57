/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: event channels, the port state machine of
 * common/evtchn.c behind its hypercall glue (evtchn_hypercall.c: argument
 * copy-in, the undo of a result that cannot be written back, the port
 * tables in frames of frame.c), and the two-level bitmaps evtchn_2l_*.
 * Four domains (0 is the privileged one), each with or without a shared
 * page. The input is a sequence of operations, one byte each for the kind
 * (bit 7: the next frame allocation fails) and then the bytes of its
 * arguments, zeroes past the end: alloc_unbound, bind_interdomain,
 * bind_virq, send, close, unmask, status (as hypercalls, with argument
 * buffers that cannot be read, or read but not written back), the guest
 * masking ports and taking its events, the hypervisor raising VIRQs,
 * domains dying and coming back, a port table filled to its limit, and the
 * 2-level functions called directly on a scratch page, any vCPU, any port
 * of its 4,096 bits.
 *
 * An independent model of the ports and of the shared pages predicts every
 * result (the set of errors allowed; success exactly when it is empty; the
 * lowest free port; an injected allocation failure that fired must give
 * -ENOMEM) and after every operation must equal the port tables, the
 * VIRQ bindings, every pending, mask and selector bit, upcall_pending,
 * pending_virqs and the wake-ups, with the invariants checked on the real
 * state too: an INTERDOMAIN port's peer points back at it; a VIRQ port is
 * its VIRQ's binding; a free port is never pending; a pending unmasked
 * port has its selector bit and upcall_pending set; a send to a masked
 * port raises nothing until unmask; the port tables in use are exactly
 * the live domains' (no frame leaked across destroy). Port tables grow
 * from 128 bytes (kmem slabs) to two frames; the free frames are pairs
 * between guard frames whose bytes read as ports in use, so that a slot
 * read past a large table's end changes a result. A broken
 * rule aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carapace/errno.h>
#include <carapace/event_channel.h>

#include "arch.h"
#include "domain.h"
#include "evtchn.h"
#include "frame.h"
#include "guestmem.h"
#include "hypercall.h"
#include "kmem.h"
#include "log.h"
#include "sched.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NDOM        4
#define NFRAMES     64
#define RESERVED    4
#define FREE_FRAMES ((NFRAMES - RESERVED) / 2) /* the rest are guards */
#define GUARD_BYTE  0x01 /* a guard's slots read as UNBOUND ports */
#define PORTS       EVTCHN_PORTS_MAX
#define BITS        (EVTCHN_WORDS * 64)
#define MAX_OPS     1000

#define NOCOV __attribute__((no_sanitize("coverage")))

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
            fflush(stdout);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

/* --- The fake machine ---------------------------------------------------- */

static struct frame frames[NFRAMES];
static _Alignas(4096) uint8_t mem[NFRAMES * PAGE_SIZE];
static struct domain domstore[NDOM];
static struct domain *doms[NDOM];
static struct shared_info shared[NDOM];
static unsigned wakes[NDOM];

void *arch_phys_to_virt(uint64_t pa)
{
    if (pa >= sizeof(mem))
        abort();
    return &mem[pa];
}

uint64_t arch_virt_to_phys(const void *va)
{
    return (uint64_t)((const uint8_t *)va - mem);
}

struct domain *domain_get(uint32_t id)
{
    return id < NDOM ? doms[id] : NULL;
}

void sched_wake(struct vcpu *v)
{
    wakes[v->domain->id]++;
}

/* Guest memory is host memory; two addresses fault: GVA_BAD always, and
 * ro_buf on writes only (a result that cannot be written back). */
#define GVA_BAD 1
static uint8_t ro_buf[16];

bool guestmem_range_ok(gva_t va, uint64_t len)
{
    return gva_val(va) != GVA_BAD && gva_val(va) + len > gva_val(va);
}

int guestmem_read(void *dst, gva_t va, size_t len)
{
    if (gva_val(va) == GVA_BAD)
        return -CARAPACE_EFAULT;
    memcpy(dst, (const void *)gva_val(va), len);
    return 0;
}

int guestmem_write(gva_t va, const void *src, size_t len)
{
    if (gva_val(va) == GVA_BAD || gva_val(va) == (uint64_t)ro_buf)
        return -CARAPACE_EFAULT;
    memcpy((void *)gva_val(va), src, len);
    return 0;
}

/* --- The input ----------------------------------------------------------- */

static const uint8_t *fz_in;
static size_t fz_left;

static uint8_t u8(void)
{
    if (fz_left == 0)
        return 0;
    fz_left--;
    return *fz_in++;
}

static uint16_t u16(void)
{
    return (uint16_t)(u8() | u8() << 8);
}

static uint32_t u32(void)
{
    return (uint32_t)u16() | (uint32_t)u16() << 16;
}

static uint64_t u64(void)
{
    return (uint64_t)u32() | (uint64_t)u32() << 32;
}

/* --- The model ----------------------------------------------------------- */

struct m_port {
    uint8_t state, virq;
    uint16_t rport;
    uint32_t rdom;
};

/* The bits of one vCPU's view and the shared arrays. */
struct m_bits {
    uint64_t pending[EVTCHN_WORDS], mask[EVTCHN_WORDS];
    uint64_t sel[SHARED_MAX_VCPUS];
    uint8_t upcall[SHARED_MAX_VCPUS];
    uint32_t pending_virqs;
};

struct m_dom {
    bool alive, has_shared, has_table;
    struct m_port port[PORTS]; /* [0] unused */
    uint16_t virq_port[VIRQ_NR];
    struct m_bits bits;
    unsigned wakes;
    uint32_t hi; /* every port above is free, in the model */
};

static struct m_dom M[NDOM];
static struct shared_info scratch; /* for the direct evtchn_2l_* calls */
static struct m_bits scratch_model;

#define B_EPERM    0x01
#define B_ESRCH    0x02
#define B_EINVAL   0x04
#define B_ENOSPC   0x08
#define B_EEXIST   0x10
#define B_ENOTCONN 0x20
#define B_ENOMEM   0x40
#define B_EFAULT   0x80

static unsigned errbit(long rc)
{
    switch (-rc) {
    case CARAPACE_EPERM:
        return B_EPERM;
    case CARAPACE_ESRCH:
        return B_ESRCH;
    case CARAPACE_EINVAL:
        return B_EINVAL;
    case CARAPACE_ENOSPC:
        return B_ENOSPC;
    case CARAPACE_EEXIST:
        return B_EEXIST;
    case CARAPACE_ENOTCONN:
        return B_ENOTCONN;
    case CARAPACE_ENOMEM:
        return B_ENOMEM;
    case CARAPACE_EFAULT:
        return B_EFAULT;
    default:
        return 0x80000000u;
    }
}

static bool fz_trace; /* EVTCHN_FUZZ_TRACE set: print every call */

static void expect(const char *what, long rc, unsigned allow, bool fired)
{
    if (fz_trace)
        printf("%s: rc %ld, allowed %#x%s\n", what, rc, allow,
               fired ? ", injected failure" : "");
    if (fired        ? rc == -CARAPACE_ENOMEM
        : allow == 0 ? rc == 0
                     : rc != 0 && (errbit(rc) & allow))
        return;
    printf("evtchn fuzz: %s: rc %ld, allowed errors %#x%s\n", what, rc, allow,
           fired ? " (an injected failure fired)" : "");
    fflush(stdout);
    abort();
}

static bool alive(uint64_t d)
{
    return d < NDOM && M[d].alive;
}

static bool m_port_ok(uint32_t d, uint64_t port)
{
    return port >= 1 && port < PORTS &&
           M[d].port[port].state != EVTCHN_STATE_FREE;
}

/* The lowest free port of d, or 0. */
NOCOV static uint32_t m_free_port(uint32_t d)
{
    for (uint32_t p = 1; p < PORTS; p++)
        if (M[d].port[p].state == EVTCHN_STATE_FREE)
            return p;
    return 0;
}

static void m_raise(struct m_bits *b, unsigned vcpu, uint32_t port)
{
    b->sel[vcpu] |= 1ULL << (port / 64);
    b->upcall[vcpu] = 1;
}

/* evtchn_2l_set_pending, as documented: true if the vCPU must be kicked. */
static bool m_set_pending(struct m_bits *b, unsigned vcpu, uint32_t port)
{
    uint64_t bit = 1ULL << (port % 64);

    if (b->pending[port / 64] & bit)
        return false;
    b->pending[port / 64] |= bit;
    if (b->mask[port / 64] & bit)
        return false;
    m_raise(b, vcpu, port);
    return true;
}

static bool m_unmask(struct m_bits *b, unsigned vcpu, uint32_t port)
{
    uint64_t bit = 1ULL << (port % 64);

    b->mask[port / 64] &= ~bit;
    if (!(b->pending[port / 64] & bit))
        return false;
    m_raise(b, vcpu, port);
    return true;
}

static void m_kick(uint32_t d)
{
    if (!M[d].has_shared)
        return;
    M[d].bits.upcall[0] = 1;
    M[d].wakes++;
}

static void m_deliver(uint32_t d, uint32_t port)
{
    if (M[d].has_shared && m_set_pending(&M[d].bits, 0, port))
        m_kick(d);
}

static void m_release(uint32_t d, uint32_t port)
{
    struct m_port *c = &M[d].port[port];

    if (c->state == EVTCHN_STATE_INTERDOMAIN)
        M[c->rdom].port[c->rport] =
            (struct m_port){.state = EVTCHN_STATE_UNBOUND, .rdom = d};
    else if (c->state == EVTCHN_STATE_VIRQ)
        M[d].virq_port[c->virq] = 0;
    *c = (struct m_port){0};
    M[d].bits.pending[port / 64] &= ~(1ULL << (port % 64));
}

/* A new port p of d, with no stale pending bit (as the hypervisor's). */
static void m_take(uint32_t d, uint32_t p, struct m_port v)
{
    M[d].has_table = true;
    M[d].hi = p > M[d].hi ? p : M[d].hi;
    M[d].port[p] = v;
    M[d].bits.pending[p / 64] &= ~(1ULL << (p % 64));
}

/* --- Operations ---------------------------------------------------------- */

static long hc(uint32_t c, uint64_t cmd, uint64_t arg)
{
    const uint64_t a[5] = {cmd, arg, 0, 0, 0};

    return hypercall_event_channel_op(&doms[c]->vcpu[0], a);
}

static int fz_caller(void)
{
    uint32_t d = u8() % NDOM;

    return M[d].alive ? (int)d : -1;
}

static uint32_t fz_dom(void)
{
    uint8_t b = u8();

    switch (b % 8) {
    case 0 ... 5:
        return b % 8 % NDOM;
    case 6:
        return b & 0x80 ? 0x7ff0u /* DOMID_SELF */ : NDOM;
    default:
        return b & 0x80 ? u32() : 0xffffffffu;
    }
}

/* A port of d: mostly small or one in use, else at and past the limits. */
static uint64_t fz_port(uint32_t d)
{
    uint8_t b = u8();

    switch (b % 16) {
    case 0 ... 7:
        return 1 + (b >> 4);
    case 8 ... 10: { /* the k-th port in use */
        unsigned k = u8(), n = 0;

        for (uint32_t p = 1; alive(d) && p < PORTS; p++)
            n += M[d].port[p].state != EVTCHN_STATE_FREE;
        for (uint32_t p = 1; n && alive(d) && p < PORTS; p++)
            if (M[d].port[p].state != EVTCHN_STATE_FREE && k-- % n == 0)
                return p;
        return 1;
    }
    case 11:
        return b & 0x80 ? 0 : PORTS - 1;
    case 12:
        return PORTS + (b >> 5);
    case 13:
        return u16();
    case 14:
        return 1ULL << 32 | (b >> 4);
    default:
        return u64();
    }
}

/* Where the argument struct goes: a good buffer, or one that faults. */
static uint64_t fz_buf(uint8_t b, void *good, size_t len)
{
    switch (b % 16) {
    case 14:
        memcpy(ro_buf, good, len);
        return (uint64_t)ro_buf;
    case 15:
        return GVA_BAD;
    default:
        return (uint64_t)good;
    }
}

static void arm(bool fault)
{
    frame_fault_arm(fault ? 1 : 0);
}

static bool disarm(void)
{
    struct frame_fault f;

    frame_fault_get(&f);
    frame_fault_arm(0);
    return f.fired;
}

static void fz_alloc_unbound(bool fault)
{
    int c = fz_caller();
    uint32_t rd = fz_dom();
    uint8_t b = u8();
    struct evtchn_alloc_unbound a = {.remote_dom = rd, .port = 0xdead};
    uint64_t va = fz_buf(b, &a, sizeof(a));
    unsigned allow = 0;
    uint32_t p;
    long rc;

    if (c < 0)
        return;
    p = m_free_port((uint32_t)c);
    if (va == GVA_BAD)
        allow |= B_EFAULT;
    else if (!alive(rd))
        allow |= B_ESRCH;
    else if (!p)
        allow |= B_ENOSPC;
    else if (va == (uint64_t)ro_buf)
        allow |= B_EFAULT;
    arm(fault);
    rc = hc((uint32_t)c, EVTCHNOP_alloc_unbound, va);
    expect("alloc_unbound", rc, allow, disarm());
    if (rc == 0) {
        CHECK(a.port == p && a.remote_dom == rd);
        m_take((uint32_t)c, p,
               (struct m_port){.state = EVTCHN_STATE_UNBOUND, .rdom = rd});
    } else if (rc == -CARAPACE_EFAULT && va == (uint64_t)ro_buf) {
        M[c].has_table = true; /* made, then the port closed again */
    }
}

static void fz_bind_interdomain(bool fault)
{
    int c = fz_caller();
    uint32_t rd = fz_dom(), rp = (uint32_t)fz_port(rd);
    uint8_t b = u8();
    struct evtchn_bind_interdomain bi = {
        .remote_dom = rd, .remote_port = rp, .local_port = 0xdead};
    uint64_t va;
    unsigned allow = 0;
    uint32_t p;
    long rc;

    if (b & 0x80)
        bi.pad = 1 + u8();
    va = fz_buf(b, &bi, sizeof(bi));
    if (c < 0)
        return;
    p = m_free_port((uint32_t)c);
    if (va == GVA_BAD)
        allow |= B_EFAULT;
    else if (bi.pad)
        allow |= B_EINVAL;
    else if (!alive(rd))
        allow |= B_ESRCH;
    else if (!m_port_ok(rd, rp) ||
             M[rd].port[rp].state != EVTCHN_STATE_UNBOUND ||
             M[rd].port[rp].rdom != (uint32_t)c)
        allow |= B_EINVAL;
    else if (!p)
        allow |= B_ENOSPC;
    else if (va == (uint64_t)ro_buf)
        allow |= B_EFAULT;
    arm(fault);
    rc = hc((uint32_t)c, EVTCHNOP_bind_interdomain, va);
    expect("bind_interdomain", rc, allow, disarm());
    if (rc == 0) {
        CHECK(bi.local_port == p);
        m_take((uint32_t)c, p,
               (struct m_port){.state = EVTCHN_STATE_INTERDOMAIN,
                               .rport = (uint16_t)rp,
                               .rdom = rd});
        M[rd].port[rp] = (struct m_port){.state = EVTCHN_STATE_INTERDOMAIN,
                                         .rport = (uint16_t)p,
                                         .rdom = (uint32_t)c};
    } else if (rc == -CARAPACE_EFAULT && va == (uint64_t)ro_buf) {
        M[c].has_table = true;
    }
}

static void fz_bind_virq(bool fault)
{
    int c = fz_caller();
    uint8_t b = u8();
    uint32_t v = b & 0x40 ? u32() : (b >> 4) % (VIRQ_NR + 1);
    struct evtchn_bind_virq bv = {.virq = v, .port = 0xdead};
    uint64_t va = fz_buf(b, &bv, sizeof(bv));
    unsigned allow = 0;
    uint32_t p;
    long rc;

    if (c < 0)
        return;
    p = m_free_port((uint32_t)c);
    if (va == GVA_BAD)
        allow |= B_EFAULT;
    else if (v >= VIRQ_NR)
        allow |= B_EINVAL;
    else if (v != VIRQ_TIMER && v != VIRQ_SHUTDOWN && c != 0)
        allow |= B_EPERM;
    else if (M[c].virq_port[v])
        allow |= B_EEXIST;
    else if (!p)
        allow |= B_ENOSPC;
    else if (va == (uint64_t)ro_buf)
        allow |= B_EFAULT;
    arm(fault);
    rc = hc((uint32_t)c, EVTCHNOP_bind_virq, va);
    expect("bind_virq", rc, allow, disarm());
    if (rc == 0) {
        CHECK(bv.port == p);
        m_take((uint32_t)c, p,
               (struct m_port){.state = EVTCHN_STATE_VIRQ, .virq = (uint8_t)v});
        M[c].virq_port[v] = (uint16_t)p;
    } else if (rc == -CARAPACE_EFAULT && va == (uint64_t)ro_buf) {
        M[c].has_table = true;
    }
}

static void fz_send(void)
{
    int c = fz_caller();
    uint64_t port = fz_port(c < 0 ? 0 : (uint32_t)c);
    const struct m_port *mp;
    static struct m_bits before;
    unsigned allow = 0;
    long rc;

    if (c < 0)
        return;
    mp = &M[c].port[port < PORTS ? port : 0];
    if (!m_port_ok((uint32_t)c, port))
        allow |= B_EINVAL;
    else if (mp->state != EVTCHN_STATE_INTERDOMAIN)
        allow |= B_ENOTCONN;
    if (allow == 0)
        before = M[mp->rdom].bits;
    rc = hc((uint32_t)c, EVTCHNOP_send, port);
    expect("send", rc, allow, false);
    if (rc)
        return;
    /* A masked or already pending port raises nothing. */
    if ((before.mask[mp->rport / 64] | before.pending[mp->rport / 64]) &
        (1ULL << (mp->rport % 64))) {
        const struct shared_info *s = doms[mp->rdom]->shared;

        CHECK(!s || (s->vcpu[0].evtchn_pending_sel == before.sel[0] &&
                     s->vcpu[0].upcall_pending == before.upcall[0]));
    }
    m_deliver(mp->rdom, mp->rport);
}

static void fz_close(void)
{
    int c = fz_caller();
    uint64_t port = fz_port(c < 0 ? 0 : (uint32_t)c);
    long rc;

    if (c < 0)
        return;
    rc = hc((uint32_t)c, EVTCHNOP_close, port);
    expect("close", rc, m_port_ok((uint32_t)c, port) ? 0 : B_EINVAL, false);
    if (rc == 0)
        m_release((uint32_t)c, (uint32_t)port);
}

static void fz_unmask(void)
{
    int c = fz_caller();
    uint64_t port = fz_port(c < 0 ? 0 : (uint32_t)c);
    long rc;

    if (c < 0)
        return;
    rc = hc((uint32_t)c, EVTCHNOP_unmask, port);
    expect("unmask", rc, m_port_ok((uint32_t)c, port) ? 0 : B_EINVAL, false);
    if (rc == 0 && M[c].has_shared && m_unmask(&M[c].bits, 0, (uint32_t)port))
        m_kick((uint32_t)c);
}

static void fz_status(void)
{
    int c = fz_caller();
    uint64_t port = fz_port(c < 0 ? 0 : (uint32_t)c);
    uint8_t b = u8();
    struct evtchn_status st = {
        .port = (uint32_t)port, .state = 77, .remote_dom = 77};
    uint64_t va = fz_buf(b, &st, sizeof(st));
    unsigned allow = 0;
    long rc;

    if (c < 0)
        return;
    if (va == GVA_BAD)
        allow |= B_EFAULT;
    else if ((uint32_t)port == 0 || (uint32_t)port >= PORTS)
        allow |= B_EINVAL;
    else if (va == (uint64_t)ro_buf)
        allow |= B_EFAULT;
    rc = hc((uint32_t)c, EVTCHNOP_status, va);
    expect("status", rc, allow, false);
    if (rc == 0) {
        const struct m_port *m = &M[c].port[(uint32_t)port];
        uint32_t rdom = 0, rport = 0;

        if (m->state == EVTCHN_STATE_UNBOUND ||
            m->state == EVTCHN_STATE_INTERDOMAIN)
            rdom = m->rdom;
        if (m->state == EVTCHN_STATE_INTERDOMAIN)
            rport = m->rport;
        else if (m->state == EVTCHN_STATE_VIRQ)
            rport = m->virq;
        CHECK(st.port == (uint32_t)port && st.state == m->state &&
              st.remote_dom == rdom && st.remote_port == rport);
    }
}

/* Unknown commands, which change nothing. */
static void fz_bad_call(void)
{
    int c = fz_caller();
    uint8_t b = u8();
    uint64_t cmd = b & 0x80 ? u64() | 8 : 7 + b % 4, arg = u64();

    if (c >= 0)
        CHECK(hc((uint32_t)c, cmd, arg) == -CARAPACE_ENOSYS);
}

/* The guest masks a port (any bit of the 1,024 it has). */
static void fz_guest_mask(void)
{
    int c = fz_caller();
    uint32_t port = u16() % PORTS;

    if (c < 0 || !M[c].has_shared)
        return;
    shared[c].evtchn_mask[port / 64] |= 1ULL << (port % 64);
    M[c].bits.mask[port / 64] |= 1ULL << (port % 64);
}

/* The guest's upcall handler: take every pending unmasked port of the
 * selected words, and the legacy VIRQ bits. */
static void consume(struct shared_info *s)
{
    uint64_t words;

    s->vcpu[0].upcall_pending = 0;
    s->vcpu[0].pending_virqs = 0;
    words = __atomic_exchange_n(&s->vcpu[0].evtchn_pending_sel, 0,
                                __ATOMIC_SEQ_CST);
    for (unsigned w = 0; w < EVTCHN_WORDS; w++) {
        uint64_t bits =
            words >> w & 1 ? s->evtchn_pending[w] & ~s->evtchn_mask[w] : 0;

        __atomic_fetch_and(&s->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
    }
}

static void m_consume(struct m_bits *b)
{
    uint64_t words = b->sel[0];

    b->upcall[0] = 0;
    b->pending_virqs = 0;
    b->sel[0] = 0;
    for (unsigned w = 0; w < EVTCHN_WORDS; w++)
        if (words >> w & 1)
            b->pending[w] &= b->mask[w];
}

static void fz_guest_consume(void)
{
    int c = fz_caller();

    if (c < 0 || !M[c].has_shared)
        return;
    consume(&shared[c]);
    m_consume(&M[c].bits);
}

/* The hypervisor raises a VIRQ (its timer, the console, a domain event). */
static void fz_virq(void)
{
    int d = fz_caller();
    uint8_t b = u8();
    unsigned v = b & 0x80 ? u8() : b % (VIRQ_NR + 1);

    if (d < 0)
        return;
    evtchn_virq(doms[d], v);
    if (!M[d].has_shared || v >= VIRQ_NR)
        return;
    if (M[d].virq_port[v]) {
        m_deliver((uint32_t)d, M[d].virq_port[v]);
        return;
    }
    M[d].bits.pending_virqs |= 1u << v;
    m_kick((uint32_t)d);
}

static void fz_create(uint32_t d, bool with_shared)
{
    struct domain *x = &domstore[d];

    if (M[d].alive)
        return;
    memset(x, 0, sizeof(*x));
    x->id = d;
    x->vcpu[0].domain = x;
    memset(&shared[d], 0, sizeof(shared[d]));
    x->shared = with_shared ? &shared[d] : NULL;
    doms[d] = x;
    memset(&M[d], 0, sizeof(M[d]));
    M[d].alive = true;
    M[d].has_shared = with_shared;
    M[d].wakes = wakes[d] = 0;
}

/* Domain d dies: every port of it closes (peers become UNBOUND for d), its
 * table is freed, it is gone. */
static bool fz_full; /* check every port after this operation */

static void fz_destroy(uint32_t d)
{
    if (!M[d].alive)
        return;
    fz_full = true;
    for (uint32_t p = 1; p < PORTS; p++)
        if (M[d].port[p].state != EVTCHN_STATE_FREE)
            m_release(d, p);
    doms[d]->state = DOMAIN_DYING;
    evtchn_domain_destroy(doms[d]);
    CHECK(doms[d]->evtchn == NULL);
    doms[d] = NULL;
    M[d].alive = false;
}

static unsigned fz_many_budget; /* ports fz_alloc_many may take */

/* Fill d's table to its limit (or n ports), by the internal call. */
static void fz_alloc_many(void)
{
    int c = fz_caller();
    uint32_t rd = u8() % NDOM, n = u16() % (PORTS + 8), p;

    if (n > fz_many_budget)
        return;
    fz_many_budget -= n;
    for (uint32_t i = 0; c >= 0 && i < n; i++) {
        uint32_t want = m_free_port((uint32_t)c);
        int rc = evtchn_alloc_unbound(doms[c], rd, &p);

        expect("alloc_unbound (many)", rc,
               !alive(rd) ? B_ESRCH
               : want     ? 0
                          : B_ENOSPC,
               false);
        if (rc)
            break;
        CHECK(p == want);
        m_take((uint32_t)c, p,
               (struct m_port){.state = EVTCHN_STATE_UNBOUND, .rdom = rd});
    }
}

/* Close every port of d. */
static void fz_close_all(void)
{
    int c = fz_caller();

    for (uint32_t p = 1; c >= 0 && p < PORTS; p++) {
        if (M[c].port[p].state == EVTCHN_STATE_FREE)
            continue;
        expect("close (all)", evtchn_close(doms[c], p), 0, false);
        m_release((uint32_t)c, p);
    }
}

/* evtchn_2l_* on the scratch page: any vCPU, any of the 4,096 bits; and
 * the guest's writes to it. */
static void fz_2l(void)
{
    uint8_t b = u8();
    unsigned vcpu = (b >> 2) % SHARED_MAX_VCPUS;
    uint32_t port = u16() % BITS;
    uint64_t bit = 1ULL << (port % 64);
    struct m_bits *m = &scratch_model;

    switch (b % 4) {
    case 0:
        CHECK(evtchn_2l_set_pending(&scratch, vcpu, port) ==
              m_set_pending(m, vcpu, port));
        break;
    case 1:
        CHECK(evtchn_2l_unmask(&scratch, vcpu, port) ==
              m_unmask(m, vcpu, port));
        break;
    case 2:
        evtchn_2l_clear_pending(&scratch, port);
        m->pending[port / 64] &= ~bit;
        break;
    default: /* the guest: mask, or take the vCPU's selector and upcall */
        if (b & 0x80) {
            scratch.evtchn_mask[port / 64] |= bit;
            m->mask[port / 64] |= bit;
        } else {
            scratch.vcpu[vcpu].evtchn_pending_sel = 0;
            scratch.vcpu[vcpu].upcall_pending = 0;
            m->sel[vcpu] = 0;
            m->upcall[vcpu] = 0;
        }
        break;
    }
}

/* --- The machine against the model --------------------------------------- */

NOCOV static void check_bits(const struct shared_info *s,
                             const struct m_bits *m, unsigned vcpus)
{
    CHECK(memcmp(s->evtchn_pending, m->pending, sizeof(m->pending)) == 0);
    CHECK(memcmp(s->evtchn_mask, m->mask, sizeof(m->mask)) == 0);
    for (unsigned v = 0; v < SHARED_MAX_VCPUS; v++) {
        CHECK(s->vcpu[v].evtchn_pending_sel == (v < vcpus ? m->sel[v] : 0));
        CHECK(s->vcpu[v].upcall_pending == (v < vcpus ? m->upcall[v] : 0));
    }
    CHECK(s->vcpu[0].pending_virqs == m->pending_virqs);
}

/* full: every port, else those up to the model's highest in use (the
 * rest every 16 operations). */
NOCOV static void check_domain(uint32_t d, bool full)
{
    const struct evtchn_domain *e = doms[d]->evtchn;
    const struct shared_info *s = doms[d]->shared;

    CHECK(!e == !M[d].has_table);
    CHECK(!s == !M[d].has_shared);
    CHECK(wakes[d] == M[d].wakes);
    for (unsigned v = 0; v < VIRQ_NR; v++)
        CHECK((e ? e->virq_port[v] : 0) == M[d].virq_port[v]);
    for (uint32_t p = 1; p < (full ? PORTS : M[d].hi + 1); p++) {
        const struct m_port *m = &M[d].port[p];
        struct evtchn_port r = e && p < doms[d]->evtchn_nr
                                   ? e->port[p - 1]
                                   : (struct evtchn_port){0};
        bool pend = s && (s->evtchn_pending[p / 64] >> (p % 64) & 1);
        bool masked = s && (s->evtchn_mask[p / 64] >> (p % 64) & 1);

        CHECK(r.state == m->state && r.virq == m->virq &&
              r.remote_port == m->rport && r.remote_dom == m->rdom);
        /* The invariants, on the real state. */
        if (r.state == EVTCHN_STATE_INTERDOMAIN) {
            const struct domain *rd = domain_get(r.remote_dom);

            CHECK(rd && rd->evtchn && r.remote_port >= 1 &&
                  r.remote_port < PORTS);
            const struct evtchn_port *q = &rd->evtchn->port[r.remote_port - 1];

            CHECK(q->state == EVTCHN_STATE_INTERDOMAIN && q->remote_dom == d &&
                  q->remote_port == p);
        }
        if (r.state == EVTCHN_STATE_VIRQ)
            CHECK(r.virq < VIRQ_NR && e->virq_port[r.virq] == p);
        if (r.state == EVTCHN_STATE_FREE)
            CHECK(!pend);
        if (pend && !masked)
            CHECK((s->vcpu[0].evtchn_pending_sel >> (p / 64) & 1) &&
                  s->vcpu[0].upcall_pending);
    }
    for (unsigned v = 0; e && v < VIRQ_NR; v++)
        CHECK(!e->virq_port[v] ||
              e->port[e->virq_port[v] - 1].state == EVTCHN_STATE_VIRQ);
    if (s)
        check_bits(s, &M[d].bits, 1);
}

/* Frames of the tables too large for a slab (evtchn.h: 4 or 8 KiB). */
NOCOV static uint64_t large_frames(void)
{
    uint64_t n = 0;

    for (uint32_t d = 0; d < NDOM; d++) {
        size_t b = doms[d] && doms[d]->evtchn
                       ? EVTCHN_TABLE_BYTES(doms[d]->evtchn_nr)
                       : 0;

        if (b > KMEM_SLAB_MAX)
            n += b > PAGE_SIZE ? 2 : 1;
    }
    return n;
}

NOCOV static void check_all(bool full)
{
    unsigned tables = 0;

    for (uint32_t d = 0; d < NDOM; d++) {
        CHECK(!doms[d] == !M[d].alive);
        if (!M[d].alive)
            continue;
        tables += M[d].has_table;
        check_domain(d, full);
    }
    /* The frames in use are the live tables': kmem's slabs, and whole
     * frames for a table beyond the largest slab object. */
    CHECK(tables > 0 || kmem_frames() == 0);
    CHECK(frame_count_free() == FREE_FRAMES - kmem_frames() - large_frames());
    check_bits(&scratch, &scratch_model, SHARED_MAX_VCPUS);
}

/* --- One input ----------------------------------------------------------- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    log_set_level(LOG_ERROR);
    fz_trace = getenv("EVTCHN_FUZZ_TRACE") != NULL;
    fz_in = data;
    fz_left = size;
    fz_many_budget = 3 * PORTS;
    CHECK(frame_table_init(frames, NFRAMES) == 0);
    CHECK(frame_mark_reserved(mfn_init(0), RESERVED, FRAME_OWNER_HYP) == 0);
    /* Free pairs of frames (a port table each) between guard pairs that
     * read as ports in use: a slot read past a table's end shows. */
    for (uint64_t f = RESERVED; f < NFRAMES; f += 4) {
        CHECK(frame_add_free(mfn_init(f), 2) == 0);
        CHECK(frame_mark_reserved(mfn_init(f + 2), 2, FRAME_OWNER_HYP) == 0);
        memset(&mem[(f + 2) * PAGE_SIZE], GUARD_BYTE, 2 * PAGE_SIZE);
    }
    frame_fault_arm(0);
    memset(M, 0, sizeof(M));
    memset(doms, 0, sizeof(doms));
    memset(&scratch, 0, sizeof(scratch));
    memset(&scratch_model, 0, sizeof(scratch_model));
    for (uint32_t d = 0; d < NDOM; d++)
        fz_create(d, d != 3); /* domain 3 starts without a shared page */
    for (unsigned i = 0; fz_left > 0 && i < MAX_OPS; i++) {
        uint8_t op = u8();
        bool fault = op & 0x80;

        switch (op % 16) {
        case 0 ... 1:
            fz_alloc_unbound(fault);
            break;
        case 2 ... 3:
            fz_bind_interdomain(fault);
            break;
        case 4:
            fz_bind_virq(fault);
            break;
        case 5 ... 6:
            fz_send();
            break;
        case 7:
            fz_close();
            break;
        case 8:
            fz_unmask();
            break;
        case 9:
            fz_status();
            break;
        case 10:
            if (op & 0x40)
                fz_guest_consume();
            else
                fz_guest_mask();
            break;
        case 11:
            fz_virq();
            break;
        case 12: {
            uint8_t b = u8();

            if (b & 0x80)
                fz_create(b % NDOM, b & 0x40);
            else
                fz_destroy(b % NDOM);
            break;
        }
        case 13:
            if (op & 0x40)
                fz_close_all();
            else
                fz_alloc_many();
            break;
        case 14:
            fz_2l();
            break;
        default:
            fz_bad_call();
            break;
        }
        check_all(fz_full || i % 16 == 15);
        fz_full = false;
    }
    for (uint32_t d = 0; d < NDOM; d++) {
        fz_destroy(d);
        check_all(true);
    }
    CHECK(frame_count_free() == FREE_FRAMES);
    CHECK(frame_check() == 0);
    return 0;
}
