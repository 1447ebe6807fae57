/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memtest: grows the heap on demand and checks it. Fresh pages from sbrk
 * must read as zero and keep what is written to them; growing past the
 * per-process limit (SYS_PROC_MEM) must fail with ENOMEM, and malloc must
 * still work afterwards.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carapace_os.h"

#define PAGE  4096u
#define CHUNK (1u << 20)

static int failures;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("memtest: check failed: " __VA_ARGS__);                     \
            printf("\n");                                                      \
            failures++;                                                        \
        }                                                                      \
    } while (0)

/* Touches every page of [p, p + len): each must read zero, then keeps a
 * pattern. Returns the number of pages that were not zero. */
static unsigned touch(unsigned char *p, size_t len)
{
    unsigned dirty = 0;

    for (size_t off = 0; off < len; off += PAGE) {
        uint64_t *w = (uint64_t *)(p + off);
        if (w[0] != 0 || w[PAGE / 8 - 1] != 0)
            dirty++;
        w[0] = (uintptr_t)(p + off);
        w[PAGE / 8 - 1] = ~(uintptr_t)(p + off);
    }
    return dirty;
}

static unsigned verify(unsigned char *p, size_t len)
{
    unsigned bad = 0;

    for (size_t off = 0; off < len; off += PAGE) {
        uint64_t *w = (uint64_t *)(p + off);
        if (w[0] != (uintptr_t)(p + off) ||
            w[PAGE / 8 - 1] != ~(uintptr_t)(p + off))
            bad++;
    }
    return bad;
}

int main(void)
{
    unsigned char *start;
    size_t grown = 0;

    /* stdio allocates its buffer on the first printf: before we look at
     * the break, so that malloc and our sbrk calls do not interleave. */
    printf("memtest: growing the heap\n");
    start = sbrk(0);

    /* 1. Grow 16 MiB, a chunk at a time. */
    for (int i = 0; i < 16; i++) {
        unsigned char *p = sbrk(CHUNK);
        CHECK(p != (void *)-1, "sbrk(1 MiB) #%d: %s", i, strerror(errno));
        if (p == (void *)-1)
            break;
        CHECK(p == start + grown, "sbrk returned %p, expected %p", (void *)p,
              (void *)(start + grown));
        CHECK(touch(p, CHUNK) == 0, "chunk %d: pages not zero-filled", i);
        grown += CHUNK;
    }
    CHECK(verify(start, grown) == 0, "heap pages lost their contents");
    printf("memtest: heap grew by %zu MiB from %p, zero-filled\n", grown >> 20,
           (void *)start);

    /* 2. Past the limit: ENOMEM, and the break stays where it was. */
    errno = 0;
    void *p = sbrk((ptrdiff_t)SYS_PROC_MEM);
    CHECK(p == (void *)-1 && errno == ENOMEM,
          "sbrk(SYS_PROC_MEM) gave %p, errno %d", p, errno);
    CHECK(sbrk(0) == start + grown, "the break moved after a failed sbrk");
    errno = 0;
    p = malloc(SYS_PROC_MEM);
    CHECK(p == NULL && errno == ENOMEM, "malloc(SYS_PROC_MEM) gave %p", p);
    printf("memtest: growing by %u MiB fails: %s\n", SYS_PROC_MEM >> 20,
           strerror(ENOMEM));

    /* 3. malloc still works, and calloc gives zeroed memory. */
    unsigned char *block = calloc(4, CHUNK);
    CHECK(block != NULL, "calloc(4 MiB) after shrinking");
    if (block) {
        size_t nonzero = 0;
        for (size_t i = 0; i < 4 * CHUNK; i++)
            nonzero += block[i] != 0;
        CHECK(nonzero == 0, "calloc gave %zu non-zero bytes", nonzero);
        memset(block, 0xa5, 4 * CHUNK);
        free(block);
    }

    if (failures)
        printf("Test result: FAILURE (%d checks failed)\n", failures);
    else
        printf("Test result: SUCCESS\n");
    return failures != 0;
}
