/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The toolstack's domctl commands from dom0, with their failure paths: a
 * domain is created, filled, given a (deliberately empty) address space,
 * started, crashes alone at its first instruction, is kept as crashed, and
 * is destroyed; free memory is then exactly what it was before. Every bad
 * argument gets its documented error.
 */
#include <carapace/mmu.h>
#include <string.h>

#include "guest.h"

const char test_title[] = "domctl-ops: build, start, crash, destroy";

#define FRAMES 64

static long dc(uint64_t cmd, void *arg)
{
    return hc_domctl(cmd, arg);
}

static uint32_t create(const char *name, uint64_t max_bytes, long want)
{
    struct domctl_createdomain c;

    memset(&c, 0, sizeof(c));
    c.max_memory_bytes = max_bytes;
    memcpy(c.name, name,
           strlen(name) < sizeof(c.name) ? strlen(name) : sizeof(c.name) - 1);
    test_expect_eq(dc(DOMCTL_createdomain, &c), want, name);
    return c.domid;
}

static uint32_t state_of(uint32_t id)
{
    struct domctl_domaininfo i;

    memset(&i, 0, sizeof(i));
    i.domid = id;
    if (dc(DOMCTL_getdomaininfo, &i) || i.domid != id)
        return 99;
    return i.state;
}

static void bad_creates(void)
{
    create("", 1 << 20, -CARAPACE_EEXIST);
    create("has space", 1 << 20, -CARAPACE_EEXIST);
    create("dom0", 1 << 20, -CARAPACE_EEXIST);
    create("odd-size", 4097, -CARAPACE_EINVAL);
    create("too-big", 2ULL << 30, -CARAPACE_EINVAL);
}

static void fill(uint32_t id)
{
    struct domctl_memory m = {.domid = id, .nr_frames = FRAMES + 1};
    struct domctl_write w = {.domid = id, .gpa = 3 * PAGE_SIZE, .len = 8};
    static uint64_t mfns[FRAMES];
    struct domctl_p2m p = {.domid = id, .count = FRAMES};
    uint64_t bad = 0;
    static const uint64_t word = 0x1122334455667788ULL;

    test_expect_eq(dc(DOMCTL_populate, &m), -CARAPACE_E2BIG,
                   "populate past the limit");
    m.nr_frames = FRAMES;
    test_expect_eq(dc(DOMCTL_populate, &m), 0, "populate 64 frames");
    p.buf = (uint64_t)mfns;
    test_expect_eq(dc(DOMCTL_getp2m, &p), 0, "getp2m");
    for (int g = 0; g < FRAMES; g++)
        bad += ((const uint64_t *)M2P_VIRT_START)[mfns[g]] != (uint64_t)g;
    test_expect_eq(bad, 0, "the M2P agrees with getp2m");
    p.count = FRAMES + 1;
    test_expect_eq(dc(DOMCTL_getp2m, &p), -CARAPACE_EINVAL,
                   "getp2m past the end");
    w.buf = (uint64_t)&word;
    test_expect_eq(dc(DOMCTL_write_memory, &w), 0, "write_memory 8 bytes");
    w.gpa = FRAMES * PAGE_SIZE - 4;
    test_expect_eq(dc(DOMCTL_write_memory, &w), -CARAPACE_EINVAL,
                   "write_memory past the end");
    w.gpa = 0;
    w.buf = HYP_VA_EXAMPLE;
    test_expect_eq(dc(DOMCTL_write_memory, &w), -CARAPACE_EFAULT,
                   "write_memory from the hypervisor's memory");
}

/* A console_setup argument on a page dom0 maps read-only. */
static void *console_ro(uint32_t id)
{
    uint64_t va = gfn_to_va(start_info.first_free_gfn + 16), ma;
    struct domctl_console *c = (void *)va;
    uint64_t pte = *pt_entry(va, 1, &ma);

    memset(c, 0, sizeof(*c));
    c->domid = id;
    c->gfn = 5;
    test_expect_eq(hc_update_va_mapping(va, pte & ~MMU_PTE_WRITE, UVMF_INVLPG),
                   0, "map a page read-only");
    return c;
}

/* A console_setup whose answer cannot be written takes nothing: no frame,
 * and the next one gets the same, first, port. */
static void console(uint32_t id)
{
    struct domctl_console c = {.domid = id, .gfn = FRAMES};
    uint64_t before;

    test_expect_eq(dc(DOMCTL_console_setup, &c), -CARAPACE_EINVAL,
                   "console_setup past the end");
    before = watch_free_frames();
    test_expect_eq(dc(DOMCTL_console_setup, console_ro(id)), -CARAPACE_EFAULT,
                   "console_setup, answer not writable");
    test_expect_eq(watch_free_frames(), before,
                   "the refused console_setup kept no grant table nor port "
                   "table");
    c.gfn = 5;
    test_expect_eq(dc(DOMCTL_console_setup, &c), 0, "console_setup");
    test_expect_eq(c.port, 1, "its first port: the refused call kept none");
    c.port = 0;
    test_expect_eq(dc(DOMCTL_console_setup, &c), -CARAPACE_EINVAL,
                   "console_setup twice");
}

/* An empty L4 (frame 0 is zero): valid, but nothing is mapped, so the
 * first instruction faults and, with no trap table, the domain crashes. */
static void start(uint32_t id)
{
    struct domctl_vcpucontext c = {.domid = id,
                                   .rip = 0x400000,
                                   .rsp = 0x410000,
                                   .start_info = 0x400000,
                                   .l4_gfn = 0,
                                   .shared_gfn = 1,
                                   .hypercall_gfn = 2};
    struct domctl_write w = {
        .domid = id, .gpa = 0, .len = 8, .buf = (uint64_t)&c};

    test_expect_eq(dc(DOMCTL_unpause, (void *)(uint64_t)id), -CARAPACE_EBUSY,
                   "unpause before setvcpucontext");
    c.l4_gfn = FRAMES;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EINVAL,
                   "an L4 past the end");
    c.l4_gfn = 0;
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), 0, "setvcpucontext");
    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), -CARAPACE_EBUSY,
                   "setvcpucontext twice");
    test_expect_eq(dc(DOMCTL_write_memory, &w), -CARAPACE_EBUSY,
                   "write_memory once started");
    test_expect_eq(state_of(id), DOMCTL_STATE_PAUSED, "paused until unpaused");
    test_expect_eq(dc(DOMCTL_unpause, (void *)(uint64_t)id), 0, "unpause");
}

static void wait_crash(uint32_t id)
{
    uint64_t t0 = system_time_ns();

    while (state_of(id) != DOMCTL_STATE_CRASHED &&
           system_time_ns() - t0 < 2000000000ULL)
        hc_sched_op(SCHED_yield, 0);
    test_expect_eq(state_of(id), DOMCTL_STATE_CRASHED,
                   "it crashed alone, and is kept as crashed");
}

static void controls(uint32_t id)
{
    struct domctl_shutdown s = {.domid = id, .reason = SHUTDOWN_poweroff};

    test_expect_eq(dc(DOMCTL_shutdown, &s), -CARAPACE_EBUSY,
                   "shutdown of a crashed domain");
    s.reason = SHUTDOWN_crash;
    test_expect_eq(dc(DOMCTL_shutdown, &s), -CARAPACE_EINVAL,
                   "shutdown reason crash");
    test_expect_eq(dc(DOMCTL_pause, (void *)0), -CARAPACE_EPERM, "pause dom0");
    test_expect_eq(dc(DOMCTL_destroy, (void *)0), -CARAPACE_EPERM,
                   "destroy dom0");
    test_expect_eq(dc(DOMCTL_destroy, (void *)999), -CARAPACE_ESRCH,
                   "destroy a domain that does not exist");
}

static bool contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay; hay++)
        if (!memcmp(hay, needle, n))
            return true;
    return false;
}

static void read_log(void)
{
    static char buf[16384];
    struct domctl_readlog r = {.buf = (uint64_t)buf, .len = sizeof(buf) - 1};

    test_expect_eq(dc(DOMCTL_readlog, &r), 0, "readlog");
    buf[r.len] = '\0';
    printf("readlog: %lu bytes, next offset %lu, lost %lu\n",
           (unsigned long)r.len, (unsigned long)r.offset,
           (unsigned long)r.lost);
    test_check(contains(buf, "created by dom0") && contains(buf, "crashed"),
               "the log tells of the creation and the crash");
}

void test_main(void)
{
    uint64_t before = watch_free_frames(), after;
    uint32_t id;

    bad_creates();
    id = create("victim", FRAMES * PAGE_SIZE, 0);
    test_expect_eq(id, 1, "the first free id");
    create("victim", FRAMES * PAGE_SIZE, -CARAPACE_EEXIST);
    fill(id);
    console(id);
    test_check(watch_free_frames() < before, "populating took frames");
    start(id);
    wait_crash(id);
    controls(id);
    read_log();
    test_expect_eq(dc(DOMCTL_destroy, (void *)(uint64_t)id), 0, "destroy");
    test_expect_eq(state_of(id), 99, "gone");
    after = watch_free_frames();
    printf("free frames: %lu before, %lu after\n", (unsigned long)before,
           (unsigned long)after);
    test_expect_eq(after, before, "every frame came back");
    test_expect_eq(dc(DOMCTL_readlog, (void *)HYP_VA_EXAMPLE), -CARAPACE_EFAULT,
                   "readlog with a hypervisor pointer");
}
