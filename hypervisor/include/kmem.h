/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small objects of the hypervisor (kmem.c): per-domain state smaller than
 * a frame (struct domain, a small domain's p2m, its event-channel ports,
 * its grant state) packed into shared frames instead of a frame each, so
 * that a small domain costs the hypervisor a few KiB, not 32.
 */
#ifndef CARAPACE_KMEM_H
#define CARAPACE_KMEM_H

#include <stddef.h>

/* Largest size served from a slab; larger ones take whole frames. */
#define KMEM_SLAB_MAX 2032

/* size bytes, zeroed, 16-byte aligned; NULL if size is 0 or no frame is
 * left. Sizes above KMEM_SLAB_MAX take 2^k whole frames. */
void *kmem_alloc(size_t size);
/* p from kmem_alloc(size) (the same size), or NULL. */
void kmem_free(void *p, size_t size);
/* Frames kmem holds, and bytes handed out: for the benchmark's report. */
size_t kmem_frames(void);
size_t kmem_bytes(void);

#endif /* CARAPACE_KMEM_H */
