/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trap entry and exit (the context switch is ../switch.S).
 *
 * arch_trap_entry is the handler for every exception and all three
 * callbacks. The hypervisor jumps to it with rsp at a struct trap_frame
 * (on the current process's kernel stack when it came from user mode) and
 * every general register as it was, except rcx and r11, which are in the
 * frame. We save the registers below the frame as struct arch_regs, call
 * pv_trap(regs), and leave through arch_trap_exit, which rebuilds a
 * struct iret_frame and returns with HC_iret (never iretq: it is
 * privileged, and the hypervisor owns the real return).
 */
#include <carapace/hypercall.h>

#define R_RAX  0
#define R_RBX  8
#define R_RCX  16
#define R_RDX  24
#define R_RSI  32
#define R_RDI  40
#define R_RBP  48
#define R_R8   56
#define R_R9   64
#define R_R10  72
#define R_R11  80
#define R_R12  88
#define R_R13  96
#define R_R14  104
#define R_R15  112
#define R_PAD  120
#define R_SIZE 128 /* the hypervisor's trap frame follows */

#define TF_RIP    (R_SIZE + 16)
#define TF_RFLAGS (R_SIZE + 24)
#define TF_RSP    (R_SIZE + 32)
#define TF_FLAGS  (R_SIZE + 40)
#define TF_RCX    (R_SIZE + 48)
#define TF_R11    (R_SIZE + 56)

#define IF_SIZE 64 /* struct iret_frame */

    .text
    .globl arch_trap_entry
    .type arch_trap_entry, @function
    .balign 16
arch_trap_entry:
    sub $R_SIZE, %rsp
    mov %rax, R_RAX(%rsp)
    mov %rbx, R_RBX(%rsp)
    mov %rdx, R_RDX(%rsp)
    mov %rsi, R_RSI(%rsp)
    mov %rdi, R_RDI(%rsp)
    mov %rbp, R_RBP(%rsp)
    mov %r8, R_R8(%rsp)
    mov %r9, R_R9(%rsp)
    mov %r10, R_R10(%rsp)
    mov %r12, R_R12(%rsp)
    mov %r13, R_R13(%rsp)
    mov %r14, R_R14(%rsp)
    mov %r15, R_R15(%rsp)
    movq $0, R_PAD(%rsp)
    mov TF_RCX(%rsp), %rax
    mov %rax, R_RCX(%rsp)
    mov TF_R11(%rsp), %rax
    mov %rax, R_R11(%rsp)
    cld
    xor %ebp, %ebp              /* backtraces stop here */
    mov %rsp, %rdi
    call pv_trap                /* the frame is 16-byte aligned: so is rsp */
    /* fall through */

/* rsp: a struct arch_regs followed by a trap frame. Also the first return
 * of a new process (arch_context_new_user). */
    .globl arch_trap_exit
arch_trap_exit:
    /* The iret frame goes below the registers, and rsp below it first, so
     * that a nested trap cannot overwrite it. */
    sub $IF_SIZE, %rsp
#define SAVED(off) (IF_SIZE + (off))(%rsp)
    mov SAVED(R_RAX), %rax
    mov %rax, 0(%rsp)
    mov SAVED(R_RCX), %rax
    mov %rax, 8(%rsp)
    mov SAVED(R_RDI), %rax
    mov %rax, 16(%rsp)
    mov SAVED(R_R11), %rax
    mov %rax, 24(%rsp)
    mov SAVED(TF_RIP), %rax
    mov %rax, 32(%rsp)
    mov SAVED(TF_RFLAGS), %rax
    mov %rax, 40(%rsp)
    mov SAVED(TF_RSP), %rax
    mov %rax, 48(%rsp)
    mov SAVED(TF_FLAGS), %rax
    mov %rax, 56(%rsp)
    mov SAVED(R_RBX), %rbx
    mov SAVED(R_RDX), %rdx
    mov SAVED(R_RSI), %rsi
    mov SAVED(R_RBP), %rbp
    mov SAVED(R_R8), %r8
    mov SAVED(R_R9), %r9
    mov SAVED(R_R10), %r10
    mov SAVED(R_R12), %r12
    mov SAVED(R_R13), %r13
    mov SAVED(R_R14), %r14
    mov SAVED(R_R15), %r15
    mov %rsp, %rdi
    call hypercall_page + HC_iret * HYPERCALL_STUB_SIZE

    /* HC_iret returned: it refused our frame (a kernel bug). */
    mov %rax, %rdi
    and $-16, %rsp
    call pv_iret_failed
    ud2
    .size arch_trap_entry, . - arch_trap_entry

    .section .note.GNU-stack, "", @progbits
