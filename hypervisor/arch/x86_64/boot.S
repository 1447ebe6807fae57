/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The first instructions: QEMU's Multiboot (v1) loader enters _start32 in
 * 32-bit protected mode, paging off, with the Multiboot magic in %eax and the
 * physical address of the Multiboot information in %ebx. We build boot page
 * tables, enter long mode, jump to the upper half, set up the per-CPU block
 * (FS/GS bases, stack canary) and call arch_setup() in C.
 *
 * Until we are in the upper half, every address must be physical: symbols
 * are linked at KERNEL_VMA + physical address, hence the PA() macro.
 */
#include <arch/layout.h>
#include <arch/percpu.h>

#define PA(x) ((x) - KERNEL_VMA)

#define MB_MAGIC     0x1badb002
#define MB_PAGEALIGN (1 << 0) /* modules on page boundaries */
#define MB_MEMINFO   (1 << 1) /* give us a memory map */
#define MB_AOUT      (1 << 16) /* load addresses below, not ELF headers */
#define MB_FLAGS     (MB_PAGEALIGN | MB_MEMINFO | MB_AOUT)

#define PTE_P  0x1
#define PTE_W  0x2
#define PTE_PS 0x80

/* ---- Multiboot header: must lie within the first 8 KiB of the file. ---- */
    .section .multiboot, "a"
    .balign 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long PA(mb_header)          /* header_addr */
    .long PA(_image_start)       /* load_addr */
    .long PA(_load_end)          /* load_end_addr */
    .long PA(_image_end)         /* bss_end_addr */
    .long PA(_start32)           /* entry_addr */

/* ---- 32-bit entry ------------------------------------------------------ */
    .section .text.boot, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    /* The upper halves of registers are undefined after the switch to
     * long mode, so keep the loader's values in memory. */
    movl %eax, PA(boot_mb_magic)
    movl %ebx, PA(boot_mb_info)
    movl $PA(boot_stack_top), %esp

    /* Long mode available? (CPUID 0x80000001 EDX bit 29) */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    btl $29, %edx
    jnc no_long_mode

    /* Four page directories of 2 MiB pages map physical 0..4 GiB. */
    movl $PA(boot_pd), %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $(PTE_P | PTE_W | PTE_PS), %eax
    movl %eax, (%edi, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax                /* high dword: bits 32.. of (ecx << 21) */
    movl %eax, 4(%edi, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 1b

    /* Identity map of the first GiB: only for the jump to the upper half. */
    movl $(PA(boot_pd) + PTE_P + PTE_W), PA(boot_pdpt_low)
    movl $(PA(boot_pdpt_low) + PTE_P + PTE_W), PA(boot_pml4)
    /* Direct map of 0..4 GiB. */
    movl $PA(boot_pdpt_dm), %edi
    movl $(PA(boot_pd) + PTE_P + PTE_W), %eax
    movl %eax, 0(%edi)
    addl $4096, %eax
    movl %eax, 8(%edi)
    addl $4096, %eax
    movl %eax, 16(%edi)
    addl $4096, %eax
    movl %eax, 24(%edi)
    movl $(PA(boot_pdpt_dm) + PTE_P + PTE_W), PA(boot_pml4) + 8 * PML4_SLOT(DIRECTMAP_BASE)
    /* The image: KERNEL_VMA + 0..1 GiB. */
    movl $(PA(boot_pd) + PTE_P + PTE_W), PA(boot_pdpt_high) + 8 * 510
    movl $(PA(boot_pdpt_high) + PTE_P + PTE_W), PA(boot_pml4) + 8 * 511

    movl $PA(boot_pml4), %eax
    movl %eax, %cr3
    /* CR4: PAE, OSFXSR, OSXMMEXCPT (libfdt, built for user space, may use
     * SSE; the hypervisor itself is built without it). */
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax
    movl %eax, %cr4
    /* EFER: long mode, no-execute. */
    movl $0xc0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr
    /* CR0: paging, write-protect in ring 0, FPU present (MP, not EM). */
    movl %cr0, %eax
    andl $~(1 << 2), %eax
    orl $((1 << 31) | (1 << 16) | (1 << 1) | 1), %eax
    movl %eax, %cr0

    lgdt PA(boot_gdt_ptr)
    ljmp $0x08, $PA(start64_low)

no_long_mode:
    /* Say why on COM1, then ask QEMU to exit with the failure status. */
    movl $PA(msg_no_lm), %esi
2:  lodsb
    testb %al, %al
    jz 3f
    movw $0x3f8, %dx
    outb %al, %dx
    jmp 2b
3:  movw $0xf4, %dx
    movl $1, %eax
    outl %eax, %dx
4:  hlt
    jmp 4b

/* ---- 64-bit, still at the physical address ----------------------------- */
    .code64
start64_low:
    movabsq $start64, %rax
    jmp *%rax

    .section .text, "ax"
start64:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    xorl %eax, %eax
    movl %eax, %fs
    movl %eax, %gs
    /* The top of this stack is where an entry from ring 3 saves the guest's
     * registers (pv_frame(): struct cpu_regs, 176 bytes). The boot path
     * never returns, and sched_run() runs on it for good: start below that
     * area, or the first guest's registers overwrite our own frames. */
    leaq (boot_stack_top - BOOT_FRAME_RESERVE)(%rip), %rsp

    /* Per-CPU block: FS and GS bases, self pointer, stack canary. The
     * canary must be in place before the first C function runs. */
    leaq percpu_boot(%rip), %rdi
    movq %rdi, (%rdi)
    movq %rdi, %rax
    movq %rdi, %rdx
    shrq $32, %rdx
    movl $0xc0000100, %ecx
    wrmsr
    movl $0xc0000101, %ecx
    wrmsr
    rdtsc
    shlq $32, %rdx
    orq %rax, %rdx
    movabsq $0x9e3779b97f4a7c15, %rax
    imulq %rax, %rdx
    movb $0, %dl                  /* a NUL byte stops string overflows */
    movq %rdx, PERCPU_CANARY_OFFSET(%rdi)

    xorl %ebp, %ebp               /* ends every backtrace */
    call arch_setup
5:  cli
    hlt
    jmp 5b

/* ---- Boot data ---------------------------------------------------------- */
    .section .rodata, "a"
msg_no_lm:
    .asciz "Carapace: this CPU has no long mode (x86_64); cannot boot.\n"

    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff      /* 0x08: 64-bit code, ring 0 */
    .quad 0x00cf92000000ffff      /* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdt_ptr:
    .word boot_gdt_end - boot_gdt - 1
    .long PA(boot_gdt)

    .section .data, "aw"
    .balign 8
    .globl boot_mb_magic, boot_mb_info
boot_mb_magic:
    .long 0
boot_mb_info:
    .long 0

    .section .bss.pagetables, "aw", @nobits
    .balign 4096
    .globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_dm:   .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096

/*
 * Stacks, each below an unmapped guard page (paging.c leaves the pages listed
 * in hv_guard_pages out of the final page tables), so an overflow faults
 * instead of silently corrupting its neighbour. The double-fault, NMI and
 * machine-check handlers run on their own stacks (IST) so they work even
 * when the main stack is gone.
 */
    .section .bss.stacks, "aw", @nobits
    .balign 4096
guard0:         .skip 4096
    .set BOOT_FRAME_RESERVE, 256
    .globl boot_stack, boot_stack_top
boot_stack:     .skip STACK_SIZE
boot_stack_top:
guard1:         .skip 4096
    .globl ist_df_top, ist_nmi_top, ist_mc_top
ist_df:         .skip IST_STACK_SIZE
ist_df_top:
guard2:         .skip 4096
ist_nmi:        .skip IST_STACK_SIZE
ist_nmi_top:
guard3:         .skip 4096
ist_mc:         .skip IST_STACK_SIZE
ist_mc_top:

    .section .rodata, "a"
    .balign 8
    .globl hv_guard_pages, hv_guard_pages_end
hv_guard_pages:
    .quad guard0, guard1, guard2, guard3
hv_guard_pages_end:
    .globl hv_stacks
/* {bottom, top} of every stack the backtrace may walk. */
hv_stacks:
    .quad boot_stack, boot_stack_top
    .quad ist_df, ist_df_top
    .quad ist_nmi, ist_nmi_top
    .quad ist_mc, ist_mc_top
    .globl hv_stacks_end
hv_stacks_end:

    .section .note.GNU-stack, "", @progbits
