/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the x86_64 backends share (arch/x86_64/cpu.c, switch.S): the
 * per-CPU block, and through arch.h the register accessors, the FPU and
 * the context switch. Private to arch/x86_64/.
 */
#ifndef GK_X86_CPU_H
#define GK_X86_CPU_H

#include <stdint.h>

/* The per-CPU block's address, for the FS base while libfdt runs: Debian
 * built libfdt with the stack protector, which reads its canary at
 * %fs:0x28. */
uint64_t cpu_percpu_base(void);

/* User address spaces, the parts both backends' mmu.c share (the tables
 * have the same x86_64 format on both; pv must have pushed its queued
 * updates first). */
struct arch_space;
/* s's root, L3 and L2 (zeroed frames): 0, or -SYS_ENOMEM with none kept. */
int cpu_space_tables(struct arch_space *s);
/* Free every table of s (no longer a root anywhere) and clear it. */
void cpu_space_free(struct arch_space *s);
/* The frame mapped at user address va in s (0 if none), *flags ARCH_MAP_*. */
uint32_t cpu_space_lookup(struct arch_space *s, uint64_t va,
                          unsigned int *flags);
/* fn for the frame of every present page of s. */
void cpu_space_each(struct arch_space *s, void (*fn)(uint32_t gfn));

#endif /* GK_X86_CPU_H */
