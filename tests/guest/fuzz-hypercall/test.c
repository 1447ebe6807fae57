/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A seeded hypercall fuzzer, in three roles chosen by domain id and
 * bootargs (one image): dom0 fuzzes with domctl reachable, a domU with
 * bootargs "fuzz" fuzzes unprivileged, a domU with "canary" fills its free
 * memory with a pattern and re-verifies it until dom0 stops it.
 *
 * Arguments are structure-aware: every hypercall number up to HC_NR + 2,
 * pointers into the fuzzer's own memory, its page tables, shared info and
 * hypercall page, unmapped, kernel-half and non-canonical addresses; own,
 * foreign and absurd frames; own, other and absurd domain ids; counts at
 * and past their limits. The fuzzer protects itself, so that its death is
 * the hypervisor's fault: page-table and mapping calls only ever target a
 * scratch range of free frames, out-pointers only a scratch buffer (or
 * memory the hypervisor must refuse to write), and the calls that would
 * redirect control (HC_iret, HC_set_callbacks, HC_set_trap_table,
 * SCHED_shutdown) only get forms the hypervisor must refuse. No frame
 * number it generates lets a call write its own frames (text, data, stack,
 * page tables, grant table): a PTE naming one is read-only, a table
 * picked to update, pin or unpin is never one of them. A fault in the fuzzer
 * says whether its text is still what it was (if not, it died by its own hand).
 *
 * bootargs: [fuzz|canary] [seed=N] [calls=N]; dom0 runs the domU fuzzer
 * (domain 1) to its end beside the canary (domain 2), then fuzzes itself
 * with physinfo's free frames checked before and after, then stops the
 * canary.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "fuzz-hypercall: seeded structure-aware hypercall "
                          "fuzzing as dom0 and as a domU beside a canary";

#define DEFAULT_SEED  0x5eed0013ULL
#define DEFAULT_CALLS 3000ULL
#define FUZZ_DOMU     1
#define CANARY_DOMU   2
#define NR_SLOTS      (HC_NR + 4) /* 0..HC_NR+2, then "other" */
#define NR_CODES      128         /* -ENOTCONN is 107 */
#define SCRATCH_MAX   48          /* free frames the MMU calls may target */
#define GRANT_VAS     GNTTAB_MAX_FRAMES
#define OUT_SIZE      65536
#define ARENA_SIZE    65536
#define ARENA_CALL    10000 /* more than one call's structures need */
#define MC_ENTRIES    (MULTICALL_MAX + 1)
#define MAX_CREATED   4
#define MS            1000000ULL

/* --- State ----------------------------------------------------------------*/

static uint64_t rng;
static uint64_t only_nr = ~0ULL; /* bootargs only=N: top-level calls of N */
static bool privileged;

/* Where the hypervisor may write at will (out-pointers), where generated
 * structures live (never an out-pointer target), the multicall arrays
 * (one per nesting depth), and a harmless console text. */
static uint8_t fuzz_out[OUT_SIZE] __attribute__((aligned(4096)));
static uint8_t arena[ARENA_SIZE] __attribute__((aligned(64)));
static size_t arena_used;
static int gen_depth; /* 0: a top-level call; 1: in a multicall batch */
static struct multicall_entry mc_array[2][MC_ENTRIES];
static const char console_text[] = "fuzz: console_write\n";
static uint8_t *stack_buf; /* 128 bytes in fuzz_one's frame */

/* Scratch frames: free gfns whose PTEs (and only those) mmu_update,
 * update_va_mapping and grant maps may change. The last GRANT_VAS of
 * them map the grant table and are kept out of the fuzzing. */
static unsigned int nr_scratch;
static uint64_t scratch_gfn0, scratch_mfn[SCRATCH_MAX];
static uint64_t scratch_pte_ma[SCRATCH_MAX];
static uint64_t foreign_mfn[8];
static unsigned int nr_foreign;
static uint64_t own_l4_mfn, own_text_mfn, own_pt_mfn;

/* Frames of ours that no generated frame number may let the fuzzing write:
 * every frame below the first free gfn (the image with its text, data and
 * stack, the start info, the p2m list, the page tables) and the grant
 * table's; sorted, and which of them are page tables. A PTE value naming
 * one is made read-only (unless it is a page table, which the hypervisor
 * must refuse to map writable), and one picked as a page table to update,
 * pin or unpin is replaced by an absurd frame (the scratch PTEs are the only
 * entries of our own tables the fuzzing updates): the fuzzer once mapped its
 * first text frame writable at the last page of its memory (update_va_mapping
 * at the "straddling" address end - 4), and a later out-pointer there, which
 * the hypervisor rightly writes up to the end of the page, overwrote the
 * last bytes of its text. */
#define PROTECT_MAX 4096
static uint64_t protected_mfn[PROTECT_MAX];
static bool protected_pt[PROTECT_MAX];
static unsigned int nr_protected;

/* A copy of the text, to tell a fault of our own making (text changed)
 * from one of the hypervisor's. */
static uint8_t text_copy[0x20000];
static size_t text_size;
static struct grant_entry *grants;
static unsigned int nr_grants;

static uint32_t created[MAX_CREATED];
static unsigned int nr_created;
static uint32_t ports[16];
static uint32_t handles[16];

static uint64_t tally_calls[NR_SLOTS], tally_zero[NR_SLOTS],
    tally_pos[NR_SLOTS], tally_other[NR_SLOTS];
static uint32_t tally_err[NR_SLOTS][NR_CODES];
static uint64_t nested_calls;

/* The canary's stop flag: a page it grants to dom0 (grant ref
 * CANARY_REF), which dom0 writes CANARY_MAGIC into with GNTTABOP_copy when
 * the fuzzing is over. Only the magic stops it: dom0's own fuzzing may
 * copy anything there. */
#define CANARY_REF   1
#define CANARY_MAGIC 0x57095709c0a1a2a3ULL
static volatile uint64_t canary_flag[512] __attribute__((aligned(4096)));

/* --- Random numbers and interesting values --------------------------------*/

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static bool chance(unsigned int percent)
{
    return below(100) < percent;
}

static uint64_t pick_u64(void)
{
    static const uint64_t v[] = {0,
                                 1,
                                 2,
                                 ~0ULL,
                                 1ULL << 63,
                                 0x7fffffffULL,
                                 0x80000000ULL,
                                 0xffffffffULL,
                                 0x100000000ULL,
                                 0xffffULL,
                                 4096,
                                 4095};

    switch (below(4)) {
    case 0:
        return v[below(ARRAY_SIZE(v))];
    case 1:
        return 1ULL << below(64);
    case 2:
        return below(64);
    default:
        return rnd();
    }
}

/* A count for a call whose limit is max. */
static uint64_t pick_count(uint64_t max)
{
    switch (below(8)) {
    case 0:
        return 0;
    case 1:
        return 1;
    case 2:
        return max;
    case 3:
        return max + 1;
    case 4:
        return pick_u64();
    default:
        return below(max + 2);
    }
}

/* Addresses the hypervisor can neither read nor write. */
static uint64_t bad_ptr(void)
{
    uint64_t end = start_info.virt_base + start_info.nr_frames * PAGE_SIZE;
    const uint64_t v[] = {0,
                          8,
                          0x1000,
                          0x7f0000000000ULL,
                          GUEST_VA_END - 8,
                          GUEST_VA_END,
                          0x8000000000000000ULL,
                          M2P_VIRT_START,
                          HYP_VA_EXAMPLE,
                          0xffffffff80000000ULL,
                          ~0ULL - 7,
                          end,
                          end - 4,
                          end + 64 * PAGE_SIZE};

    return v[below(ARRAY_SIZE(v))];
}

/* Mapped, but read-only to the guest: a write must be refused. */
static uint64_t ro_ptr(void)
{
    return start_info.pt_base_va + below(start_info.pt_frames * PAGE_SIZE);
}

/* An out-buffer of len bytes: the scratch buffer, or where writing fails. */
static uint64_t out_buf(uint64_t len)
{
    if (chance(75)) {
        uint64_t room = len < OUT_SIZE ? OUT_SIZE - len : 0;

        return (uint64_t)fuzz_out + below(room + 1);
    }
    return chance(50) ? bad_ptr() : ro_ptr();
}

static uint64_t out_len(uint64_t buf, uint64_t max)
{
    uint64_t len = pick_count(max);
    uint64_t lo = (uint64_t)fuzz_out;

    /* Into the scratch buffer, never past its end. */
    if (buf >= lo && buf < lo + OUT_SIZE && len > lo + OUT_SIZE - buf)
        len = lo + OUT_SIZE - buf;
    return len;
}

/* Space for a generated structure; sometimes misaligned. */
static void *arena_alloc(size_t size)
{
    size_t at = (arena_used + 7) & ~(size_t)7;

    if (chance(5))
        at += 1 + below(7);
    if (at + size > ARENA_SIZE) /* gen_call makes sure it never is */
        at = 0;
    arena_used = at + size;
    return arena + at;
}

/* A structure the hypervisor reads and writes back: generated in the arena
 * (or on the stack if small, stack_ok and a top-level call: the stack
 * buffer is one, and the hypervisor must not write past it into the
 * library's data above the stack), or a pointer it must refuse. */
static uint64_t place(void *s, size_t size, bool stack_ok)
{
    unsigned int r = below(100);

    if (r < 6)
        return bad_ptr();
    if (r < 9)
        return ro_ptr();
    if (r < 20 && stack_ok && size <= 128 && gen_depth == 0) {
        memcpy(stack_buf, s, size);
        return (uint64_t)stack_buf;
    }
    return (uint64_t)s;
}

static uint32_t pick_domid(void)
{
    switch (below(10)) {
    case 0:
        return 0;
    case 1:
        return start_info.domid;
    case 2:
        return FUZZ_DOMU;
    case 3:
        return CANARY_DOMU;
    case 4:
        return DOMID_SELF;
    case 5:
        return nr_created ? created[below(nr_created)] : 3;
    case 6:
        return 3 + below(20);
    case 7:
        return (uint32_t)pick_u64();
    case 8:
        return 0xffff;
    default:
        return DOMID_SELF + 1;
    }
}

/* A domain a destructive domctl may name: never a boot domain (dom0 itself,
 * the domU fuzzer, the canary) or DOMID_SELF. Unprivileged, anyone: the
 * hypervisor must refuse it all. */
static uint32_t pick_victim(void)
{
    uint32_t d;

    if (!privileged)
        return pick_domid();
    do
        d = chance(60) && nr_created ? created[below(nr_created)]
                                     : pick_domid();
    while (d <= CANARY_DOMU || d == DOMID_SELF);
    return d;
}

/* The index of mfn among the protected frames, or -1. */
static int protected_index(uint64_t mfn)
{
    unsigned int lo = 0, hi = nr_protected;

    while (lo < hi) {
        unsigned int mid = (lo + hi) / 2;

        if (protected_mfn[mid] == mfn)
            return (int)mid;
        if (protected_mfn[mid] < mfn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* A frame to name as a page table (to update, pin, unpin): never ours. */
static uint64_t tame_table_mfn(uint64_t mfn)
{
    return protected_index(mfn) >= 0 ? M2P_INVALID : mfn;
}

/* A PTE value: one that maps a protected frame other than a page table
 * writable maps it read-only. */
static uint64_t tame_pte(uint64_t pte)
{
    int i = protected_index((pte & 0x000ffffffffff000ULL) >> 12);

    if ((pte & MMU_PTE_PRESENT) && (pte & MMU_PTE_WRITE) && i >= 0 &&
        !protected_pt[i])
        pte &= ~MMU_PTE_WRITE;
    return pte;
}

static uint64_t pick_mfn(bool any)
{
    switch (below(any ? 10 : 6)) {
    case 0:
    case 1:
        return scratch_mfn[below(nr_scratch)];
    case 2:
        return nr_foreign ? foreign_mfn[below(nr_foreign)] : 0;
    case 3:
        return (1ULL << 40) - 1 - below(4);
    case 4:
        return M2P_INVALID;
    case 5:
        return any ? below(16) : tame_table_mfn(below(16));
    case 6:
        return own_text_mfn;
    case 7:
        return own_pt_mfn;
    case 8:
        return protected_mfn[below(nr_protected)];
    default:
        return own_l4_mfn;
    }
}

static uint64_t pick_pte(void)
{
    static const uint64_t fl[] = {PTE_GUEST_RO,
                                  PTE_GUEST_RW,
                                  PTE_GUEST_RW | MMU_PTE_PSE,
                                  PTE_GUEST_RW | MMU_PTE_NX,
                                  PTE_GUEST_RO | MMU_PTE_PCD | MMU_PTE_PWT,
                                  MMU_PTE_PRESENT,
                                  0,
                                  PTE_GUEST_RW | (1ULL << 52)};

    if (chance(10))
        return tame_pte(pick_u64());
    return tame_pte(pte_of_mfn(pick_mfn(true), chance(80)
                                                   ? fl[below(ARRAY_SIZE(fl))]
                                                   : below(1ULL << 12)));
}

/* A virtual address a mapping call may change: a scratch page, or one the
 * hypervisor must refuse. */
static uint64_t pick_map_va(void)
{
    unsigned int r = below(10);

    if (r < 6)
        return gfn_to_va(scratch_gfn0 + below(nr_scratch));
    if (r < 7)
        return gfn_to_va(scratch_gfn0 + below(nr_scratch)) + 1 + below(4095);
    return bad_ptr();
}

static uint32_t pick_port(void)
{
    switch (below(6)) {
    case 0:
        return ports[below(ARRAY_SIZE(ports))];
    case 1:
        return (uint32_t)pick_count(EVTCHN_PORTS_MAX);
    case 2:
        return EVTCHN_PORTS_MAX - 1 + below(3);
    default:
        return below(32);
    }
}

static uint32_t pick_ref(void)
{
    return chance(50) ? below(8)
                      : (uint32_t)pick_count(GNTTAB_MAX_FRAMES *
                                             GRANT_ENTRIES_PER_FRAME);
}

/* --- Generators: each fills a[0..4] for one hypercall ----------------------*/

struct call {
    uint64_t nr;
    uint64_t a[5];
};

static void gen_call(struct call *c, int depth);

static void gen_console_write(struct call *c)
{
    if (chance(60)) {
        /* Whole lines, rarely: the log stays readable. */
        c->a[0] = (uint64_t)console_text;
        c->a[1] = chance(1) && chance(10) ? sizeof(console_text) - 1 : 0;
    } else {
        c->a[0] = bad_ptr();
        c->a[1] = pick_count(CONSOLE_WRITE_MAX);
    }
}

static void gen_sched_op(struct call *c)
{
    uint64_t now = system_time_ns();

    c->a[0] = chance(85) ? below(6) : pick_u64();
    switch (c->a[0]) {
    case SCHED_block:
        c->a[0] = SCHED_poll; /* a block that always ends */
        /* fall through */
    case SCHED_poll:
        c->a[1] = chance(50) ? now + below(100000) : 1 + below(now);
        break;
    case SCHED_shutdown:
        c->a[1] = SHUTDOWN_crash + 1 + (chance(50) ? below(8) : rnd() >> 1);
        break;
    default:
        c->a[1] = pick_u64();
    }
}

static void gen_set_timer(struct call *c)
{
    uint64_t now = system_time_ns();

    c->a[0] = chance(50) ? now + below(2 * MS) : pick_u64();
}

/* A trap table with at least one entry the hypervisor must refuse (it
 * validates everything before installing any). */
static void gen_trap_table(struct call *c)
{
    unsigned int n = 1 + below(TRAP_TABLE_MAX), bad = below(n);
    struct trap_info *t = arena_alloc(n * sizeof(*t));

    if (chance(15)) {
        c->a[0] = bad_ptr() | 8; /* never NULL: that would clear the table */
        return;
    }
    for (unsigned int i = 0; i < n; i++) {
        t[i] = (struct trap_info){.vector = below(32),
                                  .flags = below(2),
                                  .address = (uint64_t)trap_entry};
    }
    switch (below(4)) {
    case 0:
        t[bad].pad[below(6)] = 1 + below(255);
        break;
    case 1:
        t[bad].vector = 32 + below(224);
        break;
    case 2:
        t[bad].flags = 2 << below(7);
        break;
    default:
        t[bad].address = bad_ptr() | (1ULL << 47); /* never canonical-low */
    }
    c->a[0] = (uint64_t)t;
}

/* Callbacks with at least one the hypervisor must refuse. */
static void gen_set_callbacks(struct call *c)
{
    unsigned int bad = below(3);

    for (unsigned int i = 0; i < 3; i++)
        c->a[i] = chance(50) ? (uint64_t)trap_entry : 0;
    c->a[bad] = (bad_ptr() | 8) | (1ULL << 47);
}

/* A frame HC_iret must refuse: a bad pointer, or flags, rip or rsp wrong. */
static void gen_iret(struct call *c)
{
    struct iret_frame *f = arena_alloc(sizeof(*f));

    if (chance(30)) {
        c->a[0] = bad_ptr();
        return;
    }
    *f = (struct iret_frame){.rax = rnd(),
                             .rip = (uint64_t)trap_entry,
                             .rsp = (uint64_t)guest_stack_top - 64,
                             .rflags = rnd(),
                             .flags = below(2)};
    switch (below(3)) {
    case 0:
        f->flags |= 2ULL << below(63);
        break;
    case 1:
        f->rip = bad_ptr() | (1ULL << 47);
        break;
    default:
        f->rsp = bad_ptr() | (1ULL << 47);
    }
    c->a[0] = (uint64_t)f;
}

static void gen_mmu_update(struct call *c)
{
    uint64_t count = pick_count(MMU_UPDATE_MAX);
    uint64_t n = count < MMU_UPDATE_MAX + 1 ? count : MMU_UPDATE_MAX + 1;
    struct mmu_update *u = arena_alloc(n * sizeof(*u));

    for (uint64_t i = 0; i < n; i++) {
        unsigned int k = below(nr_scratch);

        switch (below(8)) {
        case 0:
            u[i].ptr = (pick_mfn(false) << 12) + 8 * below(512);
            break;
        case 1:
            u[i].ptr = scratch_pte_ma[k] + 1 + below(7);
            break;
        case 2:
            u[i].ptr = pick_u64() & ~7ULL;
            u[i].ptr =
                tame_table_mfn(u[i].ptr >> 12) << 12 | (u[i].ptr & 0xfff);
            break;
        default:
            u[i].ptr = scratch_pte_ma[k];
        }
        u[i].val = pick_pte();
    }
    c->a[0] = chance(90) ? (uint64_t)u : bad_ptr();
    c->a[1] = count;
    c->a[2] = chance(40) ? 0 : out_buf(8);
    c->a[3] = pick_u64();
}

static void gen_update_va_mapping(struct call *c)
{
    c->a[0] = pick_map_va();
    c->a[1] = pick_pte();
    c->a[2] = chance(70) ? below(4) : pick_u64();
}

static uint64_t mmuext_arg(uint32_t cmd)
{
    switch (cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
    case MMUEXT_UNPIN_TABLE:
        return pick_mfn(false);
    case MMUEXT_NEW_BASEPTR: /* our own root, or one that must be refused */
        return chance(30)   ? own_l4_mfn
               : chance(50) ? M2P_INVALID
                            : tame_table_mfn(below(16));
    case MMUEXT_NEW_USER_BASEPTR: /* never used: we stay in kernel mode */
        return chance(30) ? 0 : pick_mfn(false);
    case MMUEXT_INVLPG_LOCAL:
        return chance(50) ? pick_map_va() : pick_u64();
    default:
        return pick_u64();
    }
}

static void gen_mmuext_op(struct call *c)
{
    uint64_t count = pick_count(MMUEXT_OP_MAX);
    uint64_t n = count < MMUEXT_OP_MAX + 1 ? count : MMUEXT_OP_MAX + 1;
    struct mmuext_op *o = arena_alloc(n * sizeof(*o));

    for (uint64_t i = 0; i < n; i++) {
        o[i].cmd = chance(90) ? below(10) : (uint32_t)pick_u64();
        o[i].pad = chance(90) ? 0 : (uint32_t)pick_u64();
        o[i].arg = mmuext_arg(o[i].cmd);
    }
    c->a[0] = chance(90) ? (uint64_t)o : bad_ptr();
    c->a[1] = count;
    c->a[2] = chance(40) ? 0 : out_buf(8);
}

static void gen_multicall(struct call *c, int depth)
{
    uint64_t count = pick_count(MULTICALL_MAX);
    uint64_t n = count < MC_ENTRIES ? count : MC_ENTRIES;
    struct multicall_entry *m = mc_array[depth > 0];

    for (uint64_t i = 0; i < n; i++) {
        struct call sub;

        gen_call(&sub, depth + 1);
        m[i].op = sub.nr;
        m[i].result = (int64_t)rnd();
        memcpy(m[i].args, sub.a, sizeof(sub.a));
    }
    c->a[0] = chance(90) ? (uint64_t)m : chance(50) ? bad_ptr() : ro_ptr();
    c->a[1] = count;
}

static void gen_set_segment_base(struct call *c)
{
    c->a[0] = chance(80) ? below(4) : pick_u64();
    c->a[1] = chance(50) ? bad_ptr() : (uint64_t)fuzz_out + below(OUT_SIZE);
}

static void gen_evtchn(struct call *c)
{
    uint32_t *s = arena_alloc(16);

    c->a[0] = chance(90) ? below(8) : pick_u64();
    for (unsigned int i = 0; i < 4; i++)
        s[i] = chance(20) ? (uint32_t)rnd() : 0;
    switch (c->a[0]) {
    case EVTCHNOP_alloc_unbound:
        s[0] = pick_domid();
        break;
    case EVTCHNOP_bind_interdomain:
        s[0] = pick_domid();
        s[1] = pick_port();
        break;
    case EVTCHNOP_bind_virq:
        s[0] = chance(70) ? below(8) : (uint32_t)pick_u64();
        break;
    case EVTCHNOP_status:
        s[0] = pick_port();
        break;
    case EVTCHNOP_send:
    case EVTCHNOP_close:
    case EVTCHNOP_unmask:
        c->a[1] = chance(90) ? pick_port() : pick_u64();
        return;
    }
    c->a[1] = place(s, 16, true);
}

static void gen_grant_entry(void *p, uint64_t cmd)
{
    memset(p, 0, 56);
    switch (cmd) {
    case GNTTABOP_setup_table:
        *(uint32_t *)p = (uint32_t)pick_count(GNTTAB_MAX_FRAMES);
        break;
    case GNTTABOP_map_grant_ref: {
        struct gnttab_map_grant_ref *m = p;

        m->dom = pick_domid();
        m->ref = pick_ref();
        m->va = pick_map_va();
        m->flags = chance(50) ? below(2) : (uint32_t)pick_u64();
        m->pad = chance(90) ? 0 : 1;
        break;
    }
    case GNTTABOP_unmap_grant_ref: {
        struct gnttab_unmap_grant_ref *u = p;

        u->handle = chance(50) ? handles[below(ARRAY_SIZE(handles))]
                               : (uint32_t)pick_count(1024);
        u->va = pick_map_va();
        break;
    }
    case GNTTABOP_copy: {
        struct gnttab_copy *g = p;

        g->flags = chance(80) ? below(4) : (uint16_t)pick_u64();
        g->source.dom = chance(40) ? DOMID_SELF : pick_domid();
        g->source.ref = pick_ref();
        g->source.gfn = chance(50) ? below(start_info.nr_frames) : pick_u64();
        g->source.offset = (uint16_t)pick_count(4096);
        g->dest.dom = chance(40) ? DOMID_SELF : pick_domid();
        g->dest.ref = pick_ref();
        /* A local destination only ever a scratch (or absurd) frame. */
        g->dest.gfn = chance(70) ? scratch_gfn0 + below(nr_scratch)
                                 : start_info.nr_frames + below(1ULL << 40);
        g->dest.offset = (uint16_t)pick_count(4096);
        g->len = (uint16_t)pick_count(4096);
        if (chance(5))
            g->source.pad[below(3)] = 1;
        break;
    }
    }
}

static void gen_grant(struct call *c)
{
    static const size_t size[] = {
        sizeof(struct gnttab_setup_table), sizeof(struct gnttab_map_grant_ref),
        sizeof(struct gnttab_unmap_grant_ref), sizeof(struct gnttab_copy),
        sizeof(struct gnttab_query_size)};
    uint64_t cmd = chance(90) ? below(6) : pick_u64();
    size_t sz = cmd < ARRAY_SIZE(size) ? size[cmd] : 56;
    uint64_t count = pick_count(GNTTAB_OP_MAX);
    uint64_t n = count < GNTTAB_OP_MAX + 1 ? count : GNTTAB_OP_MAX + 1;
    uint8_t *ops = arena_alloc((n ? n : 1) * sz);

    for (uint64_t i = 0; i < n; i++)
        gen_grant_entry(ops + i * sz, cmd);
    c->a[0] = cmd;
    /* One small op may sit on the stack, if the count says one; copies
     * never: their destination is checked by the generator, not by what
     * the stack holds. */
    c->a[1] = place(ops, n * sz, cmd != GNTTABOP_copy && count == 1);
    c->a[2] = count;
}

static uint64_t gen_domctl_arg(uint64_t cmd)
{
    uint64_t *s = arena_alloc(96);
    uint64_t buf;

    for (unsigned int i = 0; i < 12; i++)
        s[i] = chance(10) ? rnd() : 0;
    switch (cmd) {
    case DOMCTL_getdomaininfo:
        *(uint32_t *)s = pick_domid();
        return place(s, 96, true);
    case DOMCTL_createdomain:
        s[1] = chance(60) ? PAGE_SIZE * below(64) : pick_u64();
        if (chance(50)) /* a valid name, "fz0".."fz9", half the time */
            memcpy(&s[2], (char[4]){'f', 'z', (char)('0' + below(10)), 0}, 4);
        return place(s, 48, false);
    case DOMCTL_populate:
    case DOMCTL_release:
    case DOMCTL_set_max_mem:
        *(uint32_t *)s = pick_victim();
        s[1] = chance(70) ? below(64) : pick_u64();
        break;
    case DOMCTL_getp2m:
        *(uint32_t *)s = pick_domid();
        s[1] = chance(60) ? below(64) : pick_u64();
        buf = out_buf(8 * 64);
        s[2] = out_len(buf, DOMCTL_P2M_MAX) / 8;
        s[3] = buf;
        return place(s, 32, false);
    case DOMCTL_write_memory:
        *(uint32_t *)s = pick_victim();
        s[1] = chance(60) ? PAGE_SIZE * below(64) + below(4096) : pick_u64();
        s[2] = pick_count(DOMCTL_WRITE_MAX);
        s[3] = chance(70) ? (uint64_t)_image_start : bad_ptr();
        break;
    case DOMCTL_console_setup:
    case DOMCTL_setvcpucontext:
        *(uint32_t *)s = pick_victim();
        for (unsigned int i = 1; i < 7; i++)
            s[i] = chance(50) ? below(64) : pick_u64();
        if (cmd == DOMCTL_setvcpucontext && chance(50))
            ((uint32_t *)s)[1] = 0;
        break;
    case DOMCTL_pause:
    case DOMCTL_unpause:
    case DOMCTL_destroy:
        return pick_victim();
    case DOMCTL_shutdown:
        *(uint32_t *)s = pick_victim();
        ((uint32_t *)s)[1] = chance(70) ? below(4) : (uint32_t)rnd();
        break;
    case DOMCTL_physinfo:
        return place(s, 40, true);
    case DOMCTL_fault_inject:
        /* A small countdown half the time: later calls then fuzz the
         * hypervisor's out-of-memory paths too (disarmed at the end). */
        s[0] = chance(50) ? below(8) : pick_u64();
        return place(s, 24, true);
    case DOMCTL_readlog:
        s[0] = chance(50) ? below(4096) : pick_u64();
        s[1] = out_buf(256);
        s[2] = out_len(s[1], 4096);
        s[3] = chance(90) ? 0 : 1;
        return place(s, 32, false);
    default:
        return chance(50) ? (uint64_t)s : pick_u64();
    }
    /* The destructive ones: their domid was chosen, so never elsewhere. */
    return chance(90) ? (uint64_t)s : bad_ptr();
}

static void gen_call(struct call *c, int depth)
{
    memset(c, 0, sizeof(*c));
    gen_depth = depth;
    c->nr = chance(97) ? below(HC_NR + 3) : pick_u64();
    /* Structures never overlap: once the arena is nearly full, the rest of
     * a batch is harmless. */
    if (ARENA_SIZE - arena_used < ARENA_CALL)
        c->nr = HC_version;
    for (unsigned int i = 0; i < 5; i++)
        c->a[i] = chance(30) ? pick_u64() : 0;
    switch (c->nr) {
    case HC_console_write:
        gen_console_write(c);
        break;
    case HC_version:
        c->a[0] = chance(70) ? below(3) : pick_u64();
        break;
    case HC_sched_op:
        gen_sched_op(c);
        break;
    case HC_set_timer:
        gen_set_timer(c);
        break;
    case HC_set_trap_table:
        gen_trap_table(c);
        break;
    case HC_set_callbacks:
        gen_set_callbacks(c);
        break;
    case HC_iret:
        gen_iret(c);
        break;
    case HC_stack_switch:
        c->a[0] = chance(50) ? (uint64_t)guest_stack_top : pick_u64();
        break;
    case HC_mmu_update:
        gen_mmu_update(c);
        break;
    case HC_update_va_mapping:
        gen_update_va_mapping(c);
        break;
    case HC_mmuext_op:
        gen_mmuext_op(c);
        break;
    case HC_multicall:
        if (depth >= 2)
            c->nr = HC_version;
        else
            gen_multicall(c, depth);
        break;
    case HC_set_segment_base:
        gen_set_segment_base(c);
        break;
    case HC_event_channel_op:
        gen_evtchn(c);
        break;
    case HC_grant_table_op:
        gen_grant(c);
        break;
    case HC_domctl:
        c->a[0] = chance(90) ? below(17) : pick_u64();
        c->a[1] = gen_domctl_arg(c->a[0]);
        break;
    case HC_console_read:
        c->a[0] = out_buf(256);
        c->a[1] = out_len(c->a[0], 4096);
        break;
    }
}

/* --- Running calls and tallying them ---------------------------------------*/

/* Any number with five arguments: a bare syscall (the page has stubs only
 * below 128). */
static long hc_any(const struct call *c)
{
    register uint64_t a1 asm("rdi") = c->a[0];
    register uint64_t a2 asm("rsi") = c->a[1];
    register uint64_t a3 asm("rdx") = c->a[2];
    register uint64_t a4 asm("r10") = c->a[3];
    register uint64_t a5 asm("r8") = c->a[4];
    long ret = (long)c->nr;

    asm volatile("syscall"
                 : "+a"(ret), "+r"(a1), "+r"(a2), "+r"(a3), "+r"(a4), "+r"(a5)
                 :
                 : HC_CLOBBER_);
    return ret;
}

static void tally(uint64_t nr, long rc)
{
    unsigned int s = nr < HC_NR + 3 ? (unsigned int)nr : HC_NR + 3;

    tally_calls[s]++;
    if (rc == 0)
        tally_zero[s]++;
    else if (rc > 0)
        tally_pos[s]++;
    else if (-rc < NR_CODES)
        tally_err[s][-rc]++;
    else
        tally_other[s]++;
}

/* Remember what later calls may use: created domains, ports, handles. */
static void note_result(const struct call *c, long rc)
{
    if (rc)
        return;
    if (c->nr == HC_domctl && c->a[0] == DOMCTL_createdomain &&
        c->a[1] >= (uint64_t)arena && c->a[1] < (uint64_t)arena + ARENA_SIZE &&
        nr_created < MAX_CREATED)
        created[nr_created++] = *(const uint32_t *)c->a[1];
    if (c->nr == HC_event_channel_op && c->a[0] <= EVTCHNOP_bind_virq &&
        c->a[1] >= (uint64_t)arena && c->a[1] < (uint64_t)arena + ARENA_SIZE)
        ports[below(ARRAY_SIZE(ports))] =
            ((const uint32_t *)c->a[1])[c->a[0] == 1 ? 2 : 1];
    if (c->nr == HC_grant_table_op && c->a[0] == GNTTABOP_map_grant_ref &&
        c->a[1] >= (uint64_t)arena && c->a[1] < (uint64_t)arena + ARENA_SIZE)
        handles[below(ARRAY_SIZE(handles))] =
            ((const struct gnttab_map_grant_ref *)c->a[1])->handle;
}

/* Destroy the domains the fuzzer created once there are MAX_CREATED. */
static void reap_created(bool all)
{
    if (!privileged || (!all && nr_created < MAX_CREATED))
        return;
    for (unsigned int i = 0; i < nr_created; i++)
        hc_domctl(DOMCTL_destroy, (void *)(uint64_t)created[i]);
    nr_created = 0;
}

/* A random write into our own grant table, between calls. The frame it
 * names is only ever a scratch or an absurd one: a grant of our text would
 * let the other fuzzer (or a copy of our own) overwrite it. */
static void scribble_grant(void)
{
    struct grant_entry *e;

    if (!nr_grants || !chance(5))
        return;
    e = &grants[below(nr_grants)];
    e->domid = (uint16_t)pick_domid();
    e->gfn = chance(80) ? scratch_gfn0 + below(nr_scratch)
                        : start_info.nr_frames + (pick_u64() >> 1);
    e->pad = chance(90) ? 0 : 1;
    e->flags = chance(80)
                   ? (GTF_permit_access | (chance(50) ? GTF_readonly : 0))
                   : (uint16_t)rnd();
}

/* The offset of the first byte of our text that differs from its copy,
 * or -1. */
static int64_t text_changed(void)
{
    for (size_t i = 0; i < text_size; i++)
        if (((const volatile uint8_t *)_image_start)[i] != text_copy[i])
            return (int64_t)i;
    return -1;
}

/* The last call made, for the report of a fault. */
static struct call last_call;
static uint64_t calls_done;

/* A fault in the fuzzer: it protects itself, so report the call that came
 * before (the likely culprit) and end. */
static void fuzz_fault(struct trap_frame *f)
{
    const uint64_t *a = last_call.a;
    int64_t at = text_changed();

    if (at >= 0)
        printf("fuzz: d%u died by its own hand: its text changed at %lx\n",
               start_info.domid, (unsigned long)_image_start + at);
    else
        printf("fuzz: d%u text intact\n", start_info.domid);

    test_fail("fuzz: d%u vector %lu (error %lx) at rip %lx after call %lu: "
              "nr %lu (%lx, %lx, %lx, %lx, %lx)",
              start_info.domid, (unsigned long)f->vector,
              (unsigned long)f->error_code, (unsigned long)f->rip,
              (unsigned long)calls_done, (unsigned long)last_call.nr,
              (unsigned long)a[0], (unsigned long)a[1], (unsigned long)a[2],
              (unsigned long)a[3], (unsigned long)a[4]);
    test_exit();
}

static void fuzz_one(void)
{
    uint8_t local[128] __attribute__((aligned(16)));
    struct call c;
    long rc;

    stack_buf = local;
    arena_used = 0;
    do
        gen_call(&c, 0);
    while (only_nr != ~0ULL && c.nr != only_nr);
    last_call = c;
    rc = hc_any(&c);
    calls_done++;
    /* HC_set_segment_base may have moved FS, which libfdt's canary needs. */
    guest_tls_install();
    tally(c.nr, rc);
    note_result(&c, rc);
    if (c.nr == HC_multicall && c.a[0] == (uint64_t)mc_array[0])
        nested_calls += c.a[1] < MC_ENTRIES ? c.a[1] : 0;
    scribble_grant();
    reap_created(false);
}

static const char *const hc_names[NR_SLOTS] = {"console_write",
                                               "version",
                                               "sched_op",
                                               "set_timer",
                                               "set_trap_table",
                                               "set_callbacks",
                                               "iret",
                                               "stack_switch",
                                               "mmu_update",
                                               "update_va_mapping",
                                               "mmuext_op",
                                               "multicall",
                                               "set_segment_base",
                                               "event_channel_op",
                                               "grant_table_op",
                                               "domctl",
                                               "console_read",
                                               "17",
                                               "18",
                                               "19",
                                               "other"};

static void print_tally(void)
{
    for (unsigned int s = 0; s < NR_SLOTS; s++) {
        char line[512];
        int n;

        if (!tally_calls[s])
            continue;
        n = snprintf(line, sizeof(line),
                     "fuzz: %-17s %7lu calls: 0 %lu, >0 %lu", hc_names[s],
                     (unsigned long)tally_calls[s],
                     (unsigned long)tally_zero[s], (unsigned long)tally_pos[s]);
        for (unsigned int e = 1; e < NR_CODES && n < 480; e++) {
            const char *name = errno_name(-(int64_t)e);

            if (tally_err[s][e])
                n += snprintf(line + n, sizeof(line) - n, ", %s %u",
                              name ? name : "-?", tally_err[s][e]);
        }
        if (tally_other[s])
            snprintf(line + n, sizeof(line) - n, ", other %lu",
                     (unsigned long)tally_other[s]);
        printf("%s\n", line);
    }
}

/* --- Set-up -------------------------------------------------------------*/

static uint64_t arg_u64(const char *key, uint64_t dflt)
{
    const char *s = start_info.bootargs;
    size_t len = strlen(key);
    uint64_t v = 0;

    for (; s && *s; s++) {
        if (strncmp(s, key, len) || s[len] != '=')
            continue;
        for (s += len + 1; *s >= '0' && *s <= '9'; s++)
            v = v * 10 + (uint64_t)(*s - '0');
        return v;
    }
    return dflt;
}

static bool arg_has(const char *word)
{
    size_t len = strlen(word);

    for (const char *s = start_info.bootargs; s && *s; s++)
        if (strncmp(s, word, len) == 0)
            return true;
    return false;
}

/* Add mfn to the protected frames (kept sorted). */
static void protect(uint64_t mfn, bool pt)
{
    unsigned int i = nr_protected;

    if (nr_protected == PROTECT_MAX || protected_index(mfn) >= 0)
        return;
    for (; i > 0 && protected_mfn[i - 1] > mfn; i--) {
        protected_mfn[i] = protected_mfn[i - 1];
        protected_pt[i] = protected_pt[i - 1];
    }
    protected_mfn[i] = mfn;
    protected_pt[i] = pt;
    nr_protected++;
}

/* Everything below the first free gfn, and the text's copy. */
static bool setup_protected(void)
{
    uint64_t pt0 = va_to_gfn(start_info.pt_base_va);

    if (start_info.first_free_gfn > PROTECT_MAX - GNTTAB_MAX_FRAMES) {
        test_error("%lu frames to protect",
                   (unsigned long)start_info.first_free_gfn);
        return false;
    }
    for (uint64_t g = 0; g < start_info.first_free_gfn; g++)
        protect(p2m[g], g >= pt0 && g < pt0 + start_info.pt_frames);
    text_size = (size_t)(_text_end - _image_start);
    if (text_size > sizeof(text_copy)) {
        test_error("text of %lu bytes", (unsigned long)text_size);
        return false;
    }
    memcpy(text_copy, _image_start, text_size);
    return true;
}

/* Map the grant table (all of it, so later setups allocate nothing) at the
 * last scratch pages, which the fuzzing then leaves alone. */
static void setup_grants(uint64_t last_gfn)
{
    struct gnttab_setup_table st = {.nr_frames = GNTTAB_MAX_FRAMES};

    if (hc_grant_table_op(GNTTABOP_setup_table, &st, 1) || st.status)
        return;
    for (unsigned int i = 0; i < st.nr_frames; i++) {
        uint64_t va = gfn_to_va(last_gfn + i);

        if (hc_update_va_mapping(va, pte_of_mfn(st.frames[i], PTE_GUEST_RW),
                                 UVMF_INVLPG))
            return;
    }
    grants = (struct grant_entry *)gfn_to_va(last_gfn);
    nr_grants = st.nr_frames * GRANT_ENTRIES_PER_FRAME;
    for (unsigned int i = 0; i < st.nr_frames; i++)
        protect(st.frames[i], false);
}

/* The hypervisor allocates a domain's event-channel table and grant
 * maptrack at their first use and keeps them to its end: use both once
 * before free frames are counted (dom0 maps the canary's console ring,
 * granted to it; a domU just tries). */
static void warm_up(void)
{
    struct gnttab_map_grant_ref m = {
        .dom = privileged ? CANARY_DOMU : 0,
        .ref = GNTTAB_RESERVED_CONSOLE,
        .va = gfn_to_va(start_info.nr_frames - 1), /* no fuzzing target */
        .flags = GNTMAP_readonly};
    uint32_t port;
    long rc = hc_evtchn_alloc_unbound(start_info.domid, &port);

    if (rc == 0)
        hc_evtchn_close(port);
    hc_update_va_mapping(m.va, 0, UVMF_INVLPG); /* a map needs an empty PTE */
    if (gnttab_map_one(&m) == 0)
        rc = rc ? rc : gnttab_unmap_one(m.handle, m.va);
    else if (privileged)
        rc = rc ? rc : m.status;
    if (privileged)
        test_expect_eq(rc, 0, "warm-up: a port and a grant map");
}

/* Foreign frames: the canary's (dom0 may read its p2m), else frames just
 * outside our own. */
static void setup_foreign(void)
{
    uint64_t lo = ~0ULL, hi = 0;
    struct domctl_p2m q = {.domid = CANARY_DOMU,
                           .count = 4,
                           .start = 0,
                           .buf = (uint64_t)foreign_mfn};

    if (privileged && hc_domctl(DOMCTL_getp2m, &q) == 0) {
        nr_foreign = 4;
        return;
    }
    for (uint64_t g = 0; g < start_info.nr_frames; g++) {
        lo = p2m[g] < lo ? p2m[g] : lo;
        hi = p2m[g] > hi ? p2m[g] : hi;
    }
    if (lo > 0)
        foreign_mfn[nr_foreign++] = lo - 1;
    foreign_mfn[nr_foreign++] = hi + 1;
}

static bool setup_fuzzer(void)
{
    uint64_t free = start_info.nr_frames - start_info.first_free_gfn;

    privileged = start_info.domid == 0;
    for (unsigned int v = 0; v < 32; v++)
        trap_set_handler(v, fuzz_fault);
    if (trap_install(0)) {
        test_error("no trap table");
        return false;
    }
    if (free < GRANT_VAS + 5) {
        test_error("only %lu free frames", (unsigned long)free);
        return false;
    }
    /* Past the scratch frames: the grant table, then the warm-up map's. */
    free -= GRANT_VAS + 1;
    nr_scratch = free < SCRATCH_MAX ? free : SCRATCH_MAX;
    scratch_gfn0 = start_info.first_free_gfn;
    for (unsigned int i = 0; i < nr_scratch; i++) {
        scratch_mfn[i] = gfn_to_mfn(scratch_gfn0 + i);
        if (!pt_entry(gfn_to_va(scratch_gfn0 + i), 1, &scratch_pte_ma[i])) {
            test_error("no L1 entry for scratch gfn %u", i);
            return false;
        }
    }
    own_l4_mfn = va_to_mfn(start_info.pt_base_va);
    own_pt_mfn = va_to_mfn(start_info.pt_base_va + PAGE_SIZE);
    own_text_mfn = va_to_mfn((uint64_t)_image_start);
    if (!setup_protected())
        return false;
    setup_grants(scratch_gfn0 + nr_scratch);
    setup_foreign();
    warm_up();
    for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++)
        ports[i] = 1 + i;
    return true;
}

/* A domU's console is rate-limited (CONSOLE_BURST, refilled at 8 KiB/s)
 * and the fuzzing spent it: wait until it is full again, or the summary
 * and the result line would be dropped. */
static void console_refill(void)
{
    uint64_t t0 = system_time_ns();

    if (start_info.domid == 0)
        return;
    while (system_time_ns() - t0 < 2500 * MS)
        hc_sched_op(SCHED_yield, 0);
}

static uint64_t fuzz_run(void)
{
    uint64_t seed = arg_u64("seed", DEFAULT_SEED);
    uint64_t calls = arg_u64("calls", DEFAULT_CALLS);
    uint64_t t0, ns;

    rng = seed ? seed : DEFAULT_SEED;
    only_nr = arg_u64("only", ~0ULL);
    printf("fuzz: d%u seed %lu, %lu calls, %u scratch frames\n",
           start_info.domid, (unsigned long)seed, (unsigned long)calls,
           nr_scratch);
    t0 = system_time_ns();
    for (uint64_t i = 0; i < calls; i++) {
        fuzz_one();
        if ((i + 1) % 1000000 == 0)
            printf("fuzz: d%u %lu calls\n", start_info.domid,
                   (unsigned long)(i + 1));
    }
    ns = system_time_ns() - t0;
    reap_created(true);
    console_refill(); /* else a domU's check line is lost */
    test_check(text_changed() < 0, "d%u: the fuzzer's text is intact",
               start_info.domid);
    print_tally();
    printf("fuzz: d%u %lu calls (+%lu in multicalls) in %lu ms: %lu calls/s\n",
           start_info.domid, (unsigned long)calls, (unsigned long)nested_calls,
           (unsigned long)(ns / MS),
           (unsigned long)(ns ? calls * 1000000000ULL / ns : 0));
    return calls;
}

/* --- The canary -----------------------------------------------------------*/

static uint64_t canary_word(uint64_t *p)
{
    return ((uint64_t)p * 0x9e3779b97f4a7c15ULL) ^ 0xca0a7ca0a7ca0a7ULL;
}

static uint64_t canary_check(uint64_t *lo, uint64_t *hi)
{
    uint64_t bad = 0;

    for (uint64_t *p = lo; p < hi; p++) {
        if (READ_ONCE(*p) != canary_word(p)) {
            if (!bad)
                test_fail("canary: %p holds %lx", (void *)p, (unsigned long)*p);
            bad++;
        }
    }
    return bad;
}

/* Grant the flag page to dom0; the table is mapped at the first free
 * frame, which the pattern then leaves out. */
static bool canary_grant(void)
{
    struct gnttab_setup_table st = {.nr_frames = 1};
    struct grant_entry *t =
        (struct grant_entry *)gfn_to_va(start_info.first_free_gfn);

    if (hc_grant_table_op(GNTTABOP_setup_table, &st, 1) || st.status ||
        hc_update_va_mapping(
            (uint64_t)t, pte_of_mfn(st.frames[0], PTE_GUEST_RW), UVMF_INVLPG)) {
        test_error("canary: no grant table");
        return false;
    }
    t[CANARY_REF].domid = 0;
    t[CANARY_REF].gfn = va_to_gfn((uint64_t)canary_flag);
    barrier();
    t[CANARY_REF].flags = GTF_permit_access;
    return true;
}

static void canary(void)
{
    uint64_t *lo = (uint64_t *)gfn_to_va(start_info.first_free_gfn + 1);
    uint64_t *hi = (uint64_t *)gfn_to_va(start_info.nr_frames);
    uint64_t rounds = 0, bad = 0;

    if (!canary_grant())
        return;
    for (uint64_t *p = lo; p < hi; p++)
        *p = canary_word(p);
    printf(
        "canary: %lu frames filled\n",
        (unsigned long)(start_info.nr_frames - start_info.first_free_gfn - 1));
    while (READ_ONCE(canary_flag[0]) != CANARY_MAGIC && !bad) {
        bad = canary_check(lo, hi);
        rounds++;
        hc_sched_op(SCHED_yield, 0);
    }
    bad += canary_check(lo, hi);
    printf("canary: %lu rounds, %lu words changed\n", (unsigned long)rounds,
           (unsigned long)bad);
}

/* --- dom0: run the domU fuzzer, then fuzz, then stop the canary -----------*/

static uint64_t free_frames(void)
{
    struct domctl_physinfo p;

    memset(&p, 0, sizeof(p));
    return hc_domctl(DOMCTL_physinfo, &p) ? 0 : p.free_frames;
}

static void expect_poweroff(uint32_t domid, const char *who)
{
    struct domctl_domaininfo info = {.domid = domid};
    long end = watch_domain_end(domid, 600000);

    /* A boot domain is destroyed as it stops: gone is a clean end too (its
     * Test result line says how it went). */
    if (end == -CARAPACE_ESRCH)
        return;
    test_check(end == DOMCTL_STATE_SHUTDOWN, "%s ended by shutting down (%ld)",
               who, end);
    hc_domctl(DOMCTL_getdomaininfo, &info);
    test_check(info.domid == domid && info.shutdown_reason == SHUTDOWN_poweroff,
               "%s powered off (reason %u)", who, info.shutdown_reason);
}

/* Write the magic into the canary's flag page; it may not have granted it
 * yet. */
static void stop_canary(void)
{
    static uint64_t magic[512] __attribute__((aligned(4096)));
    struct gnttab_copy op = {
        .source = {.dom = DOMID_SELF, .gfn = va_to_gfn((uint64_t)magic)},
        .dest = {.dom = CANARY_DOMU, .ref = CANARY_REF},
        .len = sizeof(magic[0]),
        .flags = GNTCOPY_dest_gref};
    uint64_t t0 = system_time_ns();
    long rc;

    magic[0] = CANARY_MAGIC;
    while ((rc = gnttab_copy_one(&op)) != 0 &&
           system_time_ns() - t0 < 5000 * MS) {
        hc_sched_op(SCHED_yield, 0);
        op.status = 0;
    }
    test_expect_eq(rc, 0, "stop the canary (grant copy)");
}

/* Destroy every domain but dom0 and the canary (the domU fuzzer has ended:
 * the rest are the fuzzer's, at any free id, 1 included) and wait until
 * they are gone: their frames are free only then. */
static void wait_reaped(void)
{
    uint64_t t0 = system_time_ns();
    struct domctl_domaininfo info;
    uint32_t next = 1;

    do {
        memset(&info, 0, sizeof(info));
        info.domid = next;
        if (hc_domctl(DOMCTL_getdomaininfo, &info))
            return; /* none left */
        if (info.domid == CANARY_DOMU) {
            next = CANARY_DOMU + 1;
            continue;
        }
        printf("dom0: reaping domain %u (state %u)\n", info.domid, info.state);
        hc_domctl(DOMCTL_destroy, (void *)(uint64_t)info.domid);
        hc_sched_op(SCHED_yield, 0);
    } while (system_time_ns() - t0 < 5000 * MS);
    test_fail("domain %u is still there", info.domid);
}

/* The fuzzer may have armed DOMCTL_fault_inject: nothing fails now. */
static void fault_disarm(void)
{
    struct domctl_fault_inject f;

    memset(&f, 0, sizeof(f));
    test_expect_eq(hc_domctl(DOMCTL_fault_inject, &f), 0,
                   "disarm fault injection");
    printf("dom0: the fuzzer's last DOMCTL_fault_inject %s\n",
           f.fired ? "made an allocation fail" : "failed nothing");
}

static void dom0_main(void)
{
    uint64_t before, after;

    expect_poweroff(FUZZ_DOMU, "the domU fuzzer");
    if (!setup_fuzzer())
        return;
    before = free_frames();
    fuzz_run();
    fault_disarm();
    wait_reaped();
    after = free_frames();
    test_check(before == after, "free frames before %lu, after %lu",
               (unsigned long)before, (unsigned long)after);
    printf("dom0: still running after fuzzing\n");
    stop_canary();
    expect_poweroff(CANARY_DOMU, "the canary");
}

void test_main(void)
{
    if (start_info.domid == 0)
        dom0_main();
    else if (arg_has("canary"))
        canary();
    else if (setup_fuzzer())
        fuzz_run();
}
