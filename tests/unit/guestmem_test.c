/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the hypervisor's guest-memory walk (arch/x86_64/guestmem.c)
 * on a fake machine of 16 frames: an access succeeds only through entries
 * that are present and user at every level (and writable at every level
 * for a write), never through a superpage, never above the lower half; a
 * read-only recursive L4 entry reaches the guest's own tables but not a
 * supervisor "hypervisor slot" behind it; copies cross pages and stop at
 * the first page that fails.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/guestmem.h"
#include "arch/paging.h"
#include "check.h"

#define NFRAMES 16
#define P       PTE_P
#define W       PTE_W
#define U       PTE_U
#define PG      4096ULL

/* Frames: 1 L4, 2 L3, 3 L2, 4 L1, 5..8 data, 9 "hypervisor" L3 (supervisor
 * slot 258 of the L4), 10 its L2, 11 its L1, 12 a hypervisor frame. */
static _Alignas(4096) uint8_t mem[NFRAMES * PG];

void *arch_phys_to_virt(uint64_t pa)
{
    if (pa >= sizeof(mem)) {
        printf("arch_phys_to_virt(%#llx) outside memory\n",
               (unsigned long long)pa);
        abort();
    }
    return &mem[pa];
}

static uint64_t *tab(unsigned f)
{
    return (uint64_t *)&mem[f * PG];
}

static uint64_t e(unsigned f, uint64_t flags)
{
    return (uint64_t)f * PG | flags;
}

static uint64_t va(uint64_t l4, uint64_t l3, uint64_t l2, uint64_t l1)
{
    return l4 << 39 | l3 << 30 | l2 << 21 | l1 << 12;
}

static void machine_init(void)
{
    memset(mem, 0, sizeof(mem));
    tab(1)[0] = e(2, P | W | U);
    tab(2)[0] = e(3, P | W | U);
    tab(3)[0] = e(4, P | W | U);
    tab(4)[0] = e(5, P | W | U);
    tab(4)[1] = e(6, P | W | U);
    tab(4)[2] = e(7, P | U);      /* read-only */
    tab(4)[3] = e(8, P | W);      /* supervisor */
    tab(1)[258] = e(9, P | W);    /* the hypervisor's slot */
    tab(9)[0] = e(10, P | W | U); /* a user bit below does not help */
    tab(10)[0] = e(11, P | W | U);
    tab(11)[0] = e(12, P | W | U);
    /* One recursion through slot 1 makes frame 11 the leaf (below). */
    memcpy(&mem[11 * PG + 8], "hypervisor secret", 18);
}

static void test_walk(void)
{
    const uint64_t root = 1 * PG;

    machine_init();
    CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 0) + 0x123), false),
             5 * PG + 0x123);
    CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 1)), true), 6 * PG);
    CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 2)), false), 7 * PG);
    CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 2)), true),
             GUESTMEM_FAULT);
    CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 3)), false),
             GUESTMEM_FAULT);
    CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 4)), false),
             GUESTMEM_FAULT);
    CHECK_EQ(guestmem_walk(root, gva_init(va(258, 0, 0, 0)), false),
             GUESTMEM_FAULT);
    CHECK_EQ(guestmem_walk(root, gva_init(0x0000800000000000ULL), false),
             GUESTMEM_FAULT);
    CHECK_EQ(guestmem_walk(root, gva_init(~0ULL), false), GUESTMEM_FAULT);
    /* Missing U, W or P at each upper level in turn. */
    for (unsigned f = 1; f <= 3; f++) {
        uint64_t keep = tab(f)[0];

        tab(f)[0] = keep & ~U;
        CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 0)), false),
                 GUESTMEM_FAULT);
        tab(f)[0] = keep & ~W;
        CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 0)), false), 5 * PG);
        CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 0)), true),
                 GUESTMEM_FAULT);
        tab(f)[0] = keep & ~P;
        CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 0, 0)), false),
                 GUESTMEM_FAULT);
        tab(f)[0] = keep;
    }
    /* A superpage entry is never followed (the hypervisor's direct map). */
    tab(3)[1] = e(4, P | W | U | PTE_PS);
    CHECK_EQ(guestmem_walk(root, gva_init(va(0, 0, 1, 0)), false),
             GUESTMEM_FAULT);
}

/* L4 slot 1 points at the L4 itself, read-only. */
static void test_recursive(void)
{
    const uint64_t root = 1 * PG;
    char buf[32];

    machine_init();
    tab(1)[1] = e(1, P | U);
    /* The guest's own L1, read through the slot: fine, read-only. */
    CHECK_EQ(guestmem_walk(root, gva_init(va(1, 0, 0, 0)), false), 4 * PG);
    CHECK_EQ(guestmem_walk(root, gva_init(va(1, 0, 0, 0)), true),
             GUESTMEM_FAULT);
    CHECK_EQ(guestmem_walk(root, gva_init(va(1, 1, 1, 1)), false), 1 * PG);
    /* Through the slot into the hypervisor's slot 258: refused at the
     * supervisor entry, though every entry below it says user. */
    CHECK_EQ(guestmem_walk(root, gva_init(va(1, 258, 0, 0)), false),
             GUESTMEM_FAULT);
    CHECK_EQ(guestmem_walk(root, gva_init(va(1, 1, 258, 0)), false),
             GUESTMEM_FAULT);
    CHECK_EQ(guestmem_copy_root(root, gva_init(va(1, 258, 0, 0) + 8), buf, 18,
                                false),
             -14);
    /* With a user bit there, the same address would read the secret. */
    tab(1)[258] |= U;
    CHECK_EQ(guestmem_copy_root(root, gva_init(va(1, 258, 0, 0) + 8), buf, 18,
                                false),
             0);
    CHECK_STR(buf, "hypervisor secret");
}

static void test_copy(void)
{
    const uint64_t root = 1 * PG;
    char buf[64];

    machine_init();
    memset(&mem[6 * PG], 'b', PG);
    memcpy(&mem[6 * PG - 4], "abcd", 4);
    /* Across pages 0 and 1: 4 bytes of frame 5, then frame 6. */
    CHECK_EQ(
        guestmem_copy_root(root, gva_init(va(0, 0, 0, 1) - 4), buf, 8, false),
        0);
    CHECK(memcmp(buf, "abcdbbbb", 8) == 0);
    CHECK_EQ(guestmem_copy_root(root, gva_init(va(0, 0, 0, 1) - 4), "wxyzWXYZ",
                                8, true),
             0);
    CHECK(memcmp(&mem[6 * PG - 4], "wxyzWXYZ", 8) == 0);
    /* Into the read-only page: the writable part is written, then -EFAULT. */
    CHECK_EQ(guestmem_copy_root(root, gva_init(va(0, 0, 0, 2) - 2), "12345", 5,
                                true),
             -14);
    CHECK(memcmp(&mem[7 * PG - 2], "12", 2) == 0);
    CHECK_EQ(mem[7 * PG], 0);
    /* Ranges that leave the lower half or wrap. */
    CHECK_EQ(guestmem_copy_root(root, gva_init(0x00007ffffffffff0ULL), buf, 32,
                                false),
             -14);
    CHECK_EQ(guestmem_copy_root(root, gva_init(~0ULL - 4), buf, 8, false), -14);
    CHECK_EQ(guestmem_copy_root(root, gva_init(va(0, 0, 0, 0)), buf, 0, false),
             0);
}

int main(void)
{
    test_walk();
    test_recursive();
    test_copy();
    return check_finish();
}
