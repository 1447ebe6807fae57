/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What lib/ needs from the part that links it: one hook. lib/ code checks
 * its own invariants with LIB_ASSERT (never input: that gets an error
 * code); a broken one calls lib_assert_fail(), which each part implements
 * its own way (the hypervisor and the guest kernel panic, programs and
 * host tests abort).
 */
#ifndef CARAPACE_LIB_H
#define CARAPACE_LIB_H

__attribute__((noreturn)) void lib_assert_fail(const char *cond,
                                               const char *file, int line);

#define LIB_ASSERT(cond)                                                       \
    ((cond) ? (void)0 : lib_assert_fail(#cond, __FILE__, __LINE__))

#endif /* CARAPACE_LIB_H */
