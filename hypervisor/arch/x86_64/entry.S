/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trap and interrupt entry. Every one of the 256 vectors has a 16-byte stub
 * at trap_stubs + 16 * vector that makes the stack look the same for all of
 * them (a zero error code where the CPU pushes none, then the vector number)
 * and jumps to trap_common, which saves the general registers in the order
 * of struct cpu_regs (arch/regs.h) and calls trap_handle(regs).
 */

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                        (v) == 21 || (v) == 29 || (v) == 30)

    .section .text, "ax"
    .balign 16
    .globl trap_stubs
trap_stubs:
    .set vec, 0
    .rept 256
    .balign 16, 0xcc
    .if HAS_ERRCODE(vec) == 0
    pushq $0
    .endif
    pushq $vec
    jmp trap_common
    .set vec, vec + 1
    .endr

    .balign 16
trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    call trap_handle
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                /* vector and error code */
    iretq

    .section .note.GNU-stack, "", @progbits
