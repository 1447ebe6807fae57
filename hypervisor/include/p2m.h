/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A domain's guest-to-machine frame map, kept by the hypervisor in its own
 * frames (a guest's copy of its p2m is the guest's business and may say
 * anything): a directory frame of P2M_PER_FRAME leaf frames, each of
 * P2M_PER_FRAME machine frame numbers, so up to 1 GiB of guest memory.
 * p2m_grow also gives the new frames to the domain, zeroed, and records
 * them in the M2P.
 */
#ifndef CARAPACE_P2M_H
#define CARAPACE_P2M_H

#include <stdint.h>

#include "addr.h"

#define P2M_PER_FRAME  512
#define P2M_MAX_FRAMES ((uint64_t)P2M_PER_FRAME * P2M_PER_FRAME)

struct domain;

/* Give d guest frames d->nr_frames .. nr - 1, all or none: on -ENOMEM
 * the frames and p2m tables it got are freed again. -E2BIG past
 * P2M_MAX_FRAMES. */
int p2m_grow(struct domain *d, uint64_t nr);
/* Free guest frames nr .. d->nr_frames - 1 (they must be plain memory). */
int p2m_shrink(struct domain *d, uint64_t nr);
/* The machine frame of gfn, or an invalid mfn past the end. */
mfn_t p2m_get(const struct domain *d, gfn_t gfn);
/* Copy len bytes to d's guest-physical address gpa, page by page through
 * the direct map (the builders, before the domain runs; the caller has
 * checked the range against d's frames). */
void p2m_copy(const struct domain *d, uint64_t gpa, const void *src,
              uint64_t len);
/* Free the map itself (the domain's frames are freed by their owner). */
void p2m_free(struct domain *d);

#endif /* CARAPACE_P2M_H */
