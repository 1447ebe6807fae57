/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * For the assembly of a PV guest image (the guest kernel's head.S, the
 * test guests' notes.S): GUEST_IMAGE entry, virt_base emits the Carapace
 * ELF notes (abi/include/carapace/startinfo.h: ABI version, entry,
 * hypercall page, virt base) in .note.carapace and the hypercall page in
 * .hypercall_page (int3 until the hypervisor fills it with stubs). Each
 * note: namesz, descsz, type (4 bytes each), the name "Carapace\0" padded
 * to 4, the descriptor padded to 4.
 */
#ifndef CARAPACE_GUEST_IMAGE_H
#define CARAPACE_GUEST_IMAGE_H

#ifdef __ASSEMBLY__
#include <carapace/abi.h>
#include <carapace/startinfo.h>

/* clang-format off */
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

.macro GUEST_IMAGE entry, virt_base
    .pushsection .note.carapace, "a", @note
    .balign 4
    .globl guest_image_notes
guest_image_notes:
    carapace_note CARAPACE_NOTE_ABI_VERSION, .long CARAPACE_ABI_VERSION
    carapace_note CARAPACE_NOTE_ENTRY, .quad \entry
    carapace_note CARAPACE_NOTE_HYPERCALL_PAGE, .quad hypercall_page
    carapace_note CARAPACE_NOTE_VIRT_BASE, .quad \virt_base
    .size guest_image_notes, . - guest_image_notes
    .popsection

    .pushsection .hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
    .type hypercall_page, @object
hypercall_page:
    .fill 4096, 1, 0xcc
    .size hypercall_page, 4096
    .popsection
.endm
/* clang-format on */
#endif

#endif /* CARAPACE_GUEST_IMAGE_H */
