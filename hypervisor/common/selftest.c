/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Default (weak, empty) test hooks, and the result line. A test image
 * replaces the hooks with its own; the normal hypervisor runs these.
 */
#include <string.h>

#include "log.h"
#include "selftest.h"

__attribute__((weak)) void selftest_main(void)
{
}

__attribute__((weak)) void
selftest_fatal(const struct selftest_fatal_info *info)
{
    (void)info;
}

static void selftest_puts(const char *s)
{
    log_write(s, strlen(s));
}

void selftest_result(enum selftest_result r, const char *detail)
{
    static const char *const names[] = {"SUCCESS", "SKIP", "ERROR", "FAILURE"};

    /* Written whatever the log level: the test runner must see it. */
    selftest_puts("Test result: ");
    selftest_puts((unsigned)r < 4 ? names[r] : "ERROR");
    if (detail && detail[0]) {
        selftest_puts(" (");
        selftest_puts(detail);
        selftest_puts(")");
    }
    selftest_puts("\n");
}
