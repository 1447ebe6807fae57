/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pv backend's struct arch_regs: what pv/entry.S saves on the kernel
 * stack, the general registers, then the frame the hypervisor pushed
 * (struct trap_frame). arch/x86_64/cpu.c reads the general registers of
 * either backend's struct by the same names.
 */
#ifndef GK_PV_REGS_H
#define GK_PV_REGS_H

#include <stdint.h>

struct arch_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11;
    uint64_t r12, r13, r14, r15, pad;
    uint64_t error_code, vector, rip, rflags, rsp, flags, tf_rcx, tf_r11;
};

#endif /* GK_PV_REGS_H */
