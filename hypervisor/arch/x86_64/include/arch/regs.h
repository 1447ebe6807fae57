/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The frame entry.S builds on the stack for every trap and interrupt. The
 * order of fields is the reverse of the pushes in entry.S: change both.
 */
#ifndef CARAPACE_ARCH_REGS_H
#define CARAPACE_ARCH_REGS_H

#include <stddef.h>
#include <stdint.h>

struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    /* Pushed by the CPU. */
    uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct cpu_regs) == 22 * 8, "entry.S frame size");
_Static_assert(offsetof(struct cpu_regs, vector) == 15 * 8, "entry.S layout");

#endif /* CARAPACE_ARCH_REGS_H */
