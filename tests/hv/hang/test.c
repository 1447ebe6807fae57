/* SPDX-License-Identifier: BSD-2-Clause */
/* Never reports a result: the runner must call it CRASH after its timeout
 * (a test of the test runner, through a real QEMU). */
#include "selftest.h"

void selftest_main(void)
{
    for (;;)
        __asm__ volatile("pause");
}
