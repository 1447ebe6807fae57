/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Carapace ELF notes (abi/include/carapace/startinfo.h) and the
 * hypercall page. Each note: namesz, descsz, type (4 bytes each), the name
 * "Carapace\0" padded to 4, the descriptor padded to 4.
 */
#include <carapace/abi.h>
#include <carapace/startinfo.h>

#define GUEST_VIRT_BASE 0x400000

.macro carapace_note type, desc:vararg
    .balign 4
    .long 2f - 1f               /* namesz, with the NUL */
    .long 4f - 3f               /* descsz, without padding */
    .long \type
1:  .asciz CARAPACE_NOTE_NAME
2:  .balign 4
3:  \desc
4:  .balign 4
.endm

    .section .note.carapace, "a", @note
    .balign 4
    .globl guest_notes
guest_notes:
    carapace_note CARAPACE_NOTE_ABI_VERSION, .long CARAPACE_ABI_VERSION
    carapace_note CARAPACE_NOTE_ENTRY, .quad _start
    carapace_note CARAPACE_NOTE_HYPERCALL_PAGE, .quad hypercall_page
    carapace_note CARAPACE_NOTE_VIRT_BASE, .quad GUEST_VIRT_BASE
    .size guest_notes, . - guest_notes

/* Filled with 32-byte stubs by the hypervisor before the guest starts; int3
 * until then, so a missing stub traps at once. */
    .section .hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
    .type hypercall_page, @object
hypercall_page:
    .fill 4096, 1, 0xcc
    .size hypercall_page, 4096
