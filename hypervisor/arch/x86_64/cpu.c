/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stopping the machine. Under QEMU the isa-debug-exit device (port 0xf4)
 * ends the emulator with status (value << 1) | 1, so a poweroff exits 1 and
 * a fatal error exits 3; run.sh and the test runner translate. On a machine
 * without that device the write does nothing and we halt forever.
 */
#include "arch.h"
#include <arch/cpu.h>

#define DEBUG_EXIT_PORT 0xf4

void arch_exit(enum arch_exit_reason why)
{
    irq_disable();
    outl(DEBUG_EXIT_PORT, (uint32_t)why);
    for (;;)
        __asm__ volatile("hlt");
}

void arch_wait_irq(void)
{
    cpu_wait_irq();
}
