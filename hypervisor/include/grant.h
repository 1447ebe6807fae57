/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant tables (common/grant.c; ABI: carapace/grant_table.h, docs/abi.md).
 * Per domain: its grant table frames (owned by the domain, guest-written),
 * the hypervisor's record of each ref's mappings (active entries), the
 * domain's own mappings of other domains' frames (maptrack) and the list of
 * its p2m frames (to turn a grant's gfn into a machine frame).
 */
#ifndef CARAPACE_GRANT_H
#define CARAPACE_GRANT_H

#include <stdint.h>

#include "addr.h"

struct domain;
struct vcpu;

/* Give d a grant table of nr_frames (1..GNTTAB_MAX_FRAMES) frames now (the
 * builder, before the guest runs); it can only grow. 0 or -errno. */
int grant_domain_init(struct domain *d, unsigned nr_frames);

/* Take back what grant_domain_init made, table frames included, when the
 * build it was for is refused: d has never run and nobody maps its
 * grants (it may have no table: nothing happens). */
void grant_domain_fini(struct domain *d);

/* Write grant `ref` of d (the builder: the console ring for dom0), with
 * its active entry made, so that mapping it takes no memory. The table
 * must exist (grant_domain_init). 0, -EINVAL or -ENOMEM (nothing done). */
int grant_builder_set(struct domain *d, uint32_t ref, uint16_t domid, gfn_t gfn,
                      uint16_t flags);

/* Domain teardown, before its page tables are released: undo d's mappings
 * of other domains' frames; frames of d that others still map are handed
 * to the hypervisor (freed with their last mapping); free d's state. */
void grant_domain_destroy(struct domain *d);
/* After the domain's memory is released: its table frames and grant
 * state go. Returns the frames freed. */
uint64_t grant_domain_release(struct domain *d);

#endif /* CARAPACE_GRANT_H */
