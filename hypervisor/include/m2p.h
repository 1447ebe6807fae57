/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The machine-to-guest frame table (M2P): for each machine frame, the guest
 * frame number it holds in its owner domain, or M2P_INVALID. Guests read
 * it at M2P_VIRT_START (abi/include/carapace/mmu.h), mapped read-only in
 * every address space; the hypervisor writes it through the direct map.
 * Only M2P frames are mapped there: nothing else of the hypervisor.
 */
#ifndef CARAPACE_M2P_H
#define CARAPACE_M2P_H

#include <stdint.h>

#include "addr.h"

/* Bytes the table needs for machine frames 0 .. nframes - 1. */
uint64_t m2p_bytes(uint64_t nframes);
/* Use table[0 .. nframes) (direct-map address), filling it invalid. */
void m2p_init(uint64_t *table, uint64_t nframes);
/* Record that machine frame m holds guest frame gfn of its owner. */
void m2p_set(mfn_t m, gfn_t gfn);
/* m holds no guest frame any more (M2P_INVALID, as guests read it). */
void m2p_clear(mfn_t m);
/* The guest frame m holds, or M2P_INVALID. */
gfn_t m2p_get(mfn_t m);

#endif /* CARAPACE_M2P_H */
