/* SPDX-License-Identifier: BSD-2-Clause */
/* Boot-time memory bring-up (mm.c). */
#ifndef CARAPACE_MM_H
#define CARAPACE_MM_H

/* From the boot information tree: work out RAM and what must stay
 * reserved, place the frame table, fill the frame allocator, and have the
 * architecture build the final page tables. 0 or a negative error. */
int mm_init(const void *fdt);

#endif /* CARAPACE_MM_H */
