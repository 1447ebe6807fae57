/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Goldberg demo kernel's first instructions (goldberg.c says what it
 * demonstrates): the Multiboot (v1) header, the 32-bit entry a Multiboot
 * loader jumps to, the switch to long mode, the kernel's own descriptor
 * tables, and the exception stubs its probes land in.
 *
 * Linked and loaded at 1 MiB, virtual = physical. The page tables map the
 * first 2 MiB with 4 KiB pages (page 0 left out, to catch a NULL pointer),
 * user-accessible for the ring-3 run, nothing else: a small, ordinary 4-level tree, the kind a shadow MMU
 * will have to follow later.
 *
 * Two entries, both unmodified by any hypervisor:
 *   goldberg_boot32   what a Multiboot loader enters (QEMU, an hvm domain):
 *                     32-bit protected mode, paging off;
 *   goldberg_entry64  long mode with goldberg_l4 as CR3, any flat ring-0
 *                     code segment and esi = the Multiboot information
 *                     (physical): what boot32 jumps to, and what
 *                     a builder that plays the boot loader itself can
 *                     enter directly (a ring-3 VMM cannot run 32-bit code).
 * From goldberg_entry64 on, the kernel loads everything it relies on (its
 * GDT, IDT, TSS, LDT, segments, stack) itself, so that it knows the values
 * SGDT and friends ought to return.
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010000 /* addresses in the header */

#define PTE_P_W_U 0x007 /* user too: the ring-3 run (goldberg.c) */

    .section .multiboot, "a"
    .balign 4
mb_header:
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
    .long mb_header, _image_start, _data_end, _end, goldberg_boot32

/* The long-mode entry for a trap domain's builder (docs/abi.md, "trap
 * domains"): the Carapace note CARAPACE_NOTE_TRAP_ENTRY (5). */
    .section .note.carapace, "a"
    .balign 4
    .long 9, 16, 5
    .asciz "Carapace"
    .balign 4
    .quad goldberg_entry64, goldberg_l4

    .section .text.boot, "ax"
    .code32
    .globl goldberg_boot32
    .type goldberg_boot32, @function
goldberg_boot32:
    cli
    mov %ebx, %esi              /* the Multiboot information */
    mov %cr4, %eax
    or $0x20, %eax              /* PAE */
    mov %eax, %cr4
    mov $goldberg_l4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx       /* EFER.LME */
    rdmsr
    or $0x100, %eax
    wrmsr
    mov %cr0, %eax
    or $0x80010001, %eax        /* PG, WP, PE */
    mov %eax, %cr0
    lgdt boot_gdtr
    ljmp $0x08, $goldberg_entry64
    .size goldberg_boot32, . - goldberg_boot32

    .code64
    .globl goldberg_entry64
    .type goldberg_entry64, @function
goldberg_entry64:
    lea stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %esi, %edi              /* goldberg_main(info): upper half undefined */
    call goldberg_main          /* never returns */
1:  hlt
    jmp 1b
    .size goldberg_entry64, . - goldberg_entry64

/* gb_load_segments(): reload CS (through a far return) and the data
 * segments from the kernel's own GDT, which gb_tables_load has loaded. */
    .globl gb_load_segments
    .type gb_load_segments, @function
gb_load_segments:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    pop %rax
    push $0x08
    push %rax
    lretq
    .size gb_load_segments, . - gb_load_segments

/* The far-call target of the far CALL probe: returns the CS the call
 * pushed (a 32-bit far call: EIP at 0(%rsp), CS at 4(%rsp)). */
    .globl gb_far_callee
    .type gb_far_callee, @function
gb_far_callee:
    movzwl 4(%rsp), %eax
    lretl
    .size gb_far_callee, . - gb_far_callee

/* Exception and interrupt stubs: every vector the IDT fills pushes a zero
 * error code where the CPU pushes none, then its number, and enters
 * gb_trap_common, which saves the registers as struct gb_frame and calls
 * gb_trap (goldberg.c); the handler may change the saved RIP. */
#define STUB(v)      \
    .balign 16;      \
    push $0;         \
    push $v;         \
    jmp gb_trap_common
#define STUB_ERR(v)  \
    .balign 16;      \
    push $v;         \
    jmp gb_trap_common

    .balign 16
    .globl gb_stubs
gb_stubs:
    STUB(0); STUB(1); STUB(2); STUB(3); STUB(4); STUB(5); STUB(6); STUB(7)
    STUB_ERR(8); STUB(9); STUB_ERR(10); STUB_ERR(11); STUB_ERR(12)
    STUB_ERR(13); STUB_ERR(14); STUB(15); STUB(16); STUB_ERR(17)
    STUB(18); STUB(19); STUB(20); STUB_ERR(21)
    STUB(0x81)                  /* the INT n probe's vector (stub 22) */

gb_trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    call gb_trap
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp
    iretq

    .section .rodata
    .balign 8
boot_gdt:                       /* until goldberg_main loads its own */
    .quad 0
    .quad 0x00af9a000000ffff    /* 0x08: 64-bit code, ring 0 */
    .quad 0x00cf92000000ffff    /* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

/* The page tables: L4[0] -> L3[0] -> L2[0] -> one L1 of 4 KiB pages
 * for 0..2 MiB, page 0 not present. */
    .section .data.pagetables, "aw"
    .balign 4096
    .globl goldberg_l4, gb_l2, gb_l1
goldberg_l4:
    .quad gb_l3 + PTE_P_W_U
    .fill 511, 8, 0
gb_l3:
    .quad gb_l2 + PTE_P_W_U
    .fill 511, 8, 0
gb_l2:
    .quad gb_l1 + PTE_P_W_U
    .fill 511, 8, 0
gb_l1:
    .quad 0
    .set i, 1
    .rept 511
    .quad (i << 12) + PTE_P_W_U
    .set i, i + 1
    .endr

    .section .bss.stack, "aw", @nobits
    .balign 4096
    .skip 16384
stack_top:

    .section .note.GNU-stack, "", @progbits
