/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grant references (kernel/grant.c): this domain's grant table (one frame,
 * 256 refs, set up on first use) and foreign mappings. Errors are -SYS_E*;
 * -SYS_ENOSYS when the hypervisor has no grant tables.
 */
#ifndef GK_GRANT_H
#define GK_GRANT_H

#include <stdbool.h>
#include <stdint.h>

/* GRANT_REF_CONSOLE: a domU's console ring, granted by the builder */
#define GRANT_REF_CONSOLE 0

/* Grants frame gfn to domain dom: the ref (never 0 in a domU), or -SYS_E*
 * (-SYS_ENOSPC: no free ref). */
int grant_access(uint32_t dom, uint32_t gfn, bool readonly);
/* The same at the ref the caller names: -SYS_EEXIST if it is taken,
 * -SYS_EINVAL for ref 0 or beyond the table. */
int grant_access_ref(uint32_t ref, uint32_t dom, uint32_t gfn, bool readonly);
/* Ends a grant: 0, or -SYS_EBUSY while the grantee maps it (the ref stays
 * allocated and granted; try again after it unmaps). */
int grant_end(uint32_t ref);
/* Maps another domain's grant in the kernel: 0 with *va and *handle. */
int grant_map(uint32_t dom, uint32_t ref, bool readonly, void **va,
              uint32_t *handle);
int grant_unmap(void *va, uint32_t handle);
unsigned int grant_free_count(void);

#endif /* GK_GRANT_H */
