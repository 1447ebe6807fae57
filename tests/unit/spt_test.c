/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the shadow page tables' generic part (spt.c) on a fake
 * guest: 64 frames of guest-physical RAM in a buffer, the callbacks
 * refusing anything past it. Tables are built by hand, then each walk's
 * translation, permissions, Accessed and Dirty bits, #PF error code or
 * out-of-RAM address, and the shadow entry made from it, are checked:
 * 4 KiB, 2 MiB and 1 GiB pages, user and supervisor, read-only and no-
 * execute pages, reserved bits, tables and entries outside the RAM.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arch/paging.h"
#include "arch/spt.h"
#include "check.h"
#include <carapace/errno.h>

#define FRAMES 64
#define RAM    (FRAMES * 4096ULL)
#define A      (1UL << 5)
#define D      (1UL << 6)
#define T      (PTE_P | PTE_W | PTE_U) /* a table entry open to all */

static uint64_t ram[FRAMES][512];
static unsigned writes;

static bool fake_read(void *ctx, uint64_t gpa, uint64_t *val)
{
    (void)ctx;
    if (gpa >= RAM || gpa % 8)
        return false;
    *val = ram[gpa / 4096][gpa % 4096 / 8];
    return true;
}

static bool fake_write(void *ctx, uint64_t gpa, uint64_t val)
{
    (void)ctx;
    if (gpa >= RAM || gpa % 8)
        return false;
    ram[gpa / 4096][gpa % 4096 / 8] = val;
    writes++;
    return true;
}

static const struct spt_ops ops = {fake_read, fake_write, NULL};

static uint64_t pg(unsigned frame)
{
    return (uint64_t)frame * 4096;
}

/* Root at frame 1: va 0x400000 (L4 0, L3 0, L2 2, L1 0) through frames
 * 2, 3, 4; L1 entries 0..3 map frames 10..13 with various rights. */
static void build(void)
{
    memset(ram, 0, sizeof(ram));
    ram[1][0] = pg(2) | T;
    ram[2][0] = pg(3) | T;
    ram[3][2] = pg(4) | T;
    ram[4][0] = pg(10) | PTE_P | PTE_W | PTE_U;      /* user, writable */
    ram[4][1] = pg(11) | PTE_P | PTE_U;              /* user, read-only */
    ram[4][2] = pg(12) | PTE_P | PTE_W;              /* supervisor */
    ram[4][3] = pg(13) | PTE_P | PTE_U | PTE_NX | D; /* no-exec, dirty */
}

static void test_translate(void)
{
    struct spt_walk w;

    build();
    CHECK_EQ(spt_walk(pg(1), 0x400123, 0, true, &ops, &w), 0);
    CHECK_EQ(w.gpa, pg(10) + 0x123);
    CHECK(w.write && w.user && !w.nx && !w.dirty);
    CHECK_EQ(w.ntables, 4);
    CHECK_EQ(w.table[0], pg(1));
    CHECK_EQ(w.table[3], pg(4));
    /* Accessed set on every level, Dirty not (a read). */
    CHECK(ram[1][0] & A);
    CHECK(ram[3][2] & A);
    CHECK(ram[4][0] & A);
    CHECK(!(ram[4][0] & D));
    /* The shadow entry of a clean page is read-only: the first write
     * still faults, so that the walk can set D. */
    CHECK_EQ(spt_shadow_leaf(&w, 0x777, false),
             (0x777UL << 12) | PTE_P | PTE_U);
    /* A write sets D, and then the shadow entry is writable ... */
    CHECK_EQ(spt_walk(pg(1), 0x400008, SPT_WRITE | SPT_USER, true, &ops, &w),
             0);
    CHECK(ram[4][0] & D);
    CHECK(w.dirty);
    CHECK_EQ(spt_shadow_leaf(&w, 0x777, false),
             (0x777UL << 12) | PTE_P | PTE_U | PTE_W);
    /* ... unless the page is one of the guest's page tables. */
    CHECK_EQ(spt_shadow_leaf(&w, 0x777, true), (0x777UL << 12) | PTE_P | PTE_U);
    /* A walk that finds A and D set writes nothing. */
    writes = 0;
    CHECK_EQ(spt_walk(pg(1), 0x400010, SPT_WRITE, true, &ops, &w), 0);
    CHECK_EQ(writes, 0);
    /* No-execute: the shadow entry carries NX. */
    CHECK_EQ(spt_walk(pg(1), 0x403000, 0, true, &ops, &w), 0);
    CHECK(w.nx && w.dirty);
    CHECK_EQ(spt_shadow_leaf(&w, 1, false),
             (1UL << 12) | PTE_P | PTE_U | PTE_NX);
}

static void test_faults(void)
{
    struct spt_walk w;

    build();
    /* Not present at L4, L2 and L1. */
    CHECK_EQ(spt_walk(pg(1), 0x8000000000ULL, 0, true, &ops, &w),
             -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, 0);
    CHECK_EQ(spt_walk(pg(1), 0x200000, SPT_USER, true, &ops, &w),
             -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, SPT_PF_U);
    CHECK_EQ(spt_walk(pg(1), 0x404000, SPT_WRITE, true, &ops, &w),
             -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, SPT_PF_W);
    /* A write to a read-only page, from user and from supervisor mode. */
    CHECK_EQ(spt_walk(pg(1), 0x401000, SPT_WRITE | SPT_USER, true, &ops, &w),
             -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, SPT_PF_P | SPT_PF_W | SPT_PF_U);
    CHECK_EQ(spt_walk(pg(1), 0x401000, SPT_WRITE, true, &ops, &w),
             -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, SPT_PF_P | SPT_PF_W);
    CHECK(!(ram[4][1] & D)); /* a refused write sets no D */
    /* User mode on a supervisor page; supervisor mode may. */
    CHECK_EQ(spt_walk(pg(1), 0x402000, SPT_USER, true, &ops, &w),
             -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, SPT_PF_P | SPT_PF_U);
    CHECK_EQ(spt_walk(pg(1), 0x402000, 0, true, &ops, &w), 0);
    /* A user page under a supervisor table is supervisor. */
    ram[3][2] &= ~PTE_U;
    CHECK_EQ(spt_walk(pg(1), 0x400000, SPT_USER, true, &ops, &w),
             -CARAPACE_EFAULT);
    ram[3][2] |= PTE_U;
    /* A fetch from a no-execute page. */
    CHECK_EQ(spt_walk(pg(1), 0x403000, SPT_FETCH, true, &ops, &w),
             -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, SPT_PF_P | SPT_PF_I);
    /* NX without EFER.NXE is a reserved bit. */
    CHECK_EQ(spt_walk(pg(1), 0x403000, 0, false, &ops, &w), -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, SPT_PF_P | SPT_PF_RSVD);
    /* PS in an L4 entry is reserved; so are low bits of a large page. */
    ram[1][1] = pg(5) | T | PTE_PS;
    CHECK_EQ(spt_walk(pg(1), 0x8000000000ULL, 0, true, &ops, &w),
             -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, SPT_PF_P | SPT_PF_RSVD);
    ram[2][1] = pg(0) | (1UL << 13) | T | PTE_PS; /* 1 GiB page, bit 13 */
    CHECK_EQ(spt_walk(pg(1), 0x40000000, 0, true, &ops, &w), -CARAPACE_EFAULT);
    CHECK_EQ(w.pf_error, SPT_PF_P | SPT_PF_RSVD);
}

static void test_large_and_range(void)
{
    struct spt_walk w;

    build();
    /* A 2 MiB page at va 0x600000 -> gpa 0: offsets pass through. */
    ram[3][3] = 0 | T | PTE_PS;
    CHECK_EQ(spt_walk(pg(1), 0x6a1234, 0, true, &ops, &w), 0);
    CHECK_EQ(w.gpa, 0xa1234);
    CHECK_EQ(w.ntables, 3);
    /* PAT (bit 12) is allowed in a large page. */
    ram[3][3] |= 1UL << 12;
    CHECK_EQ(spt_walk(pg(1), 0x600000, 0, true, &ops, &w), 0);
    CHECK_EQ(w.gpa, 0);
    /* A 1 GiB page. */
    ram[2][1] = T | PTE_PS;
    CHECK_EQ(spt_walk(pg(1), 0x40012345, SPT_WRITE, true, &ops, &w), 0);
    CHECK_EQ(w.gpa, 0x12345);
    CHECK(ram[2][1] & D);
    /* The root, a table or an entry's table outside the RAM. */
    CHECK_EQ(spt_walk(RAM, 0x400000, 0, true, &ops, &w), -CARAPACE_ERANGE);
    CHECK_EQ(w.bad_gpa, RAM);
    ram[3][2] = (RAM + 0x5000) | T;
    CHECK_EQ(spt_walk(pg(1), 0x400000, 0, true, &ops, &w), -CARAPACE_ERANGE);
    CHECK_EQ(w.bad_gpa, RAM + 0x5000);
    /* A leaf naming a page past the RAM translates: the caller's p2m
     * lookup refuses it (the walk never names a machine frame). */
    ram[3][2] = pg(4) | T;
    ram[4][5] = (1ULL << 40) | PTE_P;
    CHECK_EQ(spt_walk(pg(1), 0x405000, 0, true, &ops, &w), 0);
    CHECK_EQ(w.gpa, 1ULL << 40);
}

int main(void)
{
    test_translate();
    test_faults();
    test_large_and_range();
    return check_finish();
}
