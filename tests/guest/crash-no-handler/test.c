/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fault the guest has no handler for crashes the domain, with a report,
 * and (dom0 being the only domain) stops the machine.
 */
#include "guest.h"

const char test_title[] = "crash-no-handler: ud2 with no trap table";

void test_main(void)
{
    printf("about to ud2\n");
    console_flush();
    asm volatile("ud2");
    test_fail("ud2 with no #UD handler returned to the guest");
}
