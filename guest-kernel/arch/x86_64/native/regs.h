/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The native backend's struct arch_regs: what native/entry.S saves on the
 * kernel stack. The general registers (the same names as pv's, for
 * ../cpu.c), a pad, then the vector and error code the entry stub pushed
 * and the frame the CPU pushed (syscall_entry builds the same one). 192
 * bytes, so that a frame on a 16-byte aligned stack top leaves rsp
 * aligned for the call into C.
 */
#ifndef GK_NATIVE_REGS_H
#define GK_NATIVE_REGS_H

#include <stdint.h>

struct arch_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11;
    uint64_t r12, r13, r14, r15, pad, pad2;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* the CPU's interrupt frame */
};

#endif /* GK_NATIVE_REGS_H */
