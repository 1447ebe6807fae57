/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the small-object allocator (hypervisor/common/kmem.c, with
 * frame.c) on the host: every class hands out aligned, zeroed, disjoint
 * objects; a slab goes back to the frame allocator when its last object
 * does; large sizes take whole frames; running out of frames gives NULL
 * and changes nothing; a random mix of sizes ends with every frame free.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../hypervisor/common/kmem.c"
#include "check.h"

#define NFRAMES 256

static uint8_t mem[NFRAMES * PAGE_SIZE] __attribute__((aligned(4096)));
static struct frame frames[NFRAMES];

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

static void test_classes(void)
{
    static const size_t sizes[] = {1,   16,   32,   33,   100, 256,
                                   257, 1000, 1344, 1360, 2032};
    uint64_t free0 = frame_count_free();

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = sizes[i];
        uint8_t *a = kmem_alloc(n), *b = kmem_alloc(n);

        CHECK(a != NULL && b != NULL);
        if (!a || !b)
            continue;
        CHECK(((uintptr_t)a & 15) == 0 && ((uintptr_t)b & 15) == 0);
        CHECK(((uintptr_t)a & (PAGE_SIZE - 1)) != 0); /* never a frame */
        CHECK(a + n <= b || b + n <= a);              /* disjoint */
        for (size_t j = 0; j < n; j++)
            CHECK(a[j] == 0 && b[j] == 0);
        memset(a, 0xaa, n);
        memset(b, 0xbb, n);
        kmem_free(a, n);
        a = kmem_alloc(n); /* reused, and zeroed again */
        CHECK(a != NULL && a[0] == 0 && a[n - 1] == 0);
        kmem_free(a, n);
        kmem_free(b, n);
    }
    CHECK_EQ(frame_count_free(), free0);
    CHECK_EQ(kmem_frames(), 0);
    CHECK_EQ(kmem_bytes(), 0);
}

static void test_slab_fill(void)
{
    void *obj[200];
    unsigned per_slab = (PAGE_SIZE - 32) / 256;
    uint64_t free0 = frame_count_free();

    for (unsigned i = 0; i < 2 * per_slab + 1; i++)
        obj[i] = kmem_alloc(200);
    CHECK_EQ(kmem_frames(), 3); /* two full slabs and one more */
    CHECK_EQ(frame_count_free(), free0 - 3);
    for (unsigned i = 0; i < 2 * per_slab + 1; i++)
        kmem_free(obj[i], 200);
    CHECK_EQ(kmem_frames(), 0);
    CHECK_EQ(frame_count_free(), free0);
}

static void test_large(void)
{
    uint64_t free0 = frame_count_free();
    uint8_t *p = kmem_alloc(8192);

    CHECK(p != NULL && ((uintptr_t)p & (PAGE_SIZE - 1)) == 0);
    CHECK_EQ(frame_count_free(), free0 - 2);
    CHECK(p && p[0] == 0 && p[8191] == 0);
    kmem_free(p, 8192);
    CHECK_EQ(frame_count_free(), free0);
    CHECK(kmem_alloc(0) == NULL);
    kmem_free(NULL, 64); /* nothing */
}

static void test_exhaustion(void)
{
    static void *obj[NFRAMES * 4];
    unsigned n = 0;

    while (n < NFRAMES * 4 && (obj[n] = kmem_alloc(2000)) != NULL)
        n++;
    printf("exhaustion: %u objects of 2000 bytes in %zu frames\n", n,
           kmem_frames());
    CHECK(n > NFRAMES); /* two a frame */
    CHECK(kmem_alloc(2000) == NULL);
    CHECK(kmem_alloc(8192) == NULL);
    while (n--)
        kmem_free(obj[n], 2000);
    CHECK_EQ(kmem_frames(), 0);
}

static void test_random(void)
{
    static struct {
        void *p;
        size_t n;
    } live[512];
    uint64_t free0 = frame_count_free();
    unsigned seed = 1;

    for (unsigned i = 0; i < 20000; i++) {
        unsigned k;

        seed = seed * 1103515245 + 12345;
        k = (seed >> 8) % 512;
        if (live[k].p) {
            CHECK(((uint8_t *)live[k].p)[0] == (uint8_t)k);
            kmem_free(live[k].p, live[k].n);
            live[k].p = NULL;
        } else {
            live[k].n = 1 + (seed >> 16) % 3000;
            live[k].p = kmem_alloc(live[k].n);
            if (live[k].p)
                memset(live[k].p, (int)k, live[k].n);
        }
    }
    for (unsigned k = 0; k < 512; k++)
        kmem_free(live[k].p, live[k].n);
    CHECK_EQ(kmem_frames(), 0);
    CHECK_EQ(frame_count_free(), free0);
    CHECK_EQ(frame_check(), 0);
}

int main(void)
{
    CHECK_EQ(frame_table_init(frames, NFRAMES), 0);
    CHECK_EQ(frame_add_free(mfn_init(0), NFRAMES), 0);
    test_classes();
    test_slab_fill();
    test_large();
    test_exhaustion();
    test_random();
    return check_finish();
}
