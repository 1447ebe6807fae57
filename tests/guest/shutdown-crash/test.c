/* SPDX-License-Identifier: BSD-2-Clause */
/* SCHED_shutdown with SHUTDOWN_crash stops dom0 as crashed, and with it the
 * machine. */
#include "guest.h"

const char test_title[] = "shutdown-crash: SCHED_shutdown(SHUTDOWN_crash)";

void test_main(void)
{
    long rc;

    printf("asking for SHUTDOWN_crash\n");
    console_flush();
    rc = hc_sched_op(SCHED_shutdown, SHUTDOWN_crash);
    test_fail("SCHED_shutdown(SHUTDOWN_crash) returned %ld", rc);
}
