/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * _start: the hypervisor enters here (CARAPACE_NOTE_ENTRY) in guest kernel
 * mode with rdi = rsi = the start-info tree's address and rsp 16-byte
 * aligned on its initial stack. We record every register as we found it
 * (tests check the entry state), move to our own 16 KiB stack, and call
 * guest_start(start info), which never returns.
 */
    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    mov %rax, guest_entry_regs + 0(%rip)
    mov %rbx, guest_entry_regs + 8(%rip)
    mov %rcx, guest_entry_regs + 16(%rip)
    mov %rdx, guest_entry_regs + 24(%rip)
    mov %rsi, guest_entry_regs + 32(%rip)
    mov %rdi, guest_entry_regs + 40(%rip)
    mov %rbp, guest_entry_regs + 48(%rip)
    mov %rsp, guest_entry_regs + 56(%rip)
    mov %r8, guest_entry_regs + 64(%rip)
    mov %r9, guest_entry_regs + 72(%rip)
    mov %r10, guest_entry_regs + 80(%rip)
    mov %r11, guest_entry_regs + 88(%rip)
    mov %r12, guest_entry_regs + 96(%rip)
    mov %r13, guest_entry_regs + 104(%rip)
    mov %r14, guest_entry_regs + 112(%rip)
    mov %r15, guest_entry_regs + 120(%rip)

    lea guest_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call guest_start            /* rdi: the start info */
1:  pause
    jmp 1b
    .size _start, . - _start

    .bss
    .balign 8
    .globl guest_entry_regs
guest_entry_regs:
    .skip 16 * 8
    .size guest_entry_regs, . - guest_entry_regs

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl guest_stack_bottom, guest_stack_top
guest_stack_bottom:
    .skip 16384
guest_stack_top:
