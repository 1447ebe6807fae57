/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * panic() is for broken hypervisor invariants only, never for guest input or
 * bad configuration: those get error codes. ASSERT checks an invariant.
 */
#ifndef CARAPACE_PANIC_H
#define CARAPACE_PANIC_H

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
                                                           ...);

#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond))                                                           \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
    } while (0)

#define BUILD_ASSERT(cond) _Static_assert(cond, #cond)

#endif /* CARAPACE_PANIC_H */
