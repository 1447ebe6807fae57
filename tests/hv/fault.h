/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the fault tests: each triggers one fault inside the hypervisor
 * from selftest_main() and declares what it expects; the hypervisor reports
 * the fault and calls selftest_fatal(), which checks the report's facts and
 * prints the one result line. Falling through selftest_main() (no fault) is
 * a FAILURE too.
 */
#ifndef CARAPACE_TEST_FAULT_H
#define CARAPACE_TEST_FAULT_H

#include <stdint.h>
#include <string.h>

#include "format.h"
#include "selftest.h"

struct fault_expect {
    const char *reason; /* "exception", "panic" or "stack-protector" */
    int vector;         /* -1 for none */
    int check_addr;     /* compare fault_addr */
    uint64_t addr;
    int check_code; /* compare error_code */
    uint64_t code;
};

/* Defined by each test. */
extern const struct fault_expect fault_expected;
void fault_trigger(void);

void selftest_main(void)
{
    fault_trigger();
    selftest_result(SELFTEST_FAILURE, "the fault did not happen");
}

void selftest_fatal(const struct selftest_fatal_info *info)
{
    const struct fault_expect *e = &fault_expected;
    char why[128];

    why[0] = '\0';
    if (strcmp(info->reason, e->reason) != 0)
        format_snprintf(why, sizeof(why), "reason %s, expected %s",
                        info->reason, e->reason);
    else if (info->vector != e->vector)
        format_snprintf(why, sizeof(why), "vector %d, expected %d",
                        info->vector, e->vector);
    else if (e->check_addr && info->fault_addr != e->addr)
        format_snprintf(why, sizeof(why), "fault address %#lx, expected %#lx",
                        info->fault_addr, e->addr);
    else if (e->check_code && info->error_code != e->code)
        format_snprintf(why, sizeof(why), "error code %#lx, expected %#lx",
                        info->error_code, e->code);
    selftest_result(why[0] ? SELFTEST_FAILURE : SELFTEST_SUCCESS, why);
}

#endif /* CARAPACE_TEST_FAULT_H */
