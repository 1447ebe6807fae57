/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared between the pv backend's files (arch/x86_64 only). */
#ifndef GK_PV_H
#define GK_PV_H

#include <stdbool.h>
#include <stdint.h>

#include <carapace/shared.h>

struct shared_info *pv_shared_info(void);
/* The kernel's foreign window: slot i's address (its L1 made on first
 * use; NULL if it cannot be), and back. */
void *pv_window_slot(unsigned int i);
int pv_window_index(const void *va);
/* Maps machine frame mfn writable at va in the window: 0 or -CARAPACE_E*. */
long pv_map_machine_frame(void *va, uint64_t mfn);
/* Lends s's user L2 to the kernel root (making the L1 for va first) so
 * that a grant can be mapped at user address va, or takes it back. */
struct arch_space;
int pv_space_lend(struct arch_space *s, uint64_t va, bool lend);
/* The kernel root, for the window (set by arch_init). */
void pv_window_set_root(const void *pt_base);

#endif /* GK_PV_H */
