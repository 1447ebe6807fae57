/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A minimal check harness for host unit tests. A test calls CHECK* as often
 * as it likes; each failure prints file, line and the failed expression.
 * main() ends with `return check_finish();`, which prints the one final
 * result line the test runner reads, and returns the exit status.
 */
#ifndef CARAPACE_TEST_CHECK_H
#define CARAPACE_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static unsigned check_failures;
static unsigned check_count;

#define CHECK(cond)                                                            \
    do {                                                                       \
        check_count++;                                                         \
        if (!(cond)) {                                                         \
            check_failures++;                                                  \
            printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                      \
    } while (0)

#define CHECK_EQ(a, b)                                                         \
    do {                                                                       \
        uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);           \
        check_count++;                                                         \
        if (check_a_ != check_b_) {                                            \
            check_failures++;                                                  \
            printf("%s:%d: check failed: %s == %s (0x%" PRIx64                 \
                   " != 0x%" PRIx64 ")\n",                                     \
                   __FILE__, __LINE__, #a, #b, check_a_, check_b_);            \
        }                                                                      \
    } while (0)

#define CHECK_STR(a, b)                                                        \
    do {                                                                       \
        const char *check_a_ = (a), *check_b_ = (b);                           \
        check_count++;                                                         \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {       \
            check_failures++;                                                  \
            printf("%s:%d: check failed: %s == %s (\"%s\" != \"%s\")\n",       \
                   __FILE__, __LINE__, #a, #b, check_a_ ? check_a_ : "(null)", \
                   check_b_ ? check_b_ : "(null)");                            \
        }                                                                      \
    } while (0)

static inline int check_finish(void)
{
    printf("%u checks, %u failed\n", check_count, check_failures);
    if (check_count == 0) {
        /* A test that checked nothing proves nothing. */
        printf("Test result: ERROR (no checks ran)\n");
        return 1;
    }
    printf("Test result: %s\n", check_failures ? "FAILURE" : "SUCCESS");
    return check_failures ? 1 : 0;
}

#endif /* CARAPACE_TEST_CHECK_H */
