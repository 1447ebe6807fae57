/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's first instructions, its ELF notes and the hypercall page.
 *
 * The hypervisor enters _start in guest kernel mode (ring 3) with rdi =
 * the start-info tree and events masked. We move to the boot stack (the
 * scheduler's stack later on) and call kmain(start info).
 */
#include "guest_image.h"

#define KERNEL_VIRT_BASE 0x40000000

    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call kmain                  /* rdi: the start info; never returns */
    ud2
    .size _start, . - _start

    GUEST_IMAGE _start, KERNEL_VIRT_BASE

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip 16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
