/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trap entry and exit on the bare machine.
 *
 * Every IDT vector has a stub that makes the frame uniform (an error code
 * of 0 where the CPU pushes none, then the vector) and jumps to
 * trap_common, which saves the general registers as struct arch_regs
 * (regs.h), calls native_trap(regs) and leaves through native_trap_exit:
 * registers back, iretq. A system call (the syscall instruction, MSR_LSTAR)
 * comes with interrupts off (MSR_FMASK) and the user's rsp: syscall_entry
 * moves to the process's kernel stack and builds the same frame by hand,
 * with vector NATIVE_VEC_SYSCALL, so that one exit serves everything
 * (iretq rather than sysretq: one path, and a user rip the kernel changed,
 * e.g. a new program's entry, needs no special case).
 */
#define VEC_SYSCALL 256
#define USER_CS     0x2b
#define USER_DS     0x23

#define R_RAX 0
#define R_RBX 8
#define R_RCX 16
#define R_RDX 24
#define R_RSI 32
#define R_RDI 40
#define R_RBP 48
#define R_R8  56
#define R_R9  64
#define R_R10 72
#define R_R11 80
#define R_R12 88
#define R_R13 96
#define R_R14 104
#define R_R15 112
#define R_SAVE 136 /* the registers and two pads; vector and error follow */

/* Vectors where the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                      (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .balign 16
    .globl native_trap_stubs
native_trap_stubs:
    .set v, 0
    .rept 48
    .balign 16
    .if !HAS_ERROR(v)
    push $0
    .endif
    push $v
    jmp trap_common
    .set v, v + 1
    .endr

    .globl native_syscall_entry
    .type native_syscall_entry, @function
native_syscall_entry:
    mov %rsp, native_user_rsp(%rip)
    mov native_kstack_top(%rip), %rsp
    push $USER_DS
    push native_user_rsp(%rip)
    push %r11                   /* rflags */
    push $USER_CS
    push %rcx                   /* rip */
    push $0
    push $VEC_SYSCALL
    /* fall through */

trap_common:
    sub $R_SAVE, %rsp
    mov %rax, R_RAX(%rsp)
    mov %rbx, R_RBX(%rsp)
    mov %rcx, R_RCX(%rsp)
    mov %rdx, R_RDX(%rsp)
    mov %rsi, R_RSI(%rsp)
    mov %rdi, R_RDI(%rsp)
    mov %rbp, R_RBP(%rsp)
    mov %r8, R_R8(%rsp)
    mov %r9, R_R9(%rsp)
    mov %r10, R_R10(%rsp)
    mov %r11, R_R11(%rsp)
    mov %r12, R_R12(%rsp)
    mov %r13, R_R13(%rsp)
    mov %r14, R_R14(%rsp)
    mov %r15, R_R15(%rsp)
    cld
    xor %ebp, %ebp              /* backtraces stop here */
    mov %rsp, %rdi
    call native_trap            /* rsp is 16-byte aligned (regs.h) */
    /* fall through */

/* rsp: a struct arch_regs. Also the first return of a new process
 * (arch_context_new_user). */
    .globl native_trap_exit
native_trap_exit:
    mov R_RAX(%rsp), %rax
    mov R_RBX(%rsp), %rbx
    mov R_RCX(%rsp), %rcx
    mov R_RDX(%rsp), %rdx
    mov R_RSI(%rsp), %rsi
    mov R_RDI(%rsp), %rdi
    mov R_RBP(%rsp), %rbp
    mov R_R8(%rsp), %r8
    mov R_R9(%rsp), %r9
    mov R_R10(%rsp), %r10
    mov R_R11(%rsp), %r11
    mov R_R12(%rsp), %r12
    mov R_R13(%rsp), %r13
    mov R_R14(%rsp), %r14
    mov R_R15(%rsp), %r15
    add $(R_SAVE + 16), %rsp    /* the registers, vector and error code */
    iretq
    .size native_syscall_entry, . - native_syscall_entry

    .section .bss
    .balign 8
    .globl native_kstack_top
native_kstack_top:              /* set with TSS.rsp0 (native_set_kstack) */
    .quad 0
native_user_rsp:                /* one CPU: syscall_entry's scratch */
    .quad 0

    .section .note.GNU-stack, "", @progbits
