/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * long guestmem_copy(void *dst, const void *src, size_t len)
 *
 * Copies between hypervisor and guest memory; returns 0, or -EFAULT (-14)
 * if a page fault interrupted it: trap.c finds the faulting instruction in
 * the exception table (section .ex_table) and resumes at the fixup. With
 * SMAP on, ring 0 may touch user pages only between stac and clac.
 */
    .section .text, "ax"
    .globl guestmem_copy
guestmem_copy:
    testb $1, cpu_has_smap(%rip)
    jz 1f
    stac
1:  movq %rdx, %rcx
2:  rep movsb
    xorl %eax, %eax
3:  testb $1, cpu_has_smap(%rip)
    jz 4f
    clac
4:  ret
5:  movq $-14, %rax
    jmp 3b

    .section .ex_table, "a"
    .balign 8
    .quad 2b, 5b

    .section .note.GNU-stack, "", @progbits
