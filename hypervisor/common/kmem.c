/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small objects (kmem.h). Each size class has slabs: one hypervisor frame
 * each, a 32-byte header, then objects of the class's size. A slab with a
 * free object is on its class's list; free objects are linked through
 * their first word. A slab whose objects are all free goes back to the
 * frame allocator at once, so that destroying every domain returns every
 * frame (the density benchmark checks it). Objects are never page
 * aligned, which is how kmem_free's callers could not confuse a slab
 * object with a whole-frame allocation even if they got the size wrong:
 * kmem_free checks the slab's class against the size.
 *
 * The classes fit a frame's 4,064 bytes after the header: 2,032 is two
 * struct domain; 256 is a 32-frame domain's p2m.
 *
 * Fault injection counts objects, not frames: each kmem_alloc is one
 * failure point (frame_fault_point), so that a matrix of failures covers
 * every object's failure path whatever the slabs hold.
 *
 * Locking: kmem_lock guards the lists, the slab headers and the counts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arch.h"
#include "frame.h"
#include "kmem.h"
#include "panic.h"
#include "spinlock.h"

struct kmem_slab {
    struct kmem_slab *next, *prev; /* on its class's list while not full */
    void *free;                    /* first free object */
    uint16_t used;                 /* objects handed out */
    uint8_t cls;                   /* index in kmem_sizes */
    uint8_t magic;                 /* KMEM_MAGIC: a slab header */
    uint8_t pad[4];
};
_Static_assert(sizeof(struct kmem_slab) == 32, "slab header");

#define KMEM_MAGIC 0x5b
#define KMEM_SPACE (PAGE_SIZE - sizeof(struct kmem_slab))

static const uint16_t kmem_sizes[] = {32, 64, 128, 256, 512, 1008, 1344, 2032};
#define KMEM_CLASSES (sizeof(kmem_sizes) / sizeof(kmem_sizes[0]))
_Static_assert(KMEM_SLAB_MAX == 2032, "the largest class");

static struct spinlock kmem_lock = SPINLOCK_INIT;
static struct kmem_slab *kmem_partial[KMEM_CLASSES]; /* kmem_lock */
static size_t kmem_nframes, kmem_nbytes;             /* kmem_lock */

static unsigned kmem_class(size_t size)
{
    unsigned c = 0;

    while (c < KMEM_CLASSES && kmem_sizes[c] < size)
        c++;
    return c;
}

/* A new slab of class c, its objects all free. kmem_lock held. */
static struct kmem_slab *kmem_slab_new(unsigned c)
{
    mfn_t m = frame_alloc_uncounted(0, FRAME_OWNER_HYP);
    struct kmem_slab *s;
    char *obj;

    if (!mfn_valid(m))
        return NULL;
    s = mfn_to_virt(m);
    memset(s, 0, sizeof(*s));
    s->cls = (uint8_t)c;
    s->magic = KMEM_MAGIC;
    obj = (char *)(s + 1);
    for (size_t i = KMEM_SPACE / kmem_sizes[c]; i-- > 0;) {
        void **o = (void **)(obj + i * kmem_sizes[c]);

        *o = s->free;
        s->free = o;
    }
    kmem_nframes++;
    return s;
}

static void kmem_list_del(struct kmem_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        kmem_partial[s->cls] = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

static void kmem_list_add(struct kmem_slab *s)
{
    s->prev = NULL;
    s->next = kmem_partial[s->cls];
    if (s->next)
        s->next->prev = s;
    kmem_partial[s->cls] = s;
}

/* Whole frames for a large object: 2^order of them. */
static unsigned kmem_order(size_t size)
{
    unsigned order = 0;

    while (((size_t)PAGE_SIZE << order) < size)
        order++;
    return order;
}

void *kmem_alloc(size_t size)
{
    unsigned c = kmem_class(size);
    struct kmem_slab *s;
    void **o = NULL;

    /* One failure point per object, whether or not it takes a frame
     * (fault injection: frame.h). */
    if (size == 0 || frame_fault_point())
        return NULL;
    if (c == KMEM_CLASSES) {
        mfn_t m = frame_alloc_uncounted(kmem_order(size), FRAME_OWNER_HYP);

        if (!mfn_valid(m))
            return NULL;
        memset(mfn_to_virt(m), 0, (size_t)PAGE_SIZE << kmem_order(size));
        return mfn_to_virt(m);
    }
    spinlock_lock(&kmem_lock);
    s = kmem_partial[c];
    if (!s) {
        s = kmem_slab_new(c);
        if (s)
            kmem_list_add(s);
    }
    if (s) {
        o = s->free;
        s->free = *o;
        s->used++;
        kmem_nbytes += kmem_sizes[c];
        if (!s->free)
            kmem_list_del(s); /* full */
    }
    spinlock_unlock(&kmem_lock);
    if (o)
        memset(o, 0, kmem_sizes[c]);
    return o;
}

void kmem_free(void *p, size_t size)
{
    unsigned c = kmem_class(size);
    struct kmem_slab *s;

    if (!p)
        return;
    if (c == KMEM_CLASSES) {
        ASSERT(((uintptr_t)p & (PAGE_SIZE - 1)) == 0);
        frame_free(virt_to_mfn(p), kmem_order(size));
        return;
    }
    s = (struct kmem_slab *)((uintptr_t)p & ~(uintptr_t)(PAGE_SIZE - 1));
    /* A wrong size or a pointer that is no object: a hypervisor bug. */
    ASSERT(s->magic == KMEM_MAGIC && s->cls == c && s->used > 0);
    ASSERT(((uintptr_t)p - (uintptr_t)(s + 1)) % kmem_sizes[c] == 0);
    spinlock_lock(&kmem_lock);
    if (!s->free)
        kmem_list_add(s); /* was full */
    *(void **)p = s->free;
    s->free = p;
    s->used--;
    kmem_nbytes -= kmem_sizes[c];
    if (s->used == 0) {
        kmem_list_del(s);
        s->magic = 0;
        kmem_nframes--;
        frame_free(virt_to_mfn(s), 0);
    }
    spinlock_unlock(&kmem_lock);
}

size_t kmem_frames(void)
{
    return kmem_nframes;
}

size_t kmem_bytes(void)
{
    return kmem_nbytes;
}
