/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit test of lib/trapname.c: every vector has a name, the known ones the
 * right one, and nothing outside the table is read. */
#include <stdint.h>
#include <string.h>

#include <carapace/trap.h>

#include "check.h"
#include "trapname.h"

int main(void)
{
    CHECK_STR(trapname(0), "#DE divide error");
    CHECK_STR(trapname(13), "#GP general protection");
    CHECK_STR(trapname(14), "#PF page fault");
    CHECK_STR(trapname(30), "#SX security");
    CHECK_STR(trapname(TRAP_VECTOR_EVENT), "event upcall");
    CHECK_STR(trapname(TRAP_VECTOR_SYSCALL), "syscall");
    CHECK_STR(trapname(TRAP_VECTOR_FAILSAFE), "failsafe callback");
    CHECK_STR(trapname(25), "exception");
    CHECK_STR(trapname(32), "exception");
    CHECK_STR(trapname(~0ULL), "exception");
    for (uint64_t v = 0; v < 0x200; v++)
        CHECK(trapname(v) && strlen(trapname(v)) > 0);
    return check_finish();
}
