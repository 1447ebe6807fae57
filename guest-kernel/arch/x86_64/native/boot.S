/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The native kernel's first instructions: the Multiboot (v1) header, the
 * 32-bit entry QEMU's loader jumps to, the switch to long mode, and the
 * boot page tables, which stay the kernel's.
 *
 * QEMU loads no ELF64 for Multiboot, so the header carries the physical
 * load addresses (flag bit 16): the image goes to NATIVE_PHYS_BASE and is
 * entered at native_boot32 in 32-bit protected mode, paging off, with
 * eax = the Multiboot magic and ebx = the physical address of the
 * Multiboot information. Until native_start (start.c) drops it, the low
 * GiB is also mapped at its own address: for the instruction that turns
 * paging on, and for reading the Multiboot information.
 */
#define KVIRT 0x40000000
#define KPHYS 0x200000
#define PHYS(x) ((x) - KVIRT + KPHYS)

#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010003 /* page-aligned modules, memory, addresses */

#define PTE_P_W  0x003
#define PTE_HUGE 0x083 /* present, writable, 2 MiB */

    .section .multiboot, "a"
    .balign 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PHYS(mb_header)       /* header_addr */
    .long PHYS(_image_start)    /* load_addr */
    .long PHYS(_data_end)       /* load_end_addr */
    .long PHYS(_end)            /* bss_end_addr: QEMU zeroes up to it */
    .long PHYS(native_boot32)   /* entry_addr */

/* Where a trap domain's builder enters this image (docs/abi.md, "trap
 * domains"): native_boot64, in long mode on the boot page tables, with
 * edi = the Multiboot magic and esi = the information, as native_boot32
 * leaves them. A Multiboot loader ignores the note. */
    .section .note.trap, "a"
    .balign 4
    .long 9, 16, 5              /* CARAPACE_NOTE_TRAP_ENTRY */
    .asciz "Carapace"
    .balign 4
    .quad PHYS(native_boot64), PHYS(native_boot_l4)

    .section .text.boot, "ax"
    .code32
    .globl native_boot32
    .type native_boot32, @function
native_boot32:
    cli
    mov %eax, %edi              /* kept for native_start(magic, info) */
    mov %ebx, %esi
    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $PHYS(native_boot_l4), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx       /* EFER */
    rdmsr
    or $0x900, %eax             /* LME, NXE */
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax        /* PG, WP, PE */
    mov %eax, %cr0
    lgdt PHYS(boot_gdtr)
    ljmp $0x08, $PHYS(native_boot64)

    .code64
native_boot64:
    movabs $native_boot_high, %rax
    jmp *%rax
native_boot_high:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %edi, %edi              /* the upper halves are undefined here */
    mov %esi, %esi
    call native_start           /* never returns */
    ud2
    .size native_boot32, . - native_boot32

    .section .rodata
    .balign 8
boot_gdt:                       /* until native_cpu_init loads the real one */
    .quad 0
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit code, ring 0 */
    .quad 0x00cf92000000ffff    /* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

/* The kernel root: L4 slot 0 -> L3, whose slot 0 maps the low GiB at its
 * own address (dropped once booted) and slot 1 the kernel's GiB, 2 MiB
 * pages from NATIVE_PHYS_BASE up (trimmed to the memory there is). */
    .section .data.pagetables, "aw"
    .balign 4096
    .globl native_boot_l4, native_boot_l3, native_kernel_l2
native_boot_l4:
    .quad PHYS(native_boot_l3) + PTE_P_W
    .fill 511, 8, 0
native_boot_l3:
    .quad PHYS(boot_ident_l2) + PTE_P_W
    .quad PHYS(native_kernel_l2) + PTE_P_W
    .fill 510, 8, 0
boot_ident_l2:
    .set i, 0
    .rept 512
    .quad (i << 21) + PTE_HUGE
    .set i, i + 1
    .endr
native_kernel_l2:
    .set i, 0
    .rept 512
    .quad KPHYS + (i << 21) + PTE_HUGE
    .set i, i + 1
    .endr

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip 16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
