/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * void arch_context_switch(uint64_t *save, uint64_t next): the callee-saved
 * registers go on the current stack, its pointer into *save; then the same
 * in reverse from next. A new context's stack holds six zeros and a return
 * address (each backend's arch_context_new_user). Nothing here is
 * privileged: both backends share it.
 */
    .text
    .globl arch_context_switch
    .type arch_context_switch, @function
arch_context_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size arch_context_switch, . - arch_context_switch

    .section .note.GNU-stack, "", @progbits
