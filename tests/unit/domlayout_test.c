/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit test of lib/domlayout.c, the one layout both domain builders use:
 * the order and sizes of a domU's and dom0's pieces, the page-table frame
 * count at 2 MiB, 1 GiB and 512 GiB boundaries, and every error.
 */
#include <stdint.h>
#include <stdio.h>

#include <carapace/errno.h>

#include "check.h"
#include "domlayout.h"

#define MiB (1ULL << 20)

/* A 4 MiB domU whose image is 0x400000..0x41c000 (28 pages). */
static void test_domu(void)
{
    struct domlayout l;

    CHECK_EQ(domlayout_compute(&l, 4 * MiB, 0x400000, 0x41c000, true, 3), 0);
    CHECK_EQ(l.nr, 1024);
    CHECK_EQ(l.virt_base, 0x400000);
    CHECK_EQ(l.si_gfn, 28);
    CHECK_EQ(l.shared_gfn, 30);
    CHECK_EQ(l.p2m_gfn, 31);
    CHECK_EQ(l.p2m_frames, 2); /* 1024 entries of 8 bytes */
    CHECK_EQ(l.pt_gfn, 33);
    CHECK_EQ(l.pt_frames, 2 + 1 + 1 + 1); /* 0x400000..0x800000: two L1s */
    CHECK_EQ(l.stack_gfn, 38);
    CHECK_EQ(l.console_gfn, 42);
    CHECK_EQ(l.mod_gfn, 43);
    CHECK_EQ(l.free_gfn, 46);
}

/* dom0 has no console ring: its modules follow the stack. */
static void test_dom0(void)
{
    struct domlayout l;

    CHECK_EQ(domlayout_compute(&l, 64 * MiB, 0x40000000, 0x40100000, false, 10),
             0);
    CHECK_EQ(l.si_gfn, 256);
    CHECK_EQ(l.p2m_frames, 32);
    CHECK_EQ(l.pt_frames, 32 + 1 + 1 + 1);
    CHECK_EQ(l.console_gfn, l.stack_gfn + DOMLAYOUT_STACK_FRAMES);
    CHECK_EQ(l.mod_gfn, l.console_gfn);
    CHECK_EQ(l.free_gfn, l.mod_gfn + 10);
}

static void test_pt_frames(void)
{
    /* One page: one table per level. */
    CHECK_EQ(domlayout_pt_frames(0x400000, 1), 4);
    /* Two pages either side of a 2 MiB boundary: two L1s. */
    CHECK_EQ(domlayout_pt_frames(0x1ff000, 2), 5);
    /* Across a 1 GiB boundary: two L1s and two L2s. */
    CHECK_EQ(domlayout_pt_frames(0x3ffff000, 2), 6);
    /* Across a 512 GiB boundary: two of each below the L4. */
    CHECK_EQ(domlayout_pt_frames(0x7ffffff000, 2), 7);
}

static void test_errors(void)
{
    struct domlayout l;

    CHECK_EQ(domlayout_compute(&l, 0, 0x400000, 0x401000, true, 0),
             -CARAPACE_EINVAL);
    CHECK_EQ(domlayout_compute(&l, 4 * MiB + 1, 0x400000, 0x401000, true, 0),
             -CARAPACE_EINVAL);
    CHECK_EQ(domlayout_compute(&l, 4 * MiB, 0x400001, 0x401000, true, 0),
             -CARAPACE_EINVAL);
    CHECK_EQ(domlayout_compute(&l, 4 * MiB, 0x400000, 0x3ff000, true, 0),
             -CARAPACE_EINVAL);
    /* Too small: free_gfn says what it would need. */
    CHECK_EQ(domlayout_compute(&l, 64 * 1024, 0x400000, 0x41c000, true, 0),
             -CARAPACE_ENOMEM);
    CHECK_EQ(l.free_gfn, 28 + 2 + 1 + 1 + 4 + 4 + 1);
    /* An image that fills the memory leaves no room for boot data. */
    CHECK_EQ(domlayout_compute(&l, 4 * MiB, 0x400000, 0x800000, true, 0),
             -CARAPACE_ENOMEM);
    /* The linear map would leave the lower half, even by one page. */
    CHECK_EQ(domlayout_compute(&l, 8 * MiB, DOMLAYOUT_USER_END - 4 * MiB,
                               DOMLAYOUT_USER_END - 4 * MiB, true, 0),
             -CARAPACE_ERANGE);
    CHECK_EQ(domlayout_compute(&l, 4 * MiB, DOMLAYOUT_USER_END - 4 * MiB,
                               DOMLAYOUT_USER_END - 4 * MiB + 0x1000, true, 0),
             0);
    CHECK_EQ(
        domlayout_compute(&l, ~0ULL & ~0xfffULL, 0x400000, 0x401000, true, 0),
        -CARAPACE_ERANGE);
}

int main(void)
{
    test_domu();
    test_dom0();
    test_pt_frames();
    test_errors();
    return check_finish();
}
