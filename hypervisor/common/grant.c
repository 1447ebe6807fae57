/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant tables: the generic half (entries, flags, bookkeeping); the page
 * tables are the architecture's (arch_grant_* in arch.h, x86_64:
 * pv_grant.c on top of the PV MMU).
 *
 * Design
 *
 * A domain's grant table is 1..4 frames it owns and maps writable; entries
 * are written by the guest at any time, so the hypervisor reads each one
 * once per use (two 64-bit loads) and changes only GTF_reading and
 * GTF_writing, with compare-and-swap on the entry's first word (flags,
 * domid, pad), so that a granter ending the grant concurrently either wins
 * (the map fails) or sees the flags and fails its own swap. The table
 * frames hold a hypervisor type reference (writable) for the domain's
 * life: they never become page tables.
 *
 * The hypervisor's own records are in hypervisor frames: per ref an active
 * entry (read-only and writable mappings, the frame they pin, the
 * grantee), per grantee a maptrack (handle -> granter, ref, va, frame, the
 * PTE's location). Safety never rests on the guest's flags: a mapping holds
 * references on the frame (taken by the architecture), so the frame cannot
 * be freed or become a page table while it is mapped, whatever the granter
 * writes into its table. The flags only tell the granter what is mapped.
 *
 * Grant gfns are the granter's guest frames, translated through the
 * hypervisor's own p2m of it (p2m.c); the frame must still be the
 * granter's, which the architecture checks again under its lock.
 *
 * Lifetime: when a granter dies with frames still mapped, each such frame is
 * handed to the hypervisor (arch_grant_orphan) and the grantees' maptrack
 * entries are marked orphan; the last unmap frees it. A dying grantee's
 * mappings are undone first.
 *
 * Locking: one CPU, hypervisor not preemptible (as domain.c); the frame
 * references and PTEs are under pvmm_lock in the architecture.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <carapace/errno.h>
#include <carapace/grant_table.h>

#include "arch.h"
#include "domain.h"
#include "frame.h"
#include "grant.h"
#include "kmem.h"
#include "panic.h"
#include "p2m.h"
#include "guestmem.h"
#include "hypercall.h"
#include "log.h"

#define GTF_ALL       (GTF_permit_access | GTF_readonly | GTF_reading | GTF_writing)
#define GRANT_RETRIES 4 /* compare-and-swap attempts before -EAGAIN */

/* 1024 mappings per grantee (32 KiB, allocated at its first map): dom0's
 * console back end maps one ring per domU, and there can be 1023 domUs. */
#define MAPTRACK_ORDER 3
#define MAPTRACK_MAX   ((PAGE_SIZE << MAPTRACK_ORDER) / sizeof(struct grant_map))

/* The hypervisor's record of one ref's mappings. */
struct grant_active {
    mfn_t mfn;      /* the frame pinned by the mappings (ro + rw > 0) */
    uint16_t ro;    /* read-only mappings */
    uint16_t rw;    /* writable mappings */
    uint16_t domid; /* the grantee that holds them */
    uint16_t pad;
};
_Static_assert(PAGE_SIZE / sizeof(struct grant_active) ==
                   GRANT_ENTRIES_PER_FRAME,
               "one active frame per table frame");

#define GRANT_MAP_USED     0x1
#define GRANT_MAP_WRITABLE 0x2
#define GRANT_MAP_ORPHAN   0x4 /* the granter died; the frame is the HV's */

/* One mapping a grantee holds (its handle is the index). */
struct grant_map {
    uint64_t va;
    uint64_t cookie; /* arch: where the PTE is */
    mfn_t mfn;
    uint32_t ref;
    uint16_t dom; /* granter */
    uint8_t flags;
    uint8_t pad;
};

struct grant_domain {
    uint32_t domid;
    uint32_t nr_frames;             /* table frames */
    mfn_t table[GNTTAB_MAX_FRAMES]; /* owned by the domain */
    /* The active entries of refs 0 .. act_nr - 1 (kmem), made as refs are
     * first mapped: a domain whose console ring (ref 0) is all it grants
     * needs 16, not a frame per table frame. */
    struct grant_active *act;
    uint32_t act_nr;
    struct grant_map *maptrack; /* NULL until a map */
    uint32_t maps;              /* maptrack in use */
};
_Static_assert(sizeof(struct grant_domain) <= KMEM_SLAB_MAX, "a slab object");
#define GRANT_ACT_FIRST 16 /* active entries made at a domain's first map */

/* --- Frames ---------------------------------------------------------- */

/* 2^order zeroed frames of owner: *p in the direct map, *m (if not NULL)
 * the first frame. 0 or -ENOMEM. */
static int grant_alloc(unsigned order, uint32_t owner, void **p, mfn_t *m)
{
    mfn_t first = frame_alloc(order, owner);

    if (!mfn_valid(first))
        return -CARAPACE_ENOMEM;
    *p = mfn_to_virt(first);
    memset(*p, 0, PAGE_SIZE << order);
    if (m)
        *m = first;
    return 0;
}

static void grant_free(void *p, unsigned order)
{
    if (p)
        frame_free(virt_to_mfn(p), order);
}

/* The state and its active entries. */
static void grant_state_free(struct grant_domain *g)
{
    kmem_free(g->act, g->act_nr * sizeof(struct grant_active));
    kmem_free(g, sizeof(*g));
}

/* d's grant state in *out, created on first use. 0 or -ENOMEM. */
static int grant_state(struct domain *d, struct grant_domain **out)
{
    void *p;
    int rc;

    if (!d->grant) {
        p = kmem_alloc(sizeof(struct grant_domain));
        rc = p ? 0 : -CARAPACE_ENOMEM;
        if (rc)
            return rc;
        d->grant = p;
        d->grant->domid = d->id;
    }
    *out = d->grant;
    return 0;
}

/* d's grant state goes if it holds nothing (no table, no maptrack): what
 * a refused operation created for itself does not stay. */
static void grant_state_trim(struct domain *d)
{
    struct grant_domain *g = d->grant;

    if (g && g->nr_frames == 0 && !g->maptrack) {
        d->grant = NULL;
        grant_state_free(g);
    }
}

/* d's state with its maptrack (allocated at its first map), in *out;
 * *fresh if the maptrack was made now. Nothing stays on failure. */
static int grant_maptrack(struct domain *d, struct grant_domain **out,
                          bool *fresh)
{
    void *p;
    int rc = grant_state(d, out);

    *fresh = false;
    if (rc || (*out)->maptrack)
        return rc;
    rc = grant_alloc(MAPTRACK_ORDER, FRAME_OWNER_HYP, &p, NULL);
    if (rc)
        goto trim;
    (*out)->maptrack = p;
    *fresh = true;
    return 0;
trim:
    grant_state_trim(d);
    return rc;
}

/* A map that made the maptrack was refused: it goes, as does the state
 * if nothing else holds it. */
static void grant_maptrack_drop(struct domain *d, bool fresh)
{
    if (!fresh)
        return;
    grant_free(d->grant->maptrack, MAPTRACK_ORDER);
    d->grant->maptrack = NULL;
    grant_state_trim(d);
}

/* A domain that may take part in a grant operation now. */
static struct domain *grant_domain_live(uint32_t id)
{
    struct domain *d = domain_get(id);

    return d && d->state != DOMAIN_DYING ? d : NULL;
}

/* --- Entries --------------------------------------------------------- */

static uint32_t grant_nr_entries(const struct grant_domain *g)
{
    return g ? g->nr_frames * GRANT_ENTRIES_PER_FRAME : 0;
}

/* Word 0 (flags | domid << 16 | pad << 32) or 1 (gfn) of entry ref. */
static uint64_t *grant_word(const struct grant_domain *g, uint32_t ref,
                            unsigned w)
{
    uint64_t *t = mfn_to_virt(g->table[ref / GRANT_ENTRIES_PER_FRAME]);

    return &t[(ref % GRANT_ENTRIES_PER_FRAME) * 2 + w];
}

/* ref's active entry: nothing mapped (all zero) if not made yet. */
static const struct grant_active *grant_act(const struct grant_domain *g,
                                            uint32_t ref)
{
    static const struct grant_active none;

    return ref < g->act_nr ? &g->act[ref] : &none;
}

/* ref's active entry, which a mapping of ref has made. */
static struct grant_active *grant_act_mut(const struct grant_domain *g,
                                          uint32_t ref)
{
    ASSERT(ref < g->act_nr);
    return &g->act[ref];
}

/* Room for ref's active entry: if g has none, a larger array (a power of
 * two above ref) in *n, *nr, not in use until grant_act_install, so that a
 * map refused after this changes nothing; else *n = NULL. 0 or -ENOMEM. */
static int grant_act_room(const struct grant_domain *g, uint32_t ref,
                          struct grant_active **n, uint32_t *nr)
{
    *n = NULL;
    *nr = g->act_nr ? g->act_nr : GRANT_ACT_FIRST;
    if (ref < g->act_nr)
        return 0;
    while (*nr <= ref)
        *nr *= 2;
    *n = kmem_alloc(*nr * sizeof(**n));
    return *n ? 0 : -CARAPACE_ENOMEM;
}

/* The array from grant_act_room in use (the old entries copied); ref's
 * entry. */
static struct grant_active *grant_act_install(struct grant_domain *g,
                                              uint32_t ref,
                                              struct grant_active *n,
                                              uint32_t nr)
{
    if (n) {
        if (g->act)
            memcpy(n, g->act, g->act_nr * sizeof(*n));
        kmem_free(g->act, g->act_nr * sizeof(*n));
        g->act = n;
        g->act_nr = nr;
    }
    return grant_act_mut(g, ref);
}

/* May `caller` use an entry whose first word is w0 (write: writably)? */
static int grant_entry_check(uint64_t w0, uint32_t caller, bool write)
{
    uint16_t flags = (uint16_t)w0, domid = (uint16_t)(w0 >> 16);

    if (!(flags & GTF_permit_access))
        return -CARAPACE_EPERM;
    if ((w0 >> 32) || (flags & ~GTF_ALL))
        return -CARAPACE_EINVAL;
    if (domid != caller)
        return -CARAPACE_EPERM;
    if (write && (flags & GTF_readonly))
        return -CARAPACE_EPERM;
    return 0;
}

/* Check entry ref for caller and set GTF_reading (| GTF_writing). */
static int grant_entry_pin(const struct grant_domain *g, uint32_t ref,
                           uint32_t caller, bool write)
{
    uint64_t *w = grant_word(g, ref, 0), old, set;
    int rc;

    set = GTF_reading | (write ? GTF_writing : 0);
    for (unsigned i = 0; i < GRANT_RETRIES; i++) {
        old = __atomic_load_n(w, __ATOMIC_ACQUIRE);
        rc = grant_entry_check(old, caller, write);
        if (rc)
            return rc;
        if ((old | set) == old ||
            __atomic_compare_exchange_n(w, &old, old | set, false,
                                        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            return 0;
    }
    return -CARAPACE_EAGAIN;
}

/* Make the entry's reading/writing flags say what act holds. */
static void grant_entry_sync(const struct grant_domain *g, uint32_t ref)
{
    const struct grant_active *a = grant_act(g, ref);
    uint64_t clear = 0;

    if (a->rw == 0)
        clear |= GTF_writing;
    if (a->ro == 0 && a->rw == 0)
        clear |= GTF_reading;
    if (clear)
        __atomic_fetch_and(grant_word(g, ref, 0), ~clear, __ATOMIC_SEQ_CST);
}

/* The gfn entry ref grants (word 1), read once: the guest may change it. */
static gfn_t grant_entry_gfn(const struct grant_domain *g, uint32_t ref)
{
    return gfn_init(__atomic_load_n(grant_word(g, ref, 1), __ATOMIC_ACQUIRE));
}

/* Machine frame of d's gfn. */
static int grant_gfn_to_mfn(const struct domain *d, gfn_t gfn, mfn_t *out)
{
    *out = p2m_get(d, gfn);
    return mfn_valid(*out) ? 0 : -CARAPACE_EINVAL;
}

static bool grant_is_table(const struct grant_domain *g, mfn_t m)
{
    for (uint32_t i = 0; i < g->nr_frames; i++)
        if (mfn_val(g->table[i]) == mfn_val(m))
            return true;
    return false;
}

/* The frame behind (dom, ref) for caller: entry checked, not pinned. */
static int grant_ref_frame(struct domain *caller, uint32_t dom, uint32_t ref,
                           bool write, struct domain **gd_out, mfn_t *mfn)
{
    struct domain *gd;
    int rc;

    if (dom == caller->id || dom == DOMID_SELF)
        return -CARAPACE_EINVAL;
    gd = grant_domain_live(dom);
    if (!gd)
        return -CARAPACE_ESRCH;
    if (ref >= grant_nr_entries(gd->grant))
        return -CARAPACE_EINVAL;
    rc = grant_entry_check(
        __atomic_load_n(grant_word(gd->grant, ref, 0), __ATOMIC_ACQUIRE),
        caller->id, write);
    if (rc == 0)
        rc = grant_gfn_to_mfn(gd, grant_entry_gfn(gd->grant, ref), mfn);
    if (rc == 0 && grant_is_table(gd->grant, *mfn))
        rc = -CARAPACE_EPERM;
    *gd_out = gd;
    return rc;
}

/* --- Operations ------------------------------------------------------ */

/* One more table frame of d, held as writable memory. Nothing stays
 * allocated on failure. */
static int grant_frame_new(struct domain *d, mfn_t *tab)
{
    void *t;
    int rc = grant_alloc(0, d->id, &t, tab);

    if (rc)
        return rc;
    rc = arch_grant_table_hold(d->id, *tab, true);
    if (rc)
        frame_free(*tab, 0);
    return rc;
}

static void grant_frame_release(struct domain *d, mfn_t tab)
{
    arch_grant_table_hold(d->id, tab, false);
    frame_free(tab, 0);
}

/* Grow d's table to n frames, all of them or none. */
static int grant_grow(struct domain *d, uint32_t n)
{
    struct grant_domain *g;
    mfn_t tab[GNTTAB_MAX_FRAMES];
    uint32_t i, have;
    int rc = grant_state(d, &g);

    if (rc)
        return rc;
    have = g->nr_frames;
    for (i = have; i < n; i++) {
        rc = grant_frame_new(d, &tab[i]);
        if (rc)
            goto unwind;
    }
    for (i = have; i < n; i++)
        g->table[i] = tab[i];
    if (n > have)
        g->nr_frames = n;
    return 0;
unwind:
    while (i-- > have)
        grant_frame_release(d, tab[i]);
    grant_state_trim(d);
    return rc;
}

static int grant_setup(struct domain *d, struct gnttab_setup_table *op)
{
    const struct grant_domain *g;
    int rc;

    if (op->nr_frames < 1 || op->nr_frames > GNTTAB_MAX_FRAMES)
        return -CARAPACE_EINVAL;
    rc = grant_grow(d, op->nr_frames);
    if (rc)
        return rc;
    g = d->grant;
    op->nr_frames = g->nr_frames;
    for (uint32_t i = 0; i < GNTTAB_MAX_FRAMES; i++)
        op->frames[i] = i < g->nr_frames ? mfn_val(g->table[i]) : 0;
    return 0;
}

static int grant_map(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
    struct domain *d = v->domain, *gd;
    struct grant_domain *mine, *g;
    const struct grant_active *a;
    struct grant_active *grown, *act;
    uint32_t grown_nr;
    struct grant_map *m = NULL;
    bool write = !(op->flags & GNTMAP_readonly), fresh;
    uint64_t cookie;
    mfn_t mfn;
    uint32_t h;
    int rc;

    if ((op->flags & ~GNTMAP_readonly) || op->pad)
        return -CARAPACE_EINVAL;
    if (op->dom == d->id || op->dom == DOMID_SELF)
        return -CARAPACE_EINVAL;
    gd = grant_domain_live(op->dom);
    if (!gd)
        return -CARAPACE_ESRCH;
    g = gd->grant;
    if (op->ref >= grant_nr_entries(g))
        return -CARAPACE_EINVAL;
    rc = grant_maptrack(d, &mine, &fresh);
    if (rc)
        return rc;
    for (h = 0; h < MAPTRACK_MAX; h++) {
        if (!(mine->maptrack[h].flags & GRANT_MAP_USED)) {
            m = &mine->maptrack[h];
            break;
        }
    }
    if (!m)
        return -CARAPACE_ENOMEM; /* all 1024 in use: not a fresh one */
    rc = grant_act_room(g, op->ref, &grown, &grown_nr);
    if (rc)
        goto drop;
    a = grant_act(g, op->ref);
    rc = grant_entry_pin(g, op->ref, d->id, write);
    if (rc)
        goto drop;
    if (a->ro || a->rw) {
        /* Already mapped: the pinned frame, whatever gfn says now. */
        mfn = a->mfn;
        if (a->domid != d->id)
            rc = -CARAPACE_EPERM;
    } else {
        rc = grant_gfn_to_mfn(gd, grant_entry_gfn(g, op->ref), &mfn);
        if (rc == 0 && grant_is_table(g, mfn))
            rc = -CARAPACE_EPERM;
    }
    if (rc == 0)
        rc = arch_grant_map(v, op->va, mfn, gd->id, write, &cookie);
    if (rc)
        goto unpin;
    act = grant_act_install(g, op->ref, grown, grown_nr);
    act->mfn = mfn;
    act->domid = (uint16_t)d->id;
    if (write)
        act->rw++;
    else
        act->ro++;
    *m = (struct grant_map){
        .va = op->va,
        .cookie = cookie,
        .mfn = mfn,
        .ref = op->ref,
        .dom = (uint16_t)gd->id,
        .flags = GRANT_MAP_USED | (write ? GRANT_MAP_WRITABLE : 0),
    };
    mine->maps++;
    op->handle = h;
    op->mfn = mfn_val(mfn);
    return 0;
unpin:
    grant_entry_sync(g, op->ref);
drop:
    kmem_free(grown, grown_nr * sizeof(*grown)); /* NULL: none was made */
    grant_maptrack_drop(d, fresh);
    return rc;
}

/* Undo mapping m of domain d (its grantee). */
static int grant_unmap_entry(struct domain *d, struct grant_map *m)
{
    bool write = m->flags & GRANT_MAP_WRITABLE;
    mfn_t mfn = m->mfn;
    int rc;

    rc = arch_grant_unmap(d, m->cookie, mfn, write);
    if (rc)
        return rc;
    if (m->flags & GRANT_MAP_ORPHAN) {
        if (arch_grant_orphan_release(mfn))
            log_debug("grant: frame %#lx of a dead domain freed: its last "
                      "mapping (domain %u) is gone\n",
                      mfn_val(mfn), d->id);
    } else {
        struct domain *gd = domain_get(m->dom);
        struct grant_active *a = grant_act_mut(gd->grant, m->ref);

        if (write)
            a->rw--;
        else
            a->ro--;
        grant_entry_sync(gd->grant, m->ref);
    }
    memset(m, 0, sizeof(*m));
    d->grant->maps--;
    return 0;
}

static int grant_unmap(struct domain *d,
                       const struct gnttab_unmap_grant_ref *op)
{
    struct grant_domain *mine = d->grant;
    struct grant_map *m;

    if (!mine || !mine->maptrack || op->handle >= MAPTRACK_MAX)
        return -CARAPACE_EINVAL;
    m = &mine->maptrack[op->handle];
    if (!(m->flags & GRANT_MAP_USED) || m->va != op->va)
        return -CARAPACE_EINVAL;
    return grant_unmap_entry(d, m);
}

/* One side of a copy: *p gets the bytes in the direct map. */
static int grant_copy_side(struct domain *d, const struct gnttab_copy_ptr *s,
                           bool gref, bool write, uint16_t len, uint8_t **p)
{
    struct domain *owner = d;
    mfn_t mfn;
    int rc;

    if (s->pad[0] || s->pad[1] || s->pad[2] ||
        (uint32_t)s->offset + len > PAGE_SIZE)
        return -CARAPACE_EINVAL;
    if (gref) {
        if (s->gfn)
            return -CARAPACE_EINVAL;
        rc = grant_ref_frame(d, s->dom, s->ref, write, &owner, &mfn);
    } else {
        if (s->dom != DOMID_SELF || s->ref)
            return -CARAPACE_EINVAL;
        rc = grant_gfn_to_mfn(d, gfn_init(s->gfn), &mfn);
    }
    if (rc == 0)
        rc = arch_grant_frame_check(owner->id, mfn, write);
    if (rc == 0)
        *p = (uint8_t *)mfn_to_virt(mfn) + s->offset;
    return rc;
}

static int grant_copy(struct domain *d, const struct gnttab_copy *op)
{
    uint8_t *src, *dst;
    int rc;

    if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return -CARAPACE_EINVAL;
    rc = grant_copy_side(d, &op->source, op->flags & GNTCOPY_source_gref, false,
                         op->len, &src);
    if (rc == 0)
        rc = grant_copy_side(d, &op->dest, op->flags & GNTCOPY_dest_gref, true,
                             op->len, &dst);
    if (rc == 0)
        memmove(dst, src, op->len);
    return rc;
}

/* --- The hypercall --------------------------------------------------- */

union grant_op {
    struct gnttab_setup_table setup;
    struct gnttab_map_grant_ref map;
    struct gnttab_unmap_grant_ref unmap;
    struct gnttab_copy copy;
    struct gnttab_query_size query;
};

/* Each command runs on one entry and sets its status. */
static void grant_op_setup_table(struct vcpu *v, union grant_op *op)
{
    op->setup.status = grant_setup(v->domain, &op->setup);
}

static void grant_op_map_grant_ref(struct vcpu *v, union grant_op *op)
{
    op->map.status = grant_map(v, &op->map);
}

static void grant_op_unmap_grant_ref(struct vcpu *v, union grant_op *op)
{
    op->unmap.status = grant_unmap(v->domain, &op->unmap);
}

static void grant_op_copy(struct vcpu *v, union grant_op *op)
{
    op->copy.status = grant_copy(v->domain, &op->copy);
}

static void grant_op_query_size(struct vcpu *v, union grant_op *op)
{
    const struct grant_domain *g = v->domain->grant;

    op->query.nr_frames = g ? g->nr_frames : 0;
    op->query.max_frames = GNTTAB_MAX_FRAMES;
    op->query.status = 0;
    op->query.pad = 0;
}

/* Slot GNTTABOP_<name>: its entry's size and grant_op_<name>. */
static const struct {
    uint16_t size;
    void (*run)(struct vcpu *v, union grant_op *op);
} grant_op[] = {
    [GNTTABOP_setup_table] = {sizeof(struct gnttab_setup_table),
                              grant_op_setup_table},
    [GNTTABOP_map_grant_ref] = {sizeof(struct gnttab_map_grant_ref),
                                grant_op_map_grant_ref},
    [GNTTABOP_unmap_grant_ref] = {sizeof(struct gnttab_unmap_grant_ref),
                                  grant_op_unmap_grant_ref},
    [GNTTABOP_copy] = {sizeof(struct gnttab_copy), grant_op_copy},
    [GNTTABOP_query_size] = {sizeof(struct gnttab_query_size),
                             grant_op_query_size},
};

long hypercall_grant_table_op(struct vcpu *v, const uint64_t a[5])
{
    uint64_t cmd = a[0], va = a[1], count = a[2], size;
    union grant_op op;

    if (cmd >= sizeof(grant_op) / sizeof(grant_op[0]) || !grant_op[cmd].run)
        return -CARAPACE_ENOSYS;
    if (count > GNTTAB_OP_MAX)
        return -CARAPACE_E2BIG;
    size = grant_op[cmd].size;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = va + i * size;

        /* Read, and make sure the result can be written back: a mapping
         * whose handle could not be reported would be lost to the guest. */
        if (guestmem_read(&op, gva_init(at), size) ||
            guestmem_write(gva_init(at), &op, size))
            return -CARAPACE_EFAULT;
        grant_op[cmd].run(v, &op);
        if (guestmem_write(gva_init(at), &op, size))
            return -CARAPACE_EFAULT;
    }
    return 0;
}

/* --- Builder and teardown -------------------------------------------- */

int grant_domain_init(struct domain *d, unsigned nr_frames)
{
    if (nr_frames < 1 || nr_frames > GNTTAB_MAX_FRAMES)
        return -CARAPACE_EINVAL;
    return grant_grow(d, nr_frames);
}

void grant_domain_fini(struct domain *d)
{
    struct grant_domain *g = d->grant;

    if (!g)
        return;
    for (uint32_t i = 0; i < g->nr_frames; i++)
        grant_frame_release(d, g->table[i]);
    g->nr_frames = 0;
    grant_free(g->maptrack, MAPTRACK_ORDER);
    g->maptrack = NULL;
    grant_state_trim(d);
}

int grant_builder_set(struct domain *d, uint32_t ref, uint16_t domid, gfn_t gfn,
                      uint16_t flags)
{
    struct grant_domain *g = d->grant;
    struct grant_active *n;
    uint32_t nr;

    if (ref >= grant_nr_entries(g) ||
        (flags & ~(GTF_permit_access | GTF_readonly)))
        return -CARAPACE_EINVAL;
    /* Its active entry now: the grantee (dom0 attaching a console) must
     * not need memory to map it, even when the machine is full. */
    if (grant_act_room(g, ref, &n, &nr))
        return -CARAPACE_ENOMEM;
    grant_act_install(g, ref, n, nr);
    __atomic_store_n(grant_word(g, ref, 1), gfn_val(gfn), __ATOMIC_RELAXED);
    __atomic_store_n(grant_word(g, ref, 0), flags | (uint64_t)domid << 16,
                     __ATOMIC_RELEASE);
    return 0;
}

/* Granter d dies: the grantees' mappings of ref keep the frame alive. */
static void grant_orphan_ref(struct domain *d, uint32_t ref)
{
    const struct grant_active *a = grant_act(d->grant, ref);
    struct domain *e = domain_get(a->domid);
    struct grant_domain *eg = e ? e->grant : NULL;

    for (uint32_t h = 0; eg && eg->maptrack && h < MAPTRACK_MAX; h++) {
        struct grant_map *m = &eg->maptrack[h];

        if ((m->flags & GRANT_MAP_USED) && !(m->flags & GRANT_MAP_ORPHAN) &&
            m->dom == d->id && m->ref == ref)
            m->flags |= GRANT_MAP_ORPHAN;
    }
    arch_grant_orphan(d->id, a->mfn);
    log_debug("grant: domain %u dies with frame %#lx (ref %u) mapped by "
              "domain %u: kept until unmapped\n",
              d->id, mfn_val(a->mfn), ref, a->domid);
}

void grant_domain_destroy(struct domain *d)
{
    struct grant_domain *g = d->grant;

    if (!g)
        return;
    for (uint32_t h = 0; g->maptrack && h < MAPTRACK_MAX; h++) {
        if ((g->maptrack[h].flags & GRANT_MAP_USED) &&
            grant_unmap_entry(d, &g->maptrack[h]))
            log_err("grant: domain %u: mapping %u cannot be undone\n", d->id,
                    h);
    }
    for (uint32_t ref = 0; ref < grant_nr_entries(g); ref++) {
        const struct grant_active *a = grant_act(g, ref);

        if (a->ro || a->rw)
            grant_orphan_ref(d, ref);
    }
    for (uint32_t i = 0; i < g->nr_frames; i++)
        arch_grant_table_hold(d->id, g->table[i], false);
    grant_free(g->maptrack, MAPTRACK_ORDER);
    g->maptrack = NULL;
}

uint64_t grant_domain_release(struct domain *d)
{
    struct grant_domain *g = d->grant;
    uint64_t freed = 0;

    if (!g)
        return 0;
    /* The domain's page tables are gone: nothing maps its table now,
     * unless a frame is still in use (then domain_destroy's search of
     * the frame table finds it). */
    for (uint32_t i = 0; i < g->nr_frames; i++)
        if (frame_free(g->table[i], 0) == 0)
            freed++;
    d->grant = NULL;
    grant_state_free(g);
    return freed;
}
