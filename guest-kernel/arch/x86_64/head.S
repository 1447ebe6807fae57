/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's first instructions, its ELF notes and the hypercall page.
 *
 * The hypervisor enters _start in guest kernel mode (ring 3) with rdi =
 * the start-info tree and events masked. We move to the boot stack (the
 * scheduler's stack later on) and call kmain(start info).
 */
#include <carapace/abi.h>
#include <carapace/startinfo.h>

#define KERNEL_VIRT_BASE 0x40000000

.macro carapace_note type, desc:vararg
    .balign 4
    .long 2f - 1f               /* namesz, with the NUL */
    .long 4f - 3f               /* descsz */
    .long \type
1:  .asciz CARAPACE_NOTE_NAME
2:  .balign 4
3:  \desc
4:  .balign 4
.endm

    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call kmain                  /* rdi: the start info; never returns */
    ud2
    .size _start, . - _start

    .section .note.carapace, "a", @note
    .balign 4
    .globl kernel_notes
kernel_notes:
    carapace_note CARAPACE_NOTE_ABI_VERSION, .long CARAPACE_ABI_VERSION
    carapace_note CARAPACE_NOTE_ENTRY, .quad _start
    carapace_note CARAPACE_NOTE_HYPERCALL_PAGE, .quad hypercall_page
    carapace_note CARAPACE_NOTE_VIRT_BASE, .quad KERNEL_VIRT_BASE
    .size kernel_notes, . - kernel_notes

/* Filled with stubs by the hypervisor; int3 until then. */
    .section .hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
    .type hypercall_page, @object
hypercall_page:
    .fill 4096, 1, 0xcc
    .size hypercall_page, 4096

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip 16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
