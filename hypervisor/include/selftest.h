/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hooks for test images, in the style of XTF. The hypervisor defines them
 * weak and empty; a test image (tests/hv/NAME/test.c) defines them strongly.
 * A test reports exactly one final line through selftest_result().
 */
#ifndef CARAPACE_SELFTEST_H
#define CARAPACE_SELFTEST_H

#include <stdint.h>

enum selftest_result {
    SELFTEST_SUCCESS,
    SELFTEST_SKIP,
    SELFTEST_ERROR,
    SELFTEST_FAILURE,
};

/* What a fatal error looked like, for selftest_fatal(). */
struct selftest_fatal_info {
    const char *reason; /* "exception", "panic", "stack-protector" */
    int vector;         /* CPU exception vector, or -1 */
    uint64_t error_code;
    uint64_t ip;         /* where it happened */
    uint64_t fault_addr; /* CR2 for a page fault */
};

/* Runs at the end of start of day; returning continues the normal boot. */
void selftest_main(void);

/* Runs after a fatal error has been reported, before the machine stops. */
void selftest_fatal(const struct selftest_fatal_info *info);

/* Prints "Test result: ..." (the line the test runner reads). */
void selftest_result(enum selftest_result r, const char *detail);

#endif /* CARAPACE_SELFTEST_H */
