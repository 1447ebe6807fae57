/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant tables: a domain (the granter) lets another (the grantee) map or
 * copy one of its pages. The granter writes entries into its grant table,
 * frames the hypervisor allocates for it (GNTTABOP_setup_table) and it maps
 * writable; the grantee names an entry by (granter domid, ref).
 *
 * HC_grant_table_op(cmd, args, count): count entries (at most
 * GNTTAB_OP_MAX) of the command's struct, processed in order, each with its
 * own status (0 or a negative CARAPACE_E* code). The call returns 0, -E2BIG,
 * -ENOSYS (unknown cmd), or -EFAULT if the array cannot be read or written
 * (entries before the faulting one have been processed).
 *
 * Protocol for the granter (docs/abi.md, "Grant tables"):
 *  - grant: write gfn and domid (pad 0), then flags = GTF_permit_access
 *    [| GTF_readonly] last, with a release store;
 *  - end: compare-and-swap flags from the value it wrote to 0; the swap
 *    fails while the hypervisor has set GTF_reading or GTF_writing (the
 *    grantee still maps the page): ending a mapped grant fails until the
 *    grantee unmaps it. Never change gfn or domid of a permitted entry.
 */
#ifndef CARAPACE_ABI_GRANT_TABLE_H
#define CARAPACE_ABI_GRANT_TABLE_H

#include <stdint.h>

#include "abi.h"

#define GNTTABOP_setup_table     0
#define GNTTABOP_map_grant_ref   1
#define GNTTABOP_unmap_grant_ref 2
#define GNTTABOP_copy            3
#define GNTTABOP_query_size      4

#define GNTTAB_OP_MAX 64 /* entries per HC_grant_table_op */

/* One grant, written by the granting guest. */
struct grant_entry {
    uint16_t flags; /* GTF_* */
    uint16_t domid; /* the grantee */
    uint32_t pad;   /* must be zero */
    uint64_t gfn;   /* the granter's guest frame (below its nr-frames) */
};
CARAPACE_ABI_CHECK(struct grant_entry, 16);

#define GTF_permit_access 0x0001 /* domid may map or copy gfn */
#define GTF_readonly      0x0004 /* ... read-only */
#define GTF_reading       0x0008 /* hypervisor: mapped (read) by domid */
#define GTF_writing       0x0010 /* hypervisor: mapped writable by domid */

#define GRANT_ENTRIES_PER_FRAME 256
#define GNTTAB_MAX_FRAMES       4 /* 1024 grant refs per domain */
#define GNTTAB_RESERVED_CONSOLE 0 /* the domU's console ring, for dom0 */

#define DOMID_SELF 0x7ff0u

/* In: nr_frames (1..GNTTAB_MAX_FRAMES). Out: nr_frames = the table's size
 * now (it only grows) and the machine frame of each table frame. */
struct gnttab_setup_table {
    uint32_t nr_frames;
    int32_t status;
    uint64_t frames[GNTTAB_MAX_FRAMES];
};
CARAPACE_ABI_CHECK(struct gnttab_setup_table, 40);

/* Map (dom, ref) at va in the caller's current kernel page tables (the L1
 * covering va must exist and its entry be empty). */
struct gnttab_map_grant_ref {
    uint32_t dom;
    uint32_t ref;
    uint64_t va;
    uint32_t flags; /* GNTMAP_readonly */
    int32_t status;
    uint32_t handle; /* out */
    uint32_t pad;    /* must be zero */
    uint64_t mfn;    /* out */
};
CARAPACE_ABI_CHECK(struct gnttab_map_grant_ref, 40);

#define GNTMAP_readonly 0x1

struct gnttab_unmap_grant_ref {
    uint32_t handle;
    int32_t status;
    uint64_t va; /* must be the va it was mapped at */
};
CARAPACE_ABI_CHECK(struct gnttab_unmap_grant_ref, 16);

struct gnttab_copy_ptr {
    uint32_t dom; /* granter, or DOMID_SELF for a local gfn */
    uint32_t ref; /* grant ref (GNTCOPY_*_gref), else must be 0 */
    uint64_t gfn; /* the caller's gfn (DOMID_SELF), else must be 0 */
    uint16_t offset;
    uint16_t pad[3]; /* must be zero */
};
CARAPACE_ABI_CHECK(struct gnttab_copy_ptr, 24);

#define GNTCOPY_source_gref 0x1
#define GNTCOPY_dest_gref   0x2

struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len; /* offset + len <= 4096 on both sides */
    uint16_t flags;
    int32_t status;
};
CARAPACE_ABI_CHECK(struct gnttab_copy, 56);

struct gnttab_query_size {
    uint32_t nr_frames;  /* out: the caller's table frames (0: none) */
    uint32_t max_frames; /* out: GNTTAB_MAX_FRAMES */
    int32_t status;
    uint32_t pad;
};
CARAPACE_ABI_CHECK(struct gnttab_query_size, 16);

#endif /* CARAPACE_ABI_GRANT_TABLE_H */
