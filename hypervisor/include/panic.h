/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * panic() is for broken hypervisor invariants only, never for guest input or
 * bad configuration: those get error codes. ASSERT checks an invariant.
 */
#ifndef CARAPACE_PANIC_H
#define CARAPACE_PANIC_H

#include <stdbool.h>

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
                                                           ...);

#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond))                                                           \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);  \
    } while (0)

/*
 * The fatal-error path, shared by panic() and the arch exception handlers.
 * fatal_begin() returns false when a fatal error happens while another is
 * being reported (then the caller should only stop the machine).
 * fatal_printf() writes to the console without taking the log lock, which
 * the failing code may hold. fatal_end() runs the test hook and stops.
 */
struct selftest_fatal_info;
bool fatal_begin(void);
__attribute__((format(printf, 1, 2))) void fatal_printf(const char *fmt, ...);
__attribute__((noreturn)) void fatal_end(const struct selftest_fatal_info *i);

#define BUILD_ASSERT(cond) _Static_assert(cond, #cond)

#endif /* CARAPACE_PANIC_H */
