/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hooks generic hypervisor code calls into the architecture through.
 * Each architecture (arch/x86_64/) implements all of them.
 */
#ifndef CARAPACE_ARCH_H
#define CARAPACE_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "memrange.h"

/* How the machine stops: QEMU turns these into distinct exit statuses. */
enum arch_exit_reason {
    ARCH_EXIT_POWEROFF = 0, /* clean shutdown */
    ARCH_EXIT_FATAL = 1,    /* panic or unexpected exception */
};

/* Write bytes to the hypervisor console (serial line). */
void arch_console_write(const char *s, size_t len);

/* Stop the machine. Never returns. */
__attribute__((noreturn)) void arch_exit(enum arch_exit_reason why);

/* Add the physical ranges the architecture needs kept (the image, firmware
 * areas) to `reserved`. */
int arch_mm_reserved(struct memrange_set *reserved);

/* Highest physical address (exclusive) reachable before arch_paging_init. */
uint64_t arch_mm_early_limit(void);

/* Hypervisor virtual address of a physical address in the direct map. */
void *arch_phys_to_virt(uint64_t pa);

/* Page-table frames arch_paging_init needs for a machine whose RAM ends at
 * ram_end and consists of nranges ranges. */
uint64_t arch_paging_pool_frames(uint64_t ram_end, unsigned nranges);

/* Build and switch to the hypervisor's final page tables, taking table
 * frames from the pool [pool_pa, pool_pa + pool_frames * 4 KiB). */
int arch_paging_init(const struct memrange_set *ram, uint64_t pool_pa,
                     uint64_t pool_frames);

/* Start the periodic timer; returns its frequency in Hz. */
unsigned arch_timer_init(void);

/* Timer interrupts taken on this CPU so far. */
uint64_t arch_timer_ticks(void);

/* Enable interrupts and wait for the next one. */
void arch_wait_irq(void);

/* Nanoseconds since boot (0 until the timer is calibrated). */
uint64_t arch_time_ns(void);

/* Print a backtrace of the calling context. */
void arch_backtrace_here(void);

#endif /* CARAPACE_ARCH_H */
