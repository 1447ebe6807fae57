/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the grant tables (common/grant.c) on the fake machine
 * of tests/unit/grant_test.c, which this file includes (three domains of
 * 16 guest frames over frame.c, fake grant "PTEs" that count references
 * on frames as the PV MMU would), here with more va slots than a maptrack
 * holds. The input is a sequence of operations, one byte each for the
 * kind (bit 7: make the Nth frame allocation of this operation fail, N the
 * next byte) and then the bytes of its arguments, zeroes past the end:
 * table setup, the granter writing or ending entries (any flags, domids,
 * gfns), map and unmap by (dom, ref) read-only or not (one or up to 1,100
 * in a row, to fill a maptrack), copies between grefs and local gfns,
 * query, malformed calls, the builder's calls (a table made, an entry
 * written, the table taken back), the hypervisor's p2m of a granter
 * pointing its gfns at other frames (its table, another domain's, free,
 * reserved, none), domain destruction with live mappings either way, and
 * re-creation.
 *
 * An independent model predicts every call: the set of errors allowed
 * (success exactly when that set is empty: a readonly grant is never
 * mapped writable, a ref beyond the table, a foreign, free, table or
 * missing frame is refused, a mapping works only with its own handle and
 * va) and, on success, the frame mapped and the bytes copied. An armed
 * allocation failure that fired must give -ENOMEM, and any refused call
 * must have left the free frames and the entry's flags as they were.
 * After every operation the whole machine is compared with the model:
 * every fake PTE is a live mapping and the reverse; every frame's
 * reference and type counts are the mappings and table holds on it; the
 * active counts and grantee of every ref; the flags the hypervisor keeps
 * (reading while mapped, writing while mapped writable, unless the granter
 * scribbled over them since); a dead granter's mapped frames are the
 * hypervisor's and freed by their last unmap; and the allocated frames
 * are exactly what the live domains, their grant state and the orphans
 * account for (no leak, frame_check). At the end every domain is
 * destroyed and every frame must be free. A broken rule aborts.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* grant_test.c's checks, as aborts (check.h is not included). */
#define CARAPACE_TEST_CHECK_H
#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
            fflush(stdout);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)
#define CHECK_EQ(a, b) CHECK((uint64_t)(a) == (uint64_t)(b))
static int check_finish(void)
{
    return 0;
}

#define NSLOTS 1088 /* more than MAPTRACK_MAX: a full maptrack is reachable */
#define main   grant_unit_main
int grant_unit_main(void);
#include "../../unit/grant_test.c"
#undef main

#define REFS     (GNTTAB_MAX_FRAMES * GRANT_ENTRIES_PER_FRAME)
#define MAX_OPS  400
#define RESERVED 16 /* frames 0..15: the "hypervisor's" */

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

struct m_map { /* one live mapping, by grantee and handle */
    bool used, rw, orphan;
    uint32_t dom, ref; /* granter */
    uint64_t slot, mfn;
};

struct m_dom {
    bool alive;
    uint32_t nr_frames; /* table frames, as setup reported them */
    uint64_t table[GNTTAB_MAX_FRAMES];
    uint64_t p2m[DOMMEM]; /* the hypervisor's p2m of it */
    uint64_t own[DOMMEM]; /* its guest frames as created */
    /* As granter, per ref: live mappings (not orphans), their grantee and
     * the frame they pin; whether the granter wrote the entry's first
     * word since the hypervisor last set reading (writing). */
    uint16_t ro[REFS], rw[REFS];
    uint32_t grantee[REFS];
    uint64_t pinned[REFS];
    bool dirty_r[REFS], dirty_w[REFS];
    /* As grantee. */
    struct m_map map[MAPTRACK_MAX];
    uint32_t nmaps;
};

static struct m_dom M[NDOM];

/* Errors a call may return, as a set. */
#define B_EPERM  0x01
#define B_ESRCH  0x02
#define B_EINVAL 0x04
#define B_EBUSY  0x08
#define B_ENOMEM 0x10
#define B_ERANGE 0x20

static unsigned errbit(int rc)
{
    switch (-rc) {
    case CARAPACE_EPERM:
        return B_EPERM;
    case CARAPACE_ESRCH:
        return B_ESRCH;
    case CARAPACE_EINVAL:
        return B_EINVAL;
    case CARAPACE_EBUSY:
        return B_EBUSY;
    case CARAPACE_ENOMEM:
        return B_ENOMEM;
    case CARAPACE_ERANGE:
        return B_ERANGE;
    default:
        return 0x80000000u; /* never allowed */
    }
}

static void fail(const char *what, int rc, unsigned allow)
{
    printf("grant fuzz: %s (rc %d, allowed errors %#x)\n", what, rc, allow);
    fflush(stdout);
    abort();
}

/* The call's result against the model's prediction (and an injected
 * failure: fired, it must be the result). */
static bool fz_trace; /* GRANT_FUZZ_TRACE set: print every call */

static void expect(const char *what, int rc, unsigned allow, bool fired)
{
    if (fz_trace)
        printf("%s: rc %d, allowed %#x%s\n", what, rc, allow,
               fired ? ", injected failure" : "");
    if (fired) {
        if (rc != -CARAPACE_ENOMEM)
            fail(what, rc, B_ENOMEM);
        return;
    }
    if (allow == 0 && rc != 0)
        fail(what, rc, allow);
    if (allow != 0 && (rc == 0 || !(errbit(rc) & allow)))
        fail(what, rc, allow);
}

static bool fz_alive(uint32_t d)
{
    return d < NDOM && M[d].alive;
}

__attribute__((no_sanitize("coverage"))) static uint64_t *
entry_word(uint32_t d, uint32_t ref, unsigned w)
{
    uint64_t *t =
        mfn_to_virt(mfn_init(M[d].table[ref / GRANT_ENTRIES_PER_FRAME]));

    return &t[(ref % GRANT_ENTRIES_PER_FRAME) * 2 + w];
}

static bool is_table(uint32_t d, uint64_t mfn)
{
    for (uint32_t i = 0; i < M[d].nr_frames; i++)
        if (M[d].table[i] == mfn)
            return true;
    return false;
}

/* The checks of a grant entry (dom, ref) for caller, as the ABI says. */
static unsigned entry_allow(uint32_t dom, uint32_t ref, uint32_t caller,
                            bool write)
{
    uint64_t w0 = *entry_word(dom, ref, 0);
    uint16_t f = (uint16_t)w0;
    unsigned allow = 0;

    if (!(f & GTF_permit_access))
        allow |= B_EPERM;
    if ((w0 >> 32) ||
        (f & ~(GTF_permit_access | GTF_readonly | GTF_reading | GTF_writing)))
        allow |= B_EINVAL;
    if ((uint16_t)(w0 >> 16) != caller)
        allow |= B_EPERM;
    if (write && (f & GTF_readonly))
        allow |= B_EPERM;
    return allow;
}

/* The frame behind dom's gfn, or an error. */
static unsigned gfn_allow(uint32_t dom, uint64_t gfn, uint64_t *mfn)
{
    *mfn = INVALID_MFN_VAL;
    if (gfn >= DOMMEM || M[dom].p2m[gfn] == INVALID_MFN_VAL)
        return B_EINVAL;
    *mfn = M[dom].p2m[gfn];
    return 0;
}

/* A frame `owner` may hand out. */
static unsigned owner_allow(uint32_t owner, uint64_t mfn)
{
    if (mfn >= NFRAMES)
        return B_ERANGE;
    return frames[mfn].owner == owner ? 0 : B_EPERM;
}

/* --- Operations ---------------------------------------------------------- */

static int hc(uint32_t caller, uint64_t cmd, void *args, uint64_t count)
{
    const uint64_t a[5] = {cmd, (uint64_t)args, count, 0, 0};

    return (int)hypercall_grant_table_op(&doms[caller]->vcpu[0], a);
}

static uint32_t fz_dom(void)
{
    uint8_t b = u8();

    switch (b % 8) {
    case 0 ... 5:
        return b % 8 % NDOM;
    case 6:
        return b & 0x80 ? DOMID_SELF : NDOM;
    default:
        return b & 0x80 ? u32() : 0xffff;
    }
}

/* A live caller, or -1. */
static int fz_caller(void)
{
    uint32_t d = u8() % NDOM;

    return M[d].alive ? (int)d : -1;
}

static uint32_t fz_ref(uint32_t dom)
{
    uint32_t n = fz_alive(dom) ? M[dom].nr_frames * GRANT_ENTRIES_PER_FRAME : 0;
    uint8_t b = u8();

    switch (b % 16) {
    case 0 ... 9:
        return b >> 4;
    case 10:
        return n ? n - 1 : 0;
    case 11:
        return n;
    case 12:
        return n + 1 + (b >> 4);
    case 13:
        return u16() % REFS;
    case 14:
        return REFS + (b >> 4);
    default:
        return u32();
    }
}

static uint64_t fz_va(void)
{
    uint8_t b = u8();

    switch (b % 16) {
    case 0 ... 11:
        return (uint64_t)(b >> 4) * PAGE_SIZE;
    case 12:
        return (uint64_t)(u16() % NSLOTS) * PAGE_SIZE;
    case 13:
        return (uint64_t)(b >> 4) * PAGE_SIZE + 1 + u8();
    case 14:
        return (uint64_t)(NSLOTS + u8()) * PAGE_SIZE;
    default:
        return u64();
    }
}

static void fz_setup(int fault)
{
    int c = fz_caller();
    uint8_t b = u8();
    struct gnttab_setup_table st = {.nr_frames =
                                        b % 8 < 6 ? 1 + b % 4 : b % 2 * 5};
    struct frame_fault ff;
    uint64_t free0 = frame_count_free();
    uint32_t old;

    if (b & 0x80)
        st.nr_frames = u32();
    if (c < 0)
        return;
    old = M[c].nr_frames;
    frame_fault_arm((uint64_t)fault);
    CHECK_EQ(hc((uint32_t)c, GNTTABOP_setup_table, &st, 1), 0);
    frame_fault_get(&ff);
    frame_fault_arm(0);
    expect("setup", st.status,
           st.nr_frames >= 1 && st.nr_frames <= GNTTAB_MAX_FRAMES ? 0
                                                                  : B_EINVAL,
           ff.fired);
    if (st.status) {
        CHECK_EQ(frame_count_free(), free0);
        return;
    }
    /* It only grows; the old frames stay; the new ones are c's, empty. */
    CHECK(st.nr_frames >= old && st.nr_frames <= GNTTAB_MAX_FRAMES);
    for (uint32_t i = 0; i < GNTTAB_MAX_FRAMES; i++) {
        if (i < old) {
            CHECK_EQ(st.frames[i], M[c].table[i]);
        } else if (i < st.nr_frames) {
            const uint64_t *p = mfn_to_virt(mfn_init(st.frames[i]));

            CHECK(st.frames[i] < NFRAMES &&
                  frames[st.frames[i]].owner == (uint32_t)c);
            for (unsigned w = 0; w < PAGE_SIZE / 8; w++)
                CHECK(p[w] == 0);
            M[c].table[i] = st.frames[i];
        } else {
            CHECK_EQ(st.frames[i], 0);
        }
    }
    M[c].nr_frames = st.nr_frames;
}

/* The granter writes an entry of its table (word 1, then word 0). */
static void fz_write_entry(void)
{
    int d = fz_caller();
    uint8_t b = u8();
    uint32_t ref = u16() % REFS;
    uint64_t w0, gfn;

    if (d < 0 || M[d].nr_frames == 0)
        return;
    ref %= M[d].nr_frames * GRANT_ENTRIES_PER_FRAME;
    if (b % 4 != 3) { /* sane: permit [| readonly] to a small domid */
        w0 = GTF_permit_access | (b & 4 ? GTF_readonly : 0) |
             (uint64_t)((b >> 3) % 4) << 16;
        gfn = u8() % (DOMMEM + 2);
    } else {
        w0 = u64();
        gfn = u64();
        if (b & 4)
            w0 &= 0xffffffffu;
    }
    *entry_word((uint32_t)d, ref, 1) = gfn;
    *entry_word((uint32_t)d, ref, 0) = w0;
    M[d].dirty_r[ref] = M[d].dirty_w[ref] = true;
}

/* The granter ends a grant by the protocol: a compare-and-swap of the flags
 * it wrote to 0, which must fail while the hypervisor says it is mapped. */
static void fz_end_access(void)
{
    int d = fz_caller();
    uint32_t ref = u16() % REFS;
    struct grant_entry *e;
    uint16_t old;
    bool ok;

    if (d < 0 || M[d].nr_frames == 0)
        return;
    ref %= M[d].nr_frames * GRANT_ENTRIES_PER_FRAME;
    e = (struct grant_entry *)entry_word((uint32_t)d, ref, 0);
    old = e->flags & (uint16_t) ~(GTF_reading | GTF_writing);
    ok = __atomic_compare_exchange_n(&e->flags, &old, 0, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    if (ok && M[d].ro[ref] + M[d].rw[ref] > 0 && !M[d].dirty_r[ref])
        fail("a mapped grant was ended", 0, 0);
    if (ok)
        M[d].dirty_r[ref] = M[d].dirty_w[ref] = true;
}

/* Map (dom, ref) at va for caller c and check it against the model. */
static void do_map(uint32_t c, uint32_t dom, uint32_t ref, uint64_t va,
                   uint32_t flags, uint32_t pad, int fault)
{
    struct gnttab_map_grant_ref m = {
        .dom = dom, .ref = ref, .va = va, .flags = flags, .pad = pad};
    bool write = !(flags & GNTMAP_readonly), live = false;
    uint64_t mfn = INVALID_MFN_VAL, slot = va / PAGE_SIZE, w0 = 0;
    uint64_t free0 = frame_count_free();
    struct frame_fault ff;
    unsigned allow = 0;
    struct m_dom *g = NULL;

    if ((flags & ~GNTMAP_readonly) || pad)
        allow |= B_EINVAL;
    if (dom == c || dom == DOMID_SELF) {
        allow |= B_EINVAL;
    } else if (!fz_alive(dom)) {
        allow |= B_ESRCH;
    } else if (ref >= M[dom].nr_frames * GRANT_ENTRIES_PER_FRAME) {
        allow |= B_EINVAL;
    } else {
        g = &M[dom];
        w0 = *entry_word(dom, ref, 0);
        live = true;
        allow |= entry_allow(dom, ref, c, write);
        if (g->ro[ref] + g->rw[ref]) {
            mfn = g->pinned[ref];
            if (g->grantee[ref] != c)
                allow |= B_EPERM;
        } else {
            allow |= gfn_allow(dom, *entry_word(dom, ref, 1), &mfn);
            if (mfn != INVALID_MFN_VAL && is_table(dom, mfn))
                allow |= B_EPERM;
        }
        if ((va & (PAGE_SIZE - 1)) || slot >= NSLOTS)
            allow |= B_EINVAL;
        else if (ptes[c][slot].present)
            allow |= B_EBUSY;
        if (mfn != INVALID_MFN_VAL)
            allow |= owner_allow(dom, mfn);
        if (M[c].nmaps == MAPTRACK_MAX)
            allow |= B_ENOMEM;
    }
    frame_fault_arm((uint64_t)fault);
    CHECK_EQ(hc(c, GNTTABOP_map_grant_ref, &m, 1), 0);
    frame_fault_get(&ff);
    frame_fault_arm(0);
    expect("map", m.status, allow, ff.fired);
    if (m.status) {
        CHECK_EQ(frame_count_free(), free0);
        if (live) {
            /* The entry's flags: a refused map sets no bit but those the
             * ref's live mappings call for (the granter may have cleared
             * them), and changes nothing else. */
            uint64_t now = *entry_word(dom, ref, 0), may = 0;

            if (g->ro[ref] + g->rw[ref])
                may |= GTF_reading;
            if (g->rw[ref])
                may |= GTF_writing;
            CHECK((now & ~w0 & ~may) == 0);
            CHECK(((now ^ w0) & ~(uint64_t)(GTF_reading | GTF_writing)) == 0);
        }
        return;
    }
    CHECK(m.handle < MAPTRACK_MAX && !M[c].map[m.handle].used);
    CHECK_EQ(m.mfn, mfn);
    CHECK(ptes[c][slot].present && ptes[c][slot].mfn == mfn &&
          ptes[c][slot].writable == write);
    M[c].map[m.handle] = (struct m_map){.used = true,
                                        .rw = write,
                                        .dom = dom,
                                        .ref = ref,
                                        .slot = slot,
                                        .mfn = mfn};
    M[c].nmaps++;
    if (write)
        g->rw[ref]++;
    else
        g->ro[ref]++;
    g->grantee[ref] = c;
    g->pinned[ref] = mfn;
    g->dirty_r[ref] = false;
    if (write)
        g->dirty_w[ref] = false;
}

static void fz_map(int fault)
{
    int c = fz_caller();
    uint32_t dom = fz_dom(), ref = fz_ref(dom);
    uint64_t va = fz_va();
    uint8_t b = u8();
    uint32_t flags = b & 1, pad = 0;

    if (b & 0x80) {
        flags = b & 0x40 ? u32() : flags | 2;
        pad = b & 0x20 ? u32() : 0;
    }
    if (c >= 0)
        do_map((uint32_t)c, dom, ref, va, flags, pad, fault);
}

/* Up to 1,100 maps of one ref at consecutive slots (read-only unless
 * asked): enough to fill a maptrack. */
static unsigned fz_many_budget; /* maps left for fz_map_many this input */

static void fz_map_many(void)
{
    int c = fz_caller();
    uint32_t dom = fz_dom(), ref = fz_ref(dom);
    uint32_t slot = u16() % NSLOTS, n = u16() % 1101, flags = u8() & 1;

    if (c < 0 || n > fz_many_budget)
        return;
    fz_many_budget -= n;
    for (uint32_t i = 0; i < n; i++)
        do_map((uint32_t)c, dom, ref,
               (uint64_t)((slot + i) % NSLOTS) * PAGE_SIZE, flags ^ 1, 0, 0);
}

/* Count the orphan mappings of mfn left (by all grantees). */
static unsigned orphan_maps(uint64_t mfn)
{
    unsigned n = 0;

    for (uint32_t e = 0; e < NDOM; e++)
        for (uint32_t h = 0; M[e].nmaps && h < MAPTRACK_MAX; h++)
            n += M[e].map[h].used && M[e].map[h].orphan &&
                 M[e].map[h].mfn == mfn;
    return n;
}

/* The model's side of a successful unmap of c's handle h. */
static void model_unmapped(uint32_t c, uint32_t h)
{
    struct m_map m = M[c].map[h];

    M[c].map[h] = (struct m_map){0};
    M[c].nmaps--;
    CHECK(!ptes[c][m.slot].present);
    if (m.orphan) {
        if (orphan_maps(m.mfn) == 0)
            CHECK_EQ(frames[m.mfn].owner, FRAME_OWNER_FREE);
        return;
    }
    struct m_dom *g = &M[m.dom];
    uint16_t f = (uint16_t)*entry_word(m.dom, m.ref, 0);

    if (m.rw)
        g->rw[m.ref]--;
    else
        g->ro[m.ref]--;
    if (g->rw[m.ref] == 0)
        CHECK(!(f & GTF_writing));
    if (g->rw[m.ref] + g->ro[m.ref] == 0)
        CHECK(!(f & GTF_reading));
}

static void do_unmap(uint32_t c, uint32_t h, uint64_t va)
{
    struct gnttab_unmap_grant_ref u = {.handle = h, .va = va};
    bool ok = h < MAPTRACK_MAX && M[c].map[h].used &&
              M[c].map[h].slot * PAGE_SIZE == va;
    uint64_t free0 = frame_count_free();

    CHECK_EQ(hc(c, GNTTABOP_unmap_grant_ref, &u, 1), 0);
    expect("unmap", u.status, ok ? 0 : B_EINVAL, false);
    if (u.status) {
        CHECK_EQ(frame_count_free(), free0);
        return;
    }
    model_unmapped(c, h);
}

static void fz_unmap(void)
{
    int c = fz_caller();
    uint8_t b = u8();
    uint32_t h = u16(), k;
    uint64_t va;

    if (c < 0)
        return;
    if (b % 8 < 6 && M[c].nmaps) { /* one of its mappings, the k-th */
        k = h % M[c].nmaps;
        for (h = 0; h < MAPTRACK_MAX; h++)
            if (M[c].map[h].used && k-- == 0)
                break;
        va = M[c].map[h].slot * PAGE_SIZE;
        if (b % 8 == 5)
            va = fz_va();
    } else {
        h = b & 0x80 ? u32() : h % (MAPTRACK_MAX + 4);
        va = fz_va();
    }
    do_unmap((uint32_t)c, h, va);
}

/* The grantee unmaps all it holds. */
static void fz_unmap_all(void)
{
    int c = fz_caller();

    for (uint32_t h = 0; c >= 0 && M[c].nmaps && h < MAPTRACK_MAX; h++)
        if (M[c].map[h].used)
            do_unmap((uint32_t)c, h, M[c].map[h].slot * PAGE_SIZE);
}

/* One side of a copy: the errors allowed, and where the bytes are. */
static unsigned copy_side(uint32_t c, const struct gnttab_copy_ptr *s,
                          bool gref, bool write, uint16_t len, uint64_t *mfn)
{
    unsigned allow = 0;
    uint32_t owner = c;

    *mfn = INVALID_MFN_VAL;
    if (s->pad[0] || s->pad[1] || s->pad[2] || (uint32_t)s->offset + len > 4096)
        allow |= B_EINVAL;
    if (gref) {
        if (s->gfn)
            allow |= B_EINVAL;
        if (s->dom == c || s->dom == DOMID_SELF)
            return allow | B_EINVAL;
        if (!fz_alive(s->dom))
            return allow | B_ESRCH;
        if (s->ref >= M[s->dom].nr_frames * GRANT_ENTRIES_PER_FRAME)
            return allow | B_EINVAL;
        allow |= entry_allow(s->dom, s->ref, c, write);
        allow |= gfn_allow(s->dom, *entry_word(s->dom, s->ref, 1), mfn);
        if (*mfn != INVALID_MFN_VAL && is_table(s->dom, *mfn))
            allow |= B_EPERM;
        owner = s->dom;
    } else {
        if (s->dom != DOMID_SELF || s->ref)
            allow |= B_EINVAL;
        allow |= gfn_allow(c, s->gfn, mfn);
    }
    if (*mfn != INVALID_MFN_VAL)
        allow |= owner_allow(owner, *mfn);
    return allow;
}

static void fz_copy_ptr(struct gnttab_copy_ptr *p, bool gref)
{
    uint8_t b = u8();

    memset(p, 0, sizeof(*p));
    p->offset = b & 0x40 ? u16() : (uint16_t)(u8() * 16);
    if (gref) {
        p->dom = fz_dom();
        p->ref = fz_ref(p->dom);
    } else {
        p->dom = DOMID_SELF;
        p->gfn = u8() % (DOMMEM + 1);
    }
    if (b & 0x80) { /* one hostile field */
        switch (b % 4) {
        case 0:
            p->pad[b / 4 % 3] = u16() | 1;
            break;
        case 1:
            p->gfn = u64();
            break;
        case 2:
            p->ref = u32() | 1;
            break;
        default:
            p->dom = fz_dom();
            break;
        }
    }
}

static uint8_t copy_src[PAGE_SIZE], copy_dst[PAGE_SIZE];

static void fz_copy(void)
{
    int c = fz_caller();
    uint8_t b = u8();
    struct gnttab_copy op = {.flags = b & 3};
    uint64_t smfn, dmfn, free0 = frame_count_free();
    unsigned allow;
    uint8_t *dst = NULL;

    if (b & 0x80)
        op.flags = u16();
    fz_copy_ptr(&op.source, op.flags & GNTCOPY_source_gref);
    fz_copy_ptr(&op.dest, op.flags & GNTCOPY_dest_gref);
    op.len = b & 0x40 ? u16() : (uint16_t)(u8() * 8);
    if (c < 0)
        return;
    allow =
        op.flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref) ? B_EINVAL : 0;
    allow |= copy_side((uint32_t)c, &op.source, op.flags & GNTCOPY_source_gref,
                       false, op.len, &smfn);
    {
        unsigned d =
            copy_side((uint32_t)c, &op.dest, op.flags & GNTCOPY_dest_gref, true,
                      op.len, &dmfn);

        if (d == 0) {
            dst = (uint8_t *)mfn_to_virt(mfn_init(dmfn)) + op.dest.offset;
            memcpy(copy_dst, dst, op.len);
        }
        allow |= d;
    }
    if (allow == 0)
        memcpy(copy_src,
               (uint8_t *)mfn_to_virt(mfn_init(smfn)) + op.source.offset,
               op.len);
    CHECK_EQ(hc((uint32_t)c, GNTTABOP_copy, &op, 1), 0);
    expect("copy", op.status, allow, false);
    CHECK_EQ(frame_count_free(), free0);
    if (op.status) {
        if (dst)
            CHECK(memcmp(dst, copy_dst, op.len) == 0);
        return;
    }
    CHECK(memcmp(dst, copy_src, op.len) == 0);
    /* Bytes copied into a grant table are the granter's writing. */
    for (uint32_t d = 0; d < NDOM; d++) {
        for (uint32_t t = 0; M[d].alive && t < M[d].nr_frames; t++) {
            if (M[d].table[t] != dmfn)
                continue;
            for (uint32_t r = 0; r < GRANT_ENTRIES_PER_FRAME; r++)
                M[d].dirty_r[t * GRANT_ENTRIES_PER_FRAME + r] =
                    M[d].dirty_w[t * GRANT_ENTRIES_PER_FRAME + r] = true;
        }
    }
}

/* The builder's calls (a domain being built: its console grant): a table
 * made now, an entry written by the hypervisor, and, when the table was
 * made by this very call, taken back again as a refused build does. */
static void fz_builder(int fault)
{
    int d = fz_caller();
    uint8_t b = u8();
    unsigned n = b & 8 ? (b >> 4) % 2 * 5 : 1 + (b >> 4) % 4;
    uint32_t ref = fz_ref(d < 0 ? NDOM : (uint32_t)d);
    uint16_t domid = (uint16_t)(u8() % (NDOM + 1)), flags;
    uint64_t gfn = u8() % (DOMMEM + 2), free0 = frame_count_free();
    struct frame_fault ff;
    bool fresh;
    uint32_t old;
    int rc;

    flags = b & 4 ? u16() : GTF_permit_access | (b & 2 ? GTF_readonly : 0);
    if (d < 0)
        return;
    fresh = doms[d]->grant == NULL;
    old = M[d].nr_frames;
    frame_fault_arm((uint64_t)fault);
    rc = grant_domain_init(doms[d], n);
    frame_fault_get(&ff);
    frame_fault_arm(0);
    expect("builder init", rc, n >= 1 && n <= GNTTAB_MAX_FRAMES ? 0 : B_EINVAL,
           ff.fired);
    if (rc) {
        CHECK_EQ(frame_count_free(), free0);
        CHECK(!fresh || doms[d]->grant == NULL);
    } else {
        const struct grant_domain *g = doms[d]->grant;

        CHECK(g->nr_frames == (n > old ? n : old));
        for (uint32_t i = 0; i < g->nr_frames; i++) {
            uint64_t m = mfn_val(g->table[i]);

            if (i < old) {
                CHECK_EQ(m, M[d].table[i]);
                continue;
            }
            CHECK(frames[m].owner == (uint32_t)d);
            for (unsigned w = 0; w < PAGE_SIZE / 8; w++)
                CHECK(((const uint64_t *)mfn_to_virt(g->table[i]))[w] == 0);
            M[d].table[i] = m;
        }
        M[d].nr_frames = g->nr_frames;
    }
    rc = grant_builder_set(doms[d], ref, domid, gfn_init(gfn), flags);
    expect("builder set", rc,
           ref < M[d].nr_frames * GRANT_ENTRIES_PER_FRAME &&
                   !(flags & ~(GTF_permit_access | GTF_readonly))
               ? 0
               : B_EINVAL,
           false);
    if (rc == 0) {
        CHECK(*entry_word((uint32_t)d, ref, 1) == gfn &&
              *entry_word((uint32_t)d, ref, 0) ==
                  (flags | (uint64_t)domid << 16));
        M[d].dirty_r[ref] = M[d].dirty_w[ref] = true;
    }
    if (fresh && doms[d]->grant && (b & 0x40)) {
        grant_domain_fini(doms[d]);
        CHECK(doms[d]->grant == NULL);
        CHECK_EQ(frame_count_free(), free0);
        M[d].nr_frames = 0;
        memset(M[d].dirty_r, 0, sizeof(M[d].dirty_r));
        memset(M[d].dirty_w, 0, sizeof(M[d].dirty_w));
    }
}

static void fz_query(void)
{
    int c = fz_caller();
    struct gnttab_query_size q;

    if (c < 0)
        return;
    memset(&q, 0xa5, sizeof(q));
    CHECK_EQ(hc((uint32_t)c, GNTTABOP_query_size, &q, 1), 0);
    CHECK(q.status == 0 && q.nr_frames == M[c].nr_frames &&
          q.max_frames == GNTTAB_MAX_FRAMES);
}

/* Calls the hypervisor must refuse whole, or that do nothing. */
static void fz_bad_call(void)
{
    int c = fz_caller();
    uint8_t b = u8();
    uint64_t cmd = b % 5, count = 1 + u8() % GNTTAB_OP_MAX;
    static uint8_t buf[GNTTAB_OP_MAX * 56];
    void *va = buf;
    long want = 0;

    memset(buf, 0, sizeof(buf));
    switch (b / 8 % 4) {
    case 0:
        cmd = b & 0x80 ? u64() | 8 : 5 + b % 3;
        want = -CARAPACE_ENOSYS;
        break;
    case 1:
        count = b & 0x80 ? u64() | 128 : GNTTAB_OP_MAX + 1 + u8();
        want = -CARAPACE_E2BIG;
        break;
    case 2:
        va = (void *)1;
        want = -CARAPACE_EFAULT;
        break;
    default:
        count = 0;
        break;
    }
    if (c < 0)
        return;
    CHECK_EQ(hc((uint32_t)c, cmd, va, count), want);
}

/* The hypervisor's p2m of d maps gfn to another frame. */
static void fz_p2m(void)
{
    int d = fz_caller();
    uint8_t b = u8();
    uint32_t gfn = u8() % DOMMEM, o = (uint32_t)(d + 1) % NDOM;
    uint64_t mfn;

    if (d < 0)
        return;
    switch (b % 8) {
    case 0 ... 2:
        mfn = M[d].own[(b >> 3) % DOMMEM];
        break;
    case 3:
        mfn = M[d].nr_frames ? M[d].table[(b >> 3) % M[d].nr_frames]
                             : M[d].own[0];
        break;
    case 4:
        mfn = M[o].alive ? M[o].own[(b >> 3) % DOMMEM] : RESERVED + (b >> 3);
        break;
    case 5:
        mfn = (b >> 3) % RESERVED;
        break;
    case 6:
        mfn = NFRAMES + (b >> 3);
        break;
    default:
        mfn = INVALID_MFN_VAL;
        break;
    }
    /* Never its own p2m: a grantee's copy into it would rewrite the fake
     * p2m behind the model's back (the real p2m is the hypervisor's). */
    if (mfn == mfn_val(p2m_frame[d]))
        mfn = INVALID_MFN_VAL;
    ((uint64_t *)mfn_to_virt(p2m_frame[d]))[gfn] = mfn;
    M[d].p2m[gfn] = mfn;
}

static void fz_create(uint32_t d)
{
    const uint64_t *p2m;

    if (M[d].alive || frame_count_free() < 64)
        return;
    dom_create(d);
    memset(&M[d], 0, sizeof(M[d]));
    M[d].alive = true;
    p2m = mfn_to_virt(p2m_frame[d]);
    for (uint32_t g = 0; g < DOMMEM; g++)
        M[d].p2m[g] = M[d].own[g] = p2m[g];
}

/* Domain d dies: its mappings go first, then the frames others map of it
 * become the hypervisor's (orphans), then its frames are freed. */
static void fz_destroy(uint32_t d)
{
    if (!M[d].alive)
        return;
    for (uint32_t h = 0; M[d].nmaps && h < MAPTRACK_MAX; h++) {
        if (!M[d].map[h].used)
            continue;
        /* In the model as an unmap, without the real one (the flags of
         * the entry are checked after the destruction). */
        struct m_map m = M[d].map[h];

        M[d].map[h] = (struct m_map){0};
        M[d].nmaps--;
        if (!m.orphan) {
            if (m.rw)
                M[m.dom].rw[m.ref]--;
            else
                M[m.dom].ro[m.ref]--;
        }
    }
    for (uint32_t e = 0; e < NDOM; e++)
        for (uint32_t h = 0; M[e].nmaps && h < MAPTRACK_MAX; h++)
            if (M[e].map[h].used && M[e].map[h].dom == d)
                M[e].map[h].orphan = true;
    /* Before: the granters' flags of the refs d mapped. */
    dom_destroy(d);
    M[d].alive = false;
    M[d].nr_frames = 0;
    M[d].nmaps = 0;
    for (uint32_t s = 0; s < NSLOTS; s++)
        CHECK(!ptes[d][s].present);
    CHECK_EQ(frame_count_owned(d), 0);
    for (uint32_t e = 0; e < NDOM; e++) {
        for (uint32_t h = 0; M[e].nmaps && h < MAPTRACK_MAX; h++)
            if (M[e].map[h].used && M[e].map[h].orphan)
                CHECK_EQ(frames[M[e].map[h].mfn].owner, FRAME_OWNER_HYP);
        /* The refs d mapped of e: flags cleared where nothing is left. */
        for (uint32_t r = 0; M[e].alive && r < M[e].nr_frames * 256; r++) {
            uint16_t f = (uint16_t)*entry_word(e, r, 0);

            if (M[e].rw[r] == 0 && !M[e].dirty_w[r])
                CHECK(!(f & GTF_writing));
            if (M[e].rw[r] + M[e].ro[r] == 0 && !M[e].dirty_r[r])
                CHECK(!(f & GTF_reading));
        }
    }
}

/* --- The whole machine against the model --------------------------------- */

/* The checker is not instrumented for coverage: it is the same code
 * whatever the input, and instrumented it took most of the time. */
#define NOCOV __attribute__((no_sanitize("coverage")))

static uint32_t exp_ref[NFRAMES], exp_type[NFRAMES];
static bool orphan_frame[NFRAMES];

/* Whole frames of g's active entries when too many for a slab object. */
NOCOV static uint64_t act_frames(const struct grant_domain *g)
{
    size_t b = g->act_nr * sizeof(struct grant_active);

    return b <= KMEM_SLAB_MAX ? 0 : (b + PAGE_SIZE - 1) / PAGE_SIZE;
}

NOCOV static void check_domain(uint32_t d, uint64_t *used)
{
    struct grant_domain *g = doms[d]->grant;
    uint32_t nr = g ? g->nr_frames : 0;

    *used += 1 + DOMMEM;
    CHECK(!g || g->nr_frames || g->maptrack); /* no empty state kept */
    CHECK_EQ(nr, M[d].nr_frames);
    if (g)
        *used += nr + (g->maptrack ? 1u << MAPTRACK_ORDER : 0) +
                 act_frames(g); /* the state itself: kmem, counted once */
    for (uint32_t t = 0; t < nr; t++) {
        CHECK_EQ(mfn_val(g->table[t]), M[d].table[t]);
        exp_ref[M[d].table[t]]++;
        exp_type[M[d].table[t]]++;
    }
    for (uint32_t r = 0; r < nr * GRANT_ENTRIES_PER_FRAME; r++) {
        const struct grant_active *a = grant_act(g, r);
        uint16_t f = (uint16_t)*entry_word(d, r, 0);

        CHECK(a->ro == M[d].ro[r] && a->rw == M[d].rw[r]);
        if (a->ro + a->rw) {
            CHECK(a->domid == M[d].grantee[r] &&
                  mfn_val(a->mfn) == M[d].pinned[r]);
            CHECK(M[d].dirty_r[r] || (f & GTF_reading));
        }
        if (a->rw)
            CHECK(M[d].dirty_w[r] || (f & GTF_writing));
    }
    /* As grantee: the model's mappings are the maptrack's and the PTEs. */
    uint32_t n = 0, present = 0;

    for (uint32_t h = 0; M[d].nmaps && h < MAPTRACK_MAX; h++) {
        const struct m_map *m = &M[d].map[h];
        const struct grant_map *r;

        if (!m->used)
            continue;
        n++;
        CHECK(g && g->maptrack);
        r = &g->maptrack[h];
        CHECK((r->flags & GRANT_MAP_USED) && r->ref == m->ref &&
              r->dom == m->dom && mfn_val(r->mfn) == m->mfn &&
              !(r->flags & GRANT_MAP_WRITABLE) == !m->rw &&
              !(r->flags & GRANT_MAP_ORPHAN) == !m->orphan);
        CHECK(ptes[d][m->slot].present && ptes[d][m->slot].mfn == m->mfn &&
              ptes[d][m->slot].writable == m->rw);
        exp_ref[m->mfn]++;
        exp_type[m->mfn] += m->rw;
        if (m->orphan) {
            CHECK_EQ(frames[m->mfn].owner, FRAME_OWNER_HYP);
            orphan_frame[m->mfn] = true;
        } else {
            CHECK(M[m->dom].alive && frames[m->mfn].owner == m->dom);
        }
    }
    CHECK_EQ(n, M[d].nmaps);
    CHECK(!g || g->maps == n);
    for (uint32_t s = 0; s < NSLOTS; s++)
        present += ptes[d][s].present;
    CHECK_EQ(present, n);
}

NOCOV static void check_all(bool full)
{
    uint64_t used = RESERVED + kmem_frames();

    memset(exp_ref, 0, sizeof(exp_ref));
    memset(exp_type, 0, sizeof(exp_type));
    memset(orphan_frame, 0, sizeof(orphan_frame));
    for (uint32_t d = 0; d < NDOM; d++) {
        CHECK(!doms[d] == !M[d].alive);
        if (M[d].alive)
            check_domain(d, &used);
        else
            CHECK_EQ(M[d].nmaps, 0);
    }
    for (uint64_t i = 0; i < NFRAMES; i++) {
        const struct frame *f = &frames[i];

        used += orphan_frame[i];
        if (f->ref_count != exp_ref[i] || f->type_count != exp_type[i] ||
            f->type != (exp_type[i] ? FRAME_TYPE_WRITABLE : FRAME_TYPE_NONE)) {
            printf("frame %" PRIu64 ": ref %u type %u:%u, model %u %u\n", i,
                   f->ref_count, f->type, f->type_count, exp_ref[i],
                   exp_type[i]);
            fflush(stdout);
            abort();
        }
    }
    if (NFRAMES - frame_count_free() != used) {
        printf("frames in use %" PRIu64 ", model %" PRIu64 "\n",
               NFRAMES - frame_count_free(), used);
        fflush(stdout);
        abort();
    }
    if (full)
        CHECK_EQ(frame_check(), 0);
}

/* --- One input ----------------------------------------------------------- */

static void machine_start(void)
{
    CHECK_EQ(frame_table_init(frames, NFRAMES), 0);
    CHECK_EQ(frame_mark_reserved(mfn_init(0), RESERVED, FRAME_OWNER_HYP), 0);
    CHECK_EQ(frame_add_free(mfn_init(RESERVED), NFRAMES - RESERVED), 0);
    frame_fault_arm(0);
    memset(ptes, 0, sizeof(ptes));
    memset(M, 0, sizeof(M));
    memset(doms, 0, sizeof(doms));
    for (uint32_t d = 0; d < NDOM; d++)
        fz_create(d);
}

static void machine_end(void)
{
    for (uint32_t d = 0; d < NDOM; d++) {
        fz_destroy(d);
        check_all(true);
    }
    CHECK_EQ(frame_count_free(), NFRAMES - RESERVED);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    log_set_level(LOG_ERROR);
    fz_trace = getenv("GRANT_FUZZ_TRACE") != NULL;
    fz_in = data;
    fz_left = size;
    fz_many_budget = 3000;
    machine_start();
    for (unsigned i = 0; fz_left > 0 && i < MAX_OPS; i++) {
        uint8_t op = u8();
        int fault = op & 0x80 ? 1 + u8() % 12 : 0;

        switch (op % 16) {
        case 0:
            fz_setup(fault);
            break;
        case 1 ... 2:
            fz_write_entry();
            break;
        case 3:
            fz_end_access();
            break;
        case 4 ... 6:
            fz_map(fault);
            break;
        case 7:
            fz_unmap();
            break;
        case 8:
            fz_copy();
            break;
        case 9:
            fz_destroy(u8() % NDOM);
            break;
        case 10:
            fz_create(u8() % NDOM);
            break;
        case 11:
            fz_p2m();
            break;
        case 12:
            fz_map_many();
            break;
        case 13:
            fz_unmap_all();
            break;
        case 14:
            if (op & 0x40)
                fz_builder(fault);
            else
                fz_query();
            break;
        default:
            fz_bad_call();
            break;
        }
        check_all(i % 16 == 15); /* frame_check: O(frames) */
    }
    machine_end();
    return 0;
}
