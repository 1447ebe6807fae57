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

#endif /* GK_X86_CPU_H */
