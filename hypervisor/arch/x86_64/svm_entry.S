/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * void svm_vmrun(uint64_t vmcb_pa, uint64_t host_pa, uint64_t *gprs): run
 * an hvm vCPU until its next #VMEXIT.
 *
 * VMRUN itself switches rip, rsp, rax, rflags, the segments, control
 * registers and EFER; VMLOAD/VMSAVE switch the rest of the state the
 * guest owns (FS, GS, TR, LDTR and the syscall MSRs): the host's is saved
 * in the per-CPU host area first and loaded back after. The other general
 * registers are the guest's between the loads and stores below: gprs[] is
 * struct svm_vcpu's, in the hardware order (rax and rsp unused).
 * Called with GIF clear (svm.c), so no interrupt lands in between.
 */
#define G(n) (8 * (n))(%rax)

    .text
    .globl svm_vmrun
    .type svm_vmrun, @function
svm_vmrun:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdx                   /* 16(%rsp): gprs */
    push %rdi                   /* 8(%rsp): the VMCB */
    push %rsi                   /* 0(%rsp): the host area */
    mov %rsi, %rax
    vmsave
    mov 8(%rsp), %rax
    vmload
    mov 16(%rsp), %rax
    mov G(1), %rcx
    mov G(2), %rdx
    mov G(3), %rbx
    mov G(5), %rbp
    mov G(6), %rsi
    mov G(7), %rdi
    mov G(8), %r8
    mov G(9), %r9
    mov G(10), %r10
    mov G(11), %r11
    mov G(12), %r12
    mov G(13), %r13
    mov G(14), %r14
    mov G(15), %r15
    mov 8(%rsp), %rax
    vmrun
    /* #VMEXIT: rax and rsp are the host's again, the rest the guest's. */
    push %rax
    mov 24(%rsp), %rax          /* gprs */
    mov %rcx, G(1)
    mov %rdx, G(2)
    mov %rbx, G(3)
    mov %rbp, G(5)
    mov %rsi, G(6)
    mov %rdi, G(7)
    mov %r8, G(8)
    mov %r9, G(9)
    mov %r10, G(10)
    mov %r11, G(11)
    mov %r12, G(12)
    mov %r13, G(13)
    mov %r14, G(14)
    mov %r15, G(15)
    pop %rax
    vmsave                      /* rax: the guest's VMCB */
    mov 0(%rsp), %rax
    vmload
    add $24, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size svm_vmrun, . - svm_vmrun

    .section .note.GNU-stack, "", @progbits
