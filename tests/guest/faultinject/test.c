/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fault-injection matrix from dom0 (DOMCTL_fault_inject). For each
 * operation, N = 1, 2, ...: arm allocation N to fail, run the operation,
 * read back whether the failure fired. While it fires, the operation must
 * fail cleanly: -ENOMEM to the caller, physinfo's free frames as before,
 * no domain beyond those there before. The first N that does not fire is
 * the operation's success, which must have made exactly N - 1 allocations:
 * the operation has N - 1 failure points, each tried once.
 *
 * Operations: createdomain; building a domain the way the toolstack does
 * (createdomain, set_max_mem, populate, getp2m, write_memory,
 * console_setup, setvcpucontext), where after a refused step the same
 * step, retried unarmed, and the rest must work (nothing half set up),
 * and the domain is destroyed as the toolstack would; dom0's first event
 * channel (its port table); dom0's first grant mapping (its grant state
 * and maptrack); dom0's grant table (4 frames). The domU role (domain 1)
 * checks that the control is dom0's only.
 */
#include <string.h>

#include <carapace/grant_table.h>

#include "guest.h"

const char test_title[] = "faultinject: each allocation failing in turn";

#define FI_FRAMES 520 /* a domain whose p2m spans two leaves */
#define FI_MAX    4096

static long fi_dc(uint64_t cmd, void *arg)
{
    return hc_domctl(cmd, arg);
}

/* What the control reported since fi_take() last read it: an operation
 * may disarm in its middle (fi_op_build) without losing the report. */
static struct domctl_fault_inject fi_seen;

/* Arm allocation n from now (0: none). */
static void fi_arm(uint64_t n)
{
    struct domctl_fault_inject f = {.countdown = n};
    long rc = fi_dc(DOMCTL_fault_inject, &f);

    if (rc)
        test_fail("DOMCTL_fault_inject: %ld", rc);
    fi_seen.allocs += f.allocs;
    fi_seen.fired |= f.fired;
}

static struct domctl_fault_inject fi_take(void)
{
    struct domctl_fault_inject f = fi_seen;

    memset(&fi_seen, 0, sizeof(fi_seen));
    return f;
}

static struct domctl_physinfo fi_physinfo(void)
{
    struct domctl_physinfo p;

    memset(&p, 0, sizeof(p));
    if (fi_dc(DOMCTL_physinfo, &p))
        test_fail("physinfo");
    return p;
}

/* --- Building a domain, step by step ------------------------------------ */

static uint32_t fi_domid; /* the domain being built, 0: none */
static uint64_t fi_mfns[FI_FRAMES];

static long fi_step_create(void)
{
    struct domctl_createdomain c = {.max_memory_bytes = 64 * PAGE_SIZE};
    long rc;

    memcpy(c.name, "fi", 3);
    rc = fi_dc(DOMCTL_createdomain, &c);
    if (rc == 0)
        fi_domid = c.domid;
    return rc;
}

static long fi_step_max_mem(void)
{
    struct domctl_memory m = {.domid = fi_domid, .nr_frames = FI_FRAMES};

    return fi_dc(DOMCTL_set_max_mem, &m);
}

static long fi_step_populate(void)
{
    struct domctl_memory m = {.domid = fi_domid, .nr_frames = FI_FRAMES};

    return fi_dc(DOMCTL_populate, &m);
}

static long fi_step_getp2m(void)
{
    struct domctl_p2m p = {
        .domid = fi_domid, .count = FI_FRAMES, .buf = (uint64_t)fi_mfns};

    return fi_dc(DOMCTL_getp2m, &p);
}

static long fi_step_write(void)
{
    static const uint64_t word = 0x1122334455667788ULL;
    struct domctl_write w = {.domid = fi_domid,
                             .gpa = 3 * PAGE_SIZE,
                             .len = 8,
                             .buf = (uint64_t)&word};

    return fi_dc(DOMCTL_write_memory, &w);
}

static long fi_step_console(void)
{
    struct domctl_console c = {.domid = fi_domid, .gfn = 5};

    return fi_dc(DOMCTL_console_setup, &c);
}

/* An empty L4 (frame 0 is zero): valid; the domain is never unpaused. */
static long fi_step_context(void)
{
    struct domctl_vcpucontext c = {.domid = fi_domid,
                                   .rip = 0x400000,
                                   .rsp = 0x410000,
                                   .start_info = 0x400000,
                                   .l4_gfn = 0,
                                   .shared_gfn = 1,
                                   .hypercall_gfn = 2};

    return fi_dc(DOMCTL_setvcpucontext, &c);
}

/* A refused step takes nothing (populate too: docs/abi.md, 1.7). */
static const struct {
    const char *name;
    long (*run)(void);
} fi_steps[] = {
    {"createdomain", fi_step_create},    {"set_max_mem", fi_step_max_mem},
    {"populate", fi_step_populate},      {"getp2m", fi_step_getp2m},
    {"write_memory", fi_step_write},     {"console_setup", fi_step_console},
    {"setvcpucontext", fi_step_context},
};

/* Set when an operation finds a failure unclean in its own way. */
static bool fi_unclean;

/* Steps from..end; the index of the first that fails (its error in *rc),
 * or ARRAY_SIZE(fi_steps). A refused step must have taken nothing. */
static unsigned fi_steps_run(unsigned from, long *rc)
{
    uint64_t before = 0, after;
    unsigned i;

    for (i = from; i < ARRAY_SIZE(fi_steps); i++) {
        before = fi_physinfo().free_frames;
        *rc = fi_steps[i].run();
        if (*rc)
            break;
    }
    if (i == ARRAY_SIZE(fi_steps))
        return i;
    after = fi_physinfo().free_frames;
    if (after != before) {
        printf("faultinject: build: %s refused (%ld) with %ld frames taken\n",
               fi_steps[i].name, *rc, (long)(before - after));
        fi_unclean = true;
    }
    return i;
}

static void fi_destroy(void)
{
    if (fi_domid && fi_dc(DOMCTL_destroy, (void *)(uint64_t)fi_domid) != 0)
        test_fail("destroy domain %u", fi_domid);
    fi_domid = 0;
}

/* The whole build. A refused step: retried unarmed, it and the rest must
 * work, and the domain is destroyed, as the toolstack would on an error. */
static long fi_op_build(void)
{
    long rc, rc2 = 0;
    unsigned failed = fi_steps_run(0, &rc), end;

    if (failed == ARRAY_SIZE(fi_steps))
        return 0;
    fi_arm(0);
    end = fi_steps_run(failed, &rc2);
    if (end != ARRAY_SIZE(fi_steps))
        test_fail("build: %s refused (%ld), then %s failed unarmed: %ld",
                  fi_steps[failed].name, rc, fi_steps[end].name, rc2);
    fi_destroy();
    return rc;
}

static void fi_undo_build(void)
{
    fi_destroy();
}

static long fi_op_create(void)
{
    return fi_step_create();
}

/* --- dom0's own event channels and grants ------------------------------- */

static uint32_t fi_port;

static long fi_op_evtchn(void)
{
    return hc_evtchn_alloc_unbound(0, &fi_port);
}

static void fi_undo_evtchn(void)
{
    test_expect_eq(hc_evtchn_close(fi_port), 0, "close the new port");
}

static struct gnttab_map_grant_ref fi_map;

/* The console ring of the domain fi_domid, granted to dom0 (ref 0). */
static long fi_op_grant_map(void)
{
    fi_map = (struct gnttab_map_grant_ref){
        .dom = (uint16_t)fi_domid,
        .ref = GNTTAB_RESERVED_CONSOLE,
        .va = gfn_to_va(start_info.first_free_gfn),
    };
    return gnttab_map_one(&fi_map);
}

static void fi_undo_grant_map(void)
{
    test_expect_eq(gnttab_unmap_one(fi_map.handle, fi_map.va), 0,
                   "unmap the console ring");
}

/* A map refused for another reason than memory takes nothing either. */
static void fi_refused_map(void)
{
    struct domctl_physinfo before = fi_physinfo();
    struct gnttab_map_grant_ref op = {
        .dom = (uint16_t)fi_domid,
        .ref = 1,
        .va = gfn_to_va(start_info.first_free_gfn),
    };

    test_expect_eq(gnttab_map_one(&op), -CARAPACE_EPERM,
                   "map a ref never granted");
    test_expect_eq(fi_physinfo().free_frames, before.free_frames,
                   "the refused map took no frame");
}

static long fi_op_grant_setup(void)
{
    struct gnttab_setup_table st = {.nr_frames = GNTTAB_MAX_FRAMES};
    long rc = hc_grant_table_op(GNTTABOP_setup_table, &st, 1);

    return rc ? rc : st.status;
}

/* --- The matrix ---------------------------------------------------------- */

struct fi_op {
    const char *name;
    long (*run)(void);
    void (*undo)(void); /* after the success, or NULL */
    bool repeatable;    /* the undone success takes nothing either */
};

/* One failure point: the armed allocation n failed in op. */
static bool fi_point(const struct fi_op *op, uint64_t n, long rc,
                     const struct domctl_physinfo *before)
{
    struct domctl_physinfo after = fi_physinfo();
    bool unclean = fi_unclean;

    fi_unclean = false;
    if (!unclean && rc == -CARAPACE_ENOMEM &&
        after.free_frames == before->free_frames &&
        after.nr_domains == before->nr_domains)
        return true;
    printf("faultinject: %s, allocation %lu: not clean: %ld (%s), free "
           "frames %lu before, %lu after, %u domains before, %u after\n",
           op->name, (unsigned long)n, rc, errno_name(rc) ? errno_name(rc) : "",
           (unsigned long)before->free_frames, (unsigned long)after.free_frames,
           before->nr_domains, after.nr_domains);
    return false;
}

static void fi_matrix(const struct fi_op *op)
{
    struct domctl_physinfo before, after;
    struct domctl_fault_inject f;
    unsigned points = 0, clean = 0;
    uint64_t n;
    long rc;

    for (n = 1; n < FI_MAX; n++) {
        before = fi_physinfo();
        fi_take();
        fi_arm(n);
        rc = op->run();
        fi_arm(0);
        f = fi_take();
        if (!f.fired)
            break;
        points++;
        clean += fi_point(op, n, rc, &before);
    }
    test_expect_eq(rc, 0, op->name);
    test_expect_eq(f.allocs, n - 1, "its allocations: one fewer than N");
    if (op->undo)
        op->undo();
    after = fi_physinfo();
    if (op->repeatable)
        test_check(after.free_frames == before.free_frames &&
                       after.nr_domains == before.nr_domains,
                   "%s undone: %lu free frames as before (%lu), %u domains",
                   op->name, (unsigned long)after.free_frames,
                   (unsigned long)before.free_frames, after.nr_domains);
    printf("faultinject: %s points=%u clean=%u\n", op->name, points, clean);
    test_check(points > 0 && clean == points, "%s: every failure clean",
               op->name);
}

/* The control itself: argument checks, counting, the report. */
static void fi_control(void)
{
    struct domctl_fault_inject f = {.pad = 1};
    struct domctl_createdomain c = {.max_memory_bytes = PAGE_SIZE};

    test_expect_eq(fi_dc(DOMCTL_fault_inject, &f), -CARAPACE_EINVAL, "pad");
    f = (struct domctl_fault_inject){.fired = 1};
    test_expect_eq(fi_dc(DOMCTL_fault_inject, &f), -CARAPACE_EINVAL,
                   "fired in");
    test_expect_eq(fi_dc(DOMCTL_fault_inject, (void *)HYP_VA_EXAMPLE),
                   -CARAPACE_EFAULT, "a hypervisor pointer");
    fi_arm(0);
    fi_take();
    memcpy(c.name, "one", 4);
    test_expect_eq(fi_dc(DOMCTL_createdomain, &c), 0, "createdomain");
    fi_arm(1);
    f = fi_take();
    test_check(f.allocs == 1 && !f.fired, "one allocation counted (%lu)",
               (unsigned long)f.allocs);
    test_expect_eq(fi_dc(DOMCTL_destroy, (void *)(uint64_t)c.domid), 0,
                   "destroy frees, allocates nothing");
    fi_arm(0);
    f = fi_take();
    test_check(f.allocs == 0 && !f.fired, "armed, nothing allocated yet");
}

static void fi_domu(void)
{
    struct domctl_fault_inject f = {.countdown = 1};

    test_expect_eq(fi_dc(DOMCTL_fault_inject, &f), -CARAPACE_EPERM,
                   "DOMCTL_fault_inject from a domU");
}

/* The boot-time domU ends and is reaped before the counting starts. */
static void fi_wait_domu(void)
{
    uint64_t t0 = system_time_ns();

    while (fi_physinfo().nr_domains > 1 &&
           system_time_ns() - t0 < 5000000000ULL)
        hc_sched_op(SCHED_yield, 0);
    test_expect_eq(fi_physinfo().nr_domains, 1, "only dom0 is left");
}

void test_main(void)
{
    static const struct fi_op create = {"createdomain", fi_op_create,
                                        fi_undo_build, true};
    static const struct fi_op build = {"build", fi_op_build, fi_undo_build,
                                       true};
    static const struct fi_op evtchn = {"evtchn", fi_op_evtchn, fi_undo_evtchn,
                                        false};
    static const struct fi_op map = {"grant-map", fi_op_grant_map,
                                     fi_undo_grant_map, false};
    static const struct fi_op setup = {"grant-setup", fi_op_grant_setup, NULL,
                                       false};
    long rc;

    if (start_info.domid != 0) {
        fi_domu();
        return;
    }
    fi_wait_domu();
    fi_control();
    fi_matrix(&create);
    fi_matrix(&build);
    fi_matrix(&evtchn);
    /* A domain whose console ring dom0 maps. */
    if (fi_steps_run(0, &rc) != ARRAY_SIZE(fi_steps))
        test_fail("building the granting domain: %ld", rc);
    hc_update_va_mapping(gfn_to_va(start_info.first_free_gfn), 0, UVMF_INVLPG);
    fi_refused_map();
    fi_matrix(&map);
    fi_destroy();
    fi_matrix(&setup);
}
