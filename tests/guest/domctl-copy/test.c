/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DOMCTL_copy (ABI 1.9) from dom0: a domain is created and populated, its
 * frame 5 made the console ring (granted to dom0, so that dom0 can read it
 * back with GNTTABOP_copy); segments from dom0's own pages land where they
 * say, in order (the later of two overlapping ones wins); each bad
 * argument gets its error, with the segments before it copied and none
 * after; a started domain is refused; after destroy the free frames are
 * what they were.
 */
#include <carapace/mmu.h>
#include <string.h>

#include "guest.h"

const char test_title[] = "domctl-copy: many segments per call, checked";

#define FRAMES 8
#define RING   5 /* the console ring's gfn: readable through grant ref 0 */

static _Alignas(4096) uint8_t src[2][PAGE_SIZE];
static _Alignas(4096) uint8_t back[PAGE_SIZE];
static struct domctl_copy_seg segs[DOMCTL_COPY_MAX + 1];

static long dc(uint64_t cmd, void *arg)
{
    return hc_domctl(cmd, arg);
}

static long copy(uint32_t domid, uint32_t count, uint64_t list)
{
    struct domctl_copy c = {.domid = domid, .count = count, .segs = list};

    return dc(DOMCTL_copy, &c);
}

/* The ring frame as the domain has it now, into back[]. */
static void read_back(uint32_t domid)
{
    struct gnttab_copy g = {
        .source = {.dom = domid, .ref = GNTTAB_RESERVED_CONSOLE},
        .dest = {.dom = DOMID_SELF, .gfn = va_to_gfn((uint64_t)back)},
        .len = PAGE_SIZE - 1, /* a uint16_t: all but the last byte */
        .flags = GNTCOPY_source_gref,
    };

    memset(back, 0xee, sizeof(back));
    test_expect_eq(gnttab_copy_one(&g), 0, "read the ring back");
}

static struct domctl_copy_seg seg(int page, uint32_t off, uint64_t gpa,
                                  uint32_t len)
{
    return (struct domctl_copy_seg){.src_gfn = va_to_gfn((uint64_t)src[page]),
                                    .dst_gpa = gpa,
                                    .src_off = off,
                                    .len = len};
}

static uint32_t build(void)
{
    struct domctl_createdomain cd = {.max_memory_bytes = FRAMES * PAGE_SIZE};
    struct domctl_memory m = {.nr_frames = FRAMES};
    struct domctl_console con = {.gfn = RING};

    memcpy(cd.name, "target", 7);
    test_expect_eq(dc(DOMCTL_createdomain, &cd), 0, "createdomain");
    m.domid = con.domid = cd.domid;
    test_expect_eq(dc(DOMCTL_set_max_mem, &m), 0, "set_max_mem");
    test_expect_eq(dc(DOMCTL_populate, &m), 0, "populate 8 frames");
    test_expect_eq(dc(DOMCTL_console_setup, &con), 0, "console_setup");
    return cd.domid;
}

/* Good copies: the bytes land, overlapping segments in order. */
static void good(uint32_t id)
{
    const uint64_t ring = RING * PAGE_SIZE;
    uint32_t n = 0;
    bool ok = true;

    for (unsigned i = 0; i < PAGE_SIZE; i++) {
        src[0][i] = (uint8_t)i;
        src[1][i] = (uint8_t)(0x80 | i);
    }
    /* The whole page from src[0], then 100 bytes of src[1] over it at 10,
     * then the same bytes at 200 again by many one-byte segments. */
    segs[n++] = seg(0, 0, ring, PAGE_SIZE);
    segs[n++] = seg(1, 3, ring + 10, 100);
    for (uint32_t k = 0; k < 100; k++)
        segs[n++] = seg(1, 3 + k, ring + 200 + k, 1);
    test_expect_eq(copy(id, n, (uint64_t)segs), 0, "102 segments in a call");
    read_back(id);
    for (unsigned i = 0; i < PAGE_SIZE - 1; i++) {
        uint8_t want = (i >= 10 && i < 110)    ? src[1][i - 10 + 3]
                       : (i >= 200 && i < 300) ? src[1][i - 200 + 3]
                                               : src[0][i];

        ok &= back[i] == want;
    }
    test_check(ok, "every byte where the segments put it, later ones last");
    test_expect_eq(copy(id, 0, 0), 0, "no segments: nothing to do");
    segs[0] = seg(0, 0, (FRAMES - 1) * PAGE_SIZE + 4095, 1);
    test_expect_eq(copy(id, 1, (uint64_t)segs), 0, "the domain's last byte");
}

/* One bad segment after a good one: the good one is copied, the call
 * fails with err, the segment after it is not copied. */
static void bad_seg(uint32_t id, struct domctl_copy_seg bad, long err,
                    const char *what)
{
    const uint64_t ring = RING * PAGE_SIZE;

    memset(src[0], 0x11, PAGE_SIZE);
    memset(src[1], 0x22, PAGE_SIZE);
    segs[0] = seg(0, 0, ring, 16);
    segs[1] = bad;
    segs[2] = seg(1, 0, ring, 32);
    test_expect_eq(copy(id, 3, (uint64_t)segs), err, what);
    read_back(id);
    test_check(back[0] == 0x11 && back[15] == 0x11 && back[16] != 0x22,
               "  %s: the segment before copied, the one after not", what);
}

static void bad(uint32_t id)
{
    const uint64_t ring = RING * PAGE_SIZE;
    const uint64_t dom0_frames = start_info.nr_frames;

    test_expect_eq(copy(999, 1, (uint64_t)segs), -CARAPACE_ESRCH,
                   "a domain that does not exist");
    test_expect_eq(copy(0, 1, (uint64_t)segs), -CARAPACE_EBUSY,
                   "into dom0 (running, not being built)");
    test_expect_eq(copy(id, DOMCTL_COPY_MAX + 1, (uint64_t)segs),
                   -CARAPACE_EINVAL, "more segments than DOMCTL_COPY_MAX");
    test_expect_eq(copy(id, 1, HYP_VA_EXAMPLE), -CARAPACE_EFAULT,
                   "a segment list in the hypervisor's memory");
    bad_seg(id, seg(0, 0, FRAMES * PAGE_SIZE, 1), -CARAPACE_EINVAL,
            "destination past the domain's end");
    bad_seg(id, seg(0, 0, ~0ULL - 10, 8), -CARAPACE_EINVAL,
            "destination near 2^64");
    bad_seg(id, seg(0, 0, ring + 4000, 100), -CARAPACE_EINVAL,
            "destination crossing a page");
    bad_seg(id, seg(0, 4000, ring, 100), -CARAPACE_EINVAL,
            "source crossing a page");
    bad_seg(id, seg(0, 4096, ring, 1), -CARAPACE_EINVAL,
            "source offset past the page");
    bad_seg(id, seg(0, 0, ring, 0), -CARAPACE_EINVAL, "an empty segment");
    bad_seg(id, seg(0, 0, ring, 0xffffffffu), -CARAPACE_EINVAL,
            "a length near 2^32");
    struct domctl_copy_seg s = seg(0, 0, ring, 8);
    s.src_gfn = dom0_frames; /* past dom0's own frames: not its memory */
    bad_seg(id, s, -CARAPACE_EINVAL, "a source gfn past the caller's frames");
    s.src_gfn = ~0ULL;
    bad_seg(id, s, -CARAPACE_EINVAL, "a source gfn near 2^64");
}

/* Started (an empty L4: it will crash at once, alone): refused. */
static void started(uint32_t id)
{
    struct domctl_vcpucontext c = {.domid = id,
                                   .rip = 0x400000,
                                   .rsp = 0x410000,
                                   .start_info = 0x400000,
                                   .l4_gfn = 0,
                                   .shared_gfn = 1,
                                   .hypercall_gfn = 2};

    test_expect_eq(dc(DOMCTL_setvcpucontext, &c), 0, "setvcpucontext");
    segs[0] = seg(0, 0, 3 * PAGE_SIZE, 8);
    test_expect_eq(copy(id, 1, (uint64_t)segs), -CARAPACE_EBUSY,
                   "a copy once started");
}

void test_main(void)
{
    uint64_t before = watch_free_frames();
    uint32_t id = build();

    good(id);
    bad(id);
    started(id);
    test_expect_eq(dc(DOMCTL_destroy, (void *)(uint64_t)id), 0, "destroy");
    test_expect_eq(watch_free_frames(), before, "every frame back");
}
