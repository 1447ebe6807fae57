/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The split console of a domU (ABI 1.2): one page of the domU's memory
 * holding two byte rings, granted to dom0 as grant ref 0
 * (GNTTAB_RESERVED_CONSOLE), and an event channel. The domain builder
 * allocates both and says so in the domU's start info: console = "ring",
 * console-gfn (u64: the page's guest frame) and console-port (u32: the
 * domU's end; dom0 binds it with EVTCHNOP_bind_interdomain). dom0 keeps
 * console = "hypervisor" (HC_console_write, HC_console_read).
 *
 * out: domU -> dom0 (what the domU prints); in: dom0 -> domU (what is
 * typed at it). Indices are free-running uint32_t byte counters, masked
 * by the ring's size; each side writes only its producer or consumer
 * index. A producer writes the bytes, a write barrier, then prod, and
 * notifies the port; a consumer reads prod, a read barrier, the bytes,
 * then cons (after a full barrier), and notifies the port so that a
 * producer waiting for room goes on. prod - cons never exceeds the size;
 * a consumer treats a larger difference as a broken ring.
 */
#ifndef CARAPACE_ABI_CONSOLE_H
#define CARAPACE_ABI_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"

#define CONSOLE_RING_IN_SIZE  1024u
#define CONSOLE_RING_OUT_SIZE 2048u

struct console_ring {
    char in[CONSOLE_RING_IN_SIZE];
    char out[CONSOLE_RING_OUT_SIZE];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};
CARAPACE_ABI_CHECK(struct console_ring, 3088);
_Static_assert(offsetof(struct console_ring, in_cons) == 3072,
               "console ring layout");

/* Index idx of a ring of size bytes (a power of two). */
#define CONSOLE_RING_IDX(idx, size) ((idx) & ((size)-1u))

/* The start info's "console" of a domU with a split console
 * (console-gfn and console-port: startinfo.h). */
#define CARAPACE_SI_CONSOLE_RING "ring"

#endif /* CARAPACE_ABI_CONSOLE_H */
