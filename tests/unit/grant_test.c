/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the generic grant-table code (common/grant.c, included
 * here to see its private state) on a fake machine: frame.c over a 4 MiB
 * buffer, three domains whose p2m are real frames, and a fake architecture
 * that keeps grant "PTEs" in an array and counts references on frames as
 * the PV MMU would. Directed tests check each documented error; a random
 * sequence of hostile operations (granters scribbling their entries,
 * grantees mapping, unmapping, copying with random values, domains dying
 * and coming back) checks the invariants after every step.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../hypervisor/common/grant.c"
#include "check.h"

#define NFRAMES 1024
#define NDOM    3
#define DOMMEM  16 /* guest frames per domain */
#ifndef NSLOTS
#define NSLOTS 64 /* fake vas: slot * 4096, slot < NSLOTS */
#endif

static struct frame frames[NFRAMES];
static _Alignas(4096) uint8_t mem[NFRAMES * PAGE_SIZE];
static struct domain *doms[NDOM];
static struct domain domstore[NDOM];
static mfn_t p2m_frame[NDOM];

/* --- The fake machine ---------------------------------------------------- */

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

/* Guest memory of the caller: plain host memory here. */
bool guestmem_range_ok(gva_t gva, uint64_t len)
{
    uint64_t va = gva_val(gva);

    return va && va + len > va;
}

int guestmem_read(void *dst, gva_t va, size_t len)
{
    if (gva_val(va) == 1)
        return -1;
    memcpy(dst, (const void *)gva_val(va), len);
    return 0;
}

int guestmem_write(gva_t va, const void *src, size_t len)
{
    if (gva_val(va) == 1)
        return -1;
    memmove((void *)gva_val(va), src, len);
    return 0;
}

/* Fake PTEs: per domain, slot -> mfn | present | writable. */
struct fake_pte {
    bool present, writable;
    uint64_t mfn;
};
static struct fake_pte ptes[NDOM][NSLOTS];

int arch_grant_map(struct vcpu *v, uint64_t va, mfn_t mfn, uint32_t owner,
                   bool writable, uint64_t *cookie)
{
    struct frame *f = frame_get(mfn);
    uint32_t d = v->domain->id;
    uint64_t slot = va / PAGE_SIZE;

    if ((va & ~PAGE_MASK) || slot >= NSLOTS)
        return -CARAPACE_EINVAL;
    if (ptes[d][slot].present)
        return -CARAPACE_EBUSY;
    if (!f)
        return -CARAPACE_ERANGE;
    if (f->owner != owner)
        return -CARAPACE_EPERM;
    if (writable) {
        if (f->type_count && f->type != FRAME_TYPE_WRITABLE)
            return -CARAPACE_EBUSY;
        f->type = FRAME_TYPE_WRITABLE;
        f->type_count++;
    }
    f->ref_count++;
    ptes[d][slot] = (struct fake_pte){true, writable, mfn_val(mfn)};
    *cookie = slot;
    return 0;
}

int arch_grant_unmap(struct domain *dm, uint64_t cookie, mfn_t mfn,
                     bool writable)
{
    struct fake_pte *p = &ptes[dm->id][cookie];
    struct frame *f = frame_get(mfn);

    if (cookie >= NSLOTS || !p->present || p->mfn != mfn_val(mfn) ||
        p->writable != writable)
        return -CARAPACE_EINVAL;
    if (writable && --f->type_count == 0)
        f->type = FRAME_TYPE_NONE;
    f->ref_count--;
    *p = (struct fake_pte){0};
    return 0;
}

int arch_grant_frame_check(uint32_t owner, mfn_t mfn, bool write)
{
    const struct frame *f = frame_get(mfn);

    (void)write;
    if (!f)
        return -CARAPACE_ERANGE;
    return f->owner == owner ? 0 : -CARAPACE_EPERM;
}

int arch_grant_table_hold(uint32_t dom, mfn_t mfn, bool hold)
{
    struct frame *f = frame_get(mfn);

    if (hold) {
        if (f->owner != dom)
            return -CARAPACE_EPERM;
        f->ref_count++, f->type_count++, f->type = FRAME_TYPE_WRITABLE;
    } else {
        f->ref_count--;
        if (--f->type_count == 0)
            f->type = FRAME_TYPE_NONE;
    }
    return 0;
}

void arch_grant_orphan(uint32_t owner, mfn_t mfn)
{
    frame_set_owner(mfn, owner, FRAME_OWNER_HYP);
}

static unsigned orphans_freed;

bool arch_grant_orphan_release(mfn_t mfn)
{
    const struct frame *f = frame_get(mfn);

    if (f->owner != FRAME_OWNER_HYP || f->ref_count || f->type_count)
        return false;
    orphans_freed++;
    return frame_free(mfn, 0) == 0;
}

/* --- Domains ------------------------------------------------------------- */

/* The hypervisor's p2m (p2m.c) for grant.c: here one frame per domain. */
mfn_t p2m_get(const struct domain *d, gfn_t gfn)
{
    if (gfn_val(gfn) >= d->nr_frames)
        return mfn_init(INVALID_MFN_VAL);
    return mfn_init(
        ((const uint64_t *)mfn_to_virt(p2m_frame[d->id]))[gfn_val(gfn)]);
}

static void dom_create(uint32_t id)
{
    struct domain *d = &domstore[id];
    uint64_t *p2m;

    memset(d, 0, sizeof(*d));
    d->id = id;
    d->nr_frames = DOMMEM;
    d->vcpu[0].domain = d;
    p2m_frame[id] = frame_alloc(0, id);
    p2m = mfn_to_virt(p2m_frame[id]);
    for (unsigned g = 0; g < DOMMEM; g++) {
        mfn_t m = frame_alloc(0, id);

        CHECK(mfn_valid(m));
        memset(mfn_to_virt(m), (int)(id * 16 + g), PAGE_SIZE);
        p2m[g] = mfn_val(m);
    }
    doms[id] = d;
}

/* As domain_destroy: grants, (no page tables here) the grant state and
 * its table frames, then every frame. */
static void dom_destroy(uint32_t id)
{
    struct domain *d = doms[id];

    d->state = DOMAIN_DYING;
    grant_domain_destroy(d);
    grant_domain_release(d);
    CHECK(d->grant == NULL);
    for (uint64_t i = 0; i < NFRAMES; i++)
        if (frames[i].owner == id)
            frame_free(mfn_init(i), 0);
    doms[id] = NULL;
}

static struct grant_entry *table(uint32_t id)
{
    return mfn_to_virt(doms[id]->grant->table[0]);
}

static void grant(uint32_t from, uint32_t ref, uint16_t to, uint64_t gfn,
                  uint16_t flags)
{
    struct grant_entry *e = &table(from)[ref];

    e->domid = to;
    e->pad = 0;
    e->gfn = gfn;
    e->flags = flags;
}

static long op(uint32_t caller, uint64_t cmd, void *args, uint64_t count)
{
    const uint64_t a[5] = {cmd, (uint64_t)args, count, 0, 0};

    return hypercall_grant_table_op(&doms[caller]->vcpu[0], a);
}

static int32_t map(uint32_t caller, uint32_t dom, uint32_t ref, uint64_t slot,
                   uint32_t flags, uint32_t *handle)
{
    struct gnttab_map_grant_ref m = {
        .dom = dom, .ref = ref, .va = slot * PAGE_SIZE, .flags = flags};

    CHECK_EQ(op(caller, GNTTABOP_map_grant_ref, &m, 1), 0);
    if (handle)
        *handle = m.handle;
    return m.status;
}

static int32_t unmap(uint32_t caller, uint32_t handle, uint64_t slot)
{
    struct gnttab_unmap_grant_ref u = {.handle = handle,
                                       .va = slot * PAGE_SIZE};

    CHECK_EQ(op(caller, GNTTABOP_unmap_grant_ref, &u, 1), 0);
    return u.status;
}

/* --- Invariants ---------------------------------------------------------- */

static unsigned invariant_failures;

#define INV(cond)                                                              \
    do {                                                                       \
        if (!(cond)) {                                                         \
            invariant_failures++;                                              \
            printf("invariant failed at %s:%d: %s\n", __FILE__, __LINE__,      \
                   #cond);                                                     \
        }                                                                      \
    } while (0)

static void check_invariants(void)
{
    /* Every fake PTE is one maptrack entry and vice versa; active counts
     * equal the live mappings of each ref; frame references match. */
    static uint32_t refs[NFRAMES];

    memset(refs, 0, sizeof(refs));
    for (uint32_t d = 0; d < NDOM; d++) {
        unsigned used = 0;
        struct grant_domain *g = doms[d] ? doms[d]->grant : NULL;

        for (unsigned s = 0; s < NSLOTS; s++) {
            if (!ptes[d][s].present)
                continue;
            INV(doms[d] != NULL);
            refs[ptes[d][s].mfn]++;
        }
        if (!g)
            continue;
        for (uint32_t h = 0; g->maptrack && h < MAPTRACK_MAX; h++) {
            const struct grant_map *m = &g->maptrack[h];

            if (!(m->flags & GRANT_MAP_USED))
                continue;
            used++;
            INV(ptes[d][m->cookie].present &&
                ptes[d][m->cookie].mfn == mfn_val(m->mfn) &&
                m->va == m->cookie * PAGE_SIZE);
            INV((m->flags & GRANT_MAP_ORPHAN) ||
                (doms[m->dom] && doms[m->dom]->grant));
            if (m->flags & GRANT_MAP_ORPHAN)
                INV(frames[mfn_val(m->mfn)].owner == FRAME_OWNER_HYP);
            else
                INV(frames[mfn_val(m->mfn)].owner == m->dom);
        }
        INV(used == g->maps);
        unsigned present = 0;
        for (unsigned s = 0; s < NSLOTS; s++)
            present += ptes[d][s].present;
        INV(present == used);
        /* Active entries of d as granter. */
        for (uint32_t ref = 0; ref < grant_nr_entries(g); ref++) {
            const struct grant_active *a = grant_act(g, ref);
            unsigned ro = 0, rw = 0;

            if (ref >= 8) { /* the tests map refs 0..7 only */
                INV(a->ro == 0 && a->rw == 0);
                continue;
            }

            for (uint32_t e = 0; e < NDOM; e++) {
                struct grant_domain *eg = doms[e] ? doms[e]->grant : NULL;

                for (uint32_t h = 0; eg && eg->maptrack && h < MAPTRACK_MAX;
                     h++) {
                    const struct grant_map *m = &eg->maptrack[h];

                    if ((m->flags & GRANT_MAP_USED) &&
                        !(m->flags & GRANT_MAP_ORPHAN) && m->dom == d &&
                        m->ref == ref) {
                        INV(e == a->domid &&
                            mfn_val(m->mfn) == mfn_val(a->mfn));
                        if (m->flags & GRANT_MAP_WRITABLE)
                            rw++;
                        else
                            ro++;
                    }
                }
            }
            INV(a->ro == ro && a->rw == rw);
            /* The hypervisor's flags say so whenever it is mapped (the
             * guest may clear them: only its own information). */
        }
    }
    for (uint64_t i = 0; i < NFRAMES; i++) {
        uint32_t hold = 0;

        for (uint32_t d = 0; d < NDOM; d++) {
            struct grant_domain *g = doms[d] ? doms[d]->grant : NULL;

            for (uint32_t t = 0; g && t < g->nr_frames; t++)
                hold += mfn_val(g->table[t]) == i;
        }
        INV(frames[i].ref_count == refs[i] + hold);
        if (frames[i].owner == FRAME_OWNER_HYP && i >= 16)
            INV(refs[i] > 0 || frames[i].ref_count == 0);
    }
}

/* --- Directed tests ------------------------------------------------------ */

static void test_directed(void)
{
    struct gnttab_setup_table st = {.nr_frames = 0};
    struct gnttab_query_size q;
    uint32_t h, h2;

    /* setup_table */
    CHECK_EQ(op(1, GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, -CARAPACE_EINVAL);
    st.nr_frames = 5;
    CHECK_EQ(op(1, GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, -CARAPACE_EINVAL);
    st.nr_frames = 2;
    CHECK_EQ(op(1, GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, 0);
    CHECK_EQ(st.nr_frames, 2);
    CHECK_EQ(frames[st.frames[1]].owner, 1);
    st.nr_frames = 1; /* grow only */
    CHECK_EQ(op(1, GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.nr_frames, 2);
    CHECK(st.frames[1] != 0 && st.frames[2] == 0);
    CHECK_EQ(op(1, GNTTABOP_query_size, &q, 1), 0);
    CHECK(q.nr_frames == 2 && q.max_frames == 4 && q.status == 0);
    CHECK_EQ(op(1, 5, &q, 1), -CARAPACE_ENOSYS);
    CHECK_EQ(op(1, GNTTABOP_query_size, &q, 65), -CARAPACE_E2BIG);
    CHECK_EQ(op(1, GNTTABOP_query_size, (void *)1, 1), -CARAPACE_EFAULT);

    /* map errors */
    grant(1, 1, 0, 3, GTF_permit_access);
    grant(1, 2, 0, 4, GTF_permit_access | GTF_readonly);
    grant(1, 3, 2, 5, GTF_permit_access);
    grant(1, 4, 0, DOMMEM, GTF_permit_access);
    grant(1, 5, 0, 5, GTF_permit_access | 0x100);
    CHECK_EQ(map(0, 1, 0, 1, 0, NULL), -CARAPACE_EPERM);    /* not granted */
    CHECK_EQ(map(0, 1, 3, 1, 0, NULL), -CARAPACE_EPERM);    /* other domid */
    CHECK_EQ(map(0, 1, 2, 1, 0, NULL), -CARAPACE_EPERM);    /* ro as rw */
    CHECK_EQ(map(0, 1, 4, 1, 0, NULL), -CARAPACE_EINVAL);   /* gfn */
    CHECK_EQ(map(0, 1, 5, 1, 0, NULL), -CARAPACE_EINVAL);   /* flag bits */
    CHECK_EQ(map(0, 1, 512, 1, 0, NULL), -CARAPACE_EINVAL); /* ref */
    CHECK_EQ(map(0, 0, 1, 1, 0, NULL), -CARAPACE_EINVAL);   /* self */
    CHECK_EQ(map(0, 9, 1, 1, 0, NULL), -CARAPACE_ESRCH);
    CHECK_EQ(map(0, 1, 1, 1, 4, NULL), -CARAPACE_EINVAL); /* flags */
    CHECK_EQ(map(0, 2, 1, 1, 0, NULL), -CARAPACE_EINVAL); /* no table */
    table(1)[1].pad = 1;
    CHECK_EQ(map(0, 1, 1, 1, 0, NULL), -CARAPACE_EINVAL); /* entry pad */
    table(1)[1].pad = 0;
    check_invariants();
    CHECK_EQ(table(1)[1].flags, GTF_permit_access); /* nothing set */

    /* map, a second read-only mapping, flags, unmap twice */
    CHECK_EQ(map(0, 1, 1, 1, 0, &h), 0);
    CHECK_EQ(map(0, 1, 1, 1, 0, NULL), -CARAPACE_EBUSY); /* va used */
    CHECK_EQ(map(0, 1, 1, 2, GNTMAP_readonly, &h2), 0);
    CHECK_EQ(table(1)[1].flags, GTF_permit_access | GTF_reading | GTF_writing);
    check_invariants();
    CHECK_EQ(unmap(0, h, 2), -CARAPACE_EINVAL); /* wrong va */
    CHECK_EQ(unmap(0, h, 1), 0);
    CHECK_EQ(table(1)[1].flags, GTF_permit_access | GTF_reading);
    CHECK_EQ(unmap(0, h, 1), -CARAPACE_EINVAL);
    CHECK_EQ(unmap(0, 100000, 1), -CARAPACE_EINVAL);
    CHECK_EQ(unmap(0, h2, 2), 0);
    CHECK_EQ(table(1)[1].flags, GTF_permit_access);
    /* The granter changes the domid while mapped by 0: 2 cannot map. */
    CHECK_EQ(map(0, 1, 1, 1, GNTMAP_readonly, &h), 0);
    table(1)[1].domid = 2;
    CHECK_EQ(map(2, 1, 1, 1, GNTMAP_readonly, NULL), -CARAPACE_EPERM);
    table(1)[1].domid = 0;
    CHECK_EQ(unmap(0, h, 1), 0);
    check_invariants();

    /* copy */
    struct gnttab_copy c = {
        .source = {.dom = 1, .ref = 1, .offset = 4000},
        .dest = {.dom = DOMID_SELF, .gfn = 0},
        .len = 200,
        .flags = GNTCOPY_source_gref,
    };
    CHECK_EQ(op(0, GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, -CARAPACE_EINVAL);
    c.source.offset = 0;
    CHECK_EQ(op(0, GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, 0);
    CHECK_EQ(((uint8_t *)mfn_to_virt(
                 mfn_init(((uint64_t *)mfn_to_virt(p2m_frame[0]))[0])))[199],
             1 * 16 + 3);
    c.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    c.dest = (struct gnttab_copy_ptr){.dom = 1, .ref = 2};
    CHECK_EQ(op(0, GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, -CARAPACE_EPERM); /* read-only destination */
    c.dest = (struct gnttab_copy_ptr){.dom = DOMID_SELF, .gfn = 0, .pad = {1}};
    c.flags = GNTCOPY_source_gref;
    CHECK_EQ(op(0, GNTTABOP_copy, &c, 1), 0);
    CHECK_EQ(c.status, -CARAPACE_EINVAL);
    check_invariants();

    /* The granter dies with a frame mapped: it is kept, then freed. */
    CHECK_EQ(map(0, 1, 1, 3, 0, &h), 0);
    uint64_t mfn = ptes[0][3].mfn;
    dom_destroy(1);
    CHECK_EQ(frames[mfn].owner, FRAME_OWNER_HYP);
    CHECK_EQ(map(0, 1, 1, 4, 0, NULL), -CARAPACE_ESRCH);
    check_invariants();
    unsigned before = orphans_freed;
    CHECK_EQ(unmap(0, h, 3), 0);
    CHECK_EQ(orphans_freed, before + 1);
    CHECK_EQ(frames[mfn].owner, FRAME_OWNER_FREE);
    dom_create(1);
    check_invariants();

    /* The grantee dies: its mappings are undone, the flags cleared. */
    st.nr_frames = 1;
    CHECK_EQ(op(1, GNTTABOP_setup_table, &st, 1), 0);
    grant(1, 7, 2, 6, GTF_permit_access);
    CHECK_EQ(map(2, 1, 7, 5, 0, &h), 0);
    dom_destroy(2);
    CHECK_EQ(table(1)[7].flags, GTF_permit_access);
    CHECK_EQ(grant_act(doms[1]->grant, 7)->rw, 0);
    dom_create(2);
    check_invariants();
}

/* --- Random hostile sequence --------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(uint64_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? rng % n : rng;
}

static void test_random(void)
{
    unsigned maps_ok = 0;
    static uint32_t handles[NDOM][NSLOTS];
    struct gnttab_setup_table st = {.nr_frames = 1};

    for (uint32_t d = 0; d < NDOM; d++)
        op(d, GNTTABOP_setup_table, &st, 1);
    for (unsigned step = 0; step < 20000; step++) {
        uint32_t d = (uint32_t)rnd(NDOM), o = (uint32_t)rnd(NDOM);
        uint32_t ref = (uint32_t)rnd(8), slot = (uint32_t)rnd(NSLOTS);

        switch (rnd(10)) {
        case 0: /* the granter writes an entry, often sensibly */
        case 1:
            if (doms[d]->grant && doms[d]->grant->nr_frames) {
                struct grant_entry *e = &table(d)[ref];
                bool sane = rnd(4) != 0;

                e->domid = sane ? (uint16_t)o : (uint16_t)rnd(0);
                e->gfn = sane ? rnd(DOMMEM) : rnd(0);
                e->pad = sane ? 0 : (uint32_t)rnd(0);
                e->flags = sane ? (uint16_t)(GTF_permit_access |
                                             (rnd(2) ? GTF_readonly : 0))
                                : (uint16_t)rnd(0);
            }
            break;
        case 2: /* the granter ends a grant by the protocol */
            if (doms[d]->grant && doms[d]->grant->nr_frames) {
                uint16_t old = GTF_permit_access;

                /* Refused while the hypervisor's bits are set; the
                 * granter may have scribbled over them (case 0): its loss. */
                __atomic_compare_exchange_n(&table(d)[ref].flags, &old, 0,
                                            false, __ATOMIC_SEQ_CST,
                                            __ATOMIC_SEQ_CST);
            }
            break;
        case 3:
        case 4: {
            uint32_t h;

            uint32_t td = rnd(8) ? o : (uint32_t)rnd(0);
            uint32_t tr = rnd(8) ? ref : (uint32_t)rnd(0);

            if (map(d, td, tr, slot, (uint32_t)rnd(2), &h) == 0) {
                uint16_t f = table(td)[tr].flags;
                bool rw = ptes[d][slot].writable;

                handles[d][slot] = h, maps_ok++;
                INV((f & GTF_reading) && (!rw || (f & GTF_writing)));
            }
            break;
        }
        case 5:
        case 6:
            unmap(d, rnd(8) ? handles[d][slot] : (uint32_t)rnd(0), slot);
            break;
        case 7: {
            struct gnttab_copy c = {
                .source = {.dom = o, .ref = ref, .offset = (uint16_t)rnd(4096)},
                .dest = {.dom = DOMID_SELF,
                         .gfn = rnd(DOMMEM + 2),
                         .offset = (uint16_t)rnd(4096)},
                .len = (uint16_t)rnd(4097),
                .flags = (uint16_t)rnd(4),
            };

            if (c.flags & GNTCOPY_dest_gref)
                c.dest = (struct gnttab_copy_ptr){.dom = o, .ref = ref};
            op(d, GNTTABOP_copy, &c, 1);
            break;
        }
        case 8:
            if (rnd(20) == 0) {
                dom_destroy(d);
                dom_create(d);
                memset(handles[d], 0, sizeof(handles[d]));
                op(d, GNTTABOP_setup_table, &st, 1);
            }
            break;
        default:
            st.nr_frames = (uint32_t)rnd(6);
            op(d, GNTTABOP_setup_table, &st, 1);
            break;
        }
        check_invariants();
        if (invariant_failures > 10)
            break;
    }
    CHECK_EQ(invariant_failures, 0);
    printf("random: %u maps succeeded, %u orphans freed\n", maps_ok,
           orphans_freed);
    CHECK(maps_ok > 100);
    /* Everything goes: no frame of anyone stays referenced. */
    for (uint32_t d = 0; d < NDOM; d++)
        dom_destroy(d);
    for (uint64_t i = 16; i < NFRAMES; i++)
        if (frames[i].owner != FRAME_OWNER_FREE)
            CHECK(!printf("frame %llu: owner %#x, kmem frames %zu\n",
                          (unsigned long long)i, frames[i].owner,
                          kmem_frames()));
}

int main(void)
{
    CHECK_EQ(frame_table_init(frames, NFRAMES), 0);
    CHECK_EQ(frame_mark_reserved(mfn_init(0), 16, FRAME_OWNER_HYP), 0);
    CHECK_EQ(frame_add_free(mfn_init(16), NFRAMES - 16), 0);
    for (uint32_t d = 0; d < NDOM; d++)
        dom_create(d);
    test_directed();
    test_random();
    return check_finish();
}
