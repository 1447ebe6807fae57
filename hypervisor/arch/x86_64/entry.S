/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trap, interrupt and syscall entry, and the one exit path.
 *
 * Every one of the 256 vectors has a 16-byte stub at trap_stubs + 16 * vector
 * that makes the stack look the same for all of them (a zero error code where
 * the CPU pushes none, then the vector number) and jumps to trap_common.
 * A `syscall` from a guest (ring 3) enters at syscall_entry, which builds the
 * same frame by hand on the per-CPU stack. trap_common saves the general
 * registers in the order of struct cpu_regs (arch/regs.h) and calls
 * trap_handle(regs).
 *
 * GS: while a guest runs, GS holds the guest's base and the per-CPU block is
 * in MSR_KERNEL_GS_BASE. An entry from ring 3 swaps them first thing; the
 * exit to ring 3 swaps them back last thing. Entries from ring 0 (the idle
 * loop, the hypervisor's own faults) leave GS alone.
 */
#include <arch/gdt.h>
#include <arch/percpu.h>
#include <arch/trap.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                        (v) == 21 || (v) == 29 || (v) == 30)

/* Offsets into the frame while only vector and error code are pushed. */
#define FRAME_CS_BEFORE_GPRS 24

    .section .text, "ax"
    .balign 16
    .globl trap_stubs
trap_stubs:
    .set vec, 0
    .rept 256
    .balign 16, 0xcc
    .if HAS_ERRCODE(vec) == 0
    pushq $0
    .endif
    pushq $vec
    jmp trap_common
    .set vec, vec + 1
    .endr

    .balign 16
trap_common:
    testb $3, FRAME_CS_BEFORE_GPRS(%rsp)
    jz trap_save
    swapgs
trap_save:
    /* A guest may enter with RFLAGS.AC set, which would switch SMAP off
     * for us: clear it first thing (only CPUs with SMAP know clac). */
    testb $1, cpu_has_smap(%rip)
    jz 1f
    clac
1:  pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    call trap_handle
    /* fall through: trap_handle returned to this frame */

/* Restore the frame at %rsp and return to wherever it says. */
    .globl entry_exit
entry_exit:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                /* vector and error code */
    testb $3, 8(%rsp)             /* the CS we return to */
    jz 2f
    swapgs
2:  iretq

/*
 * void entry_resume(struct cpu_regs *frame): abandon the current C stack and
 * return through `frame` (the entry frame at the top of the per-CPU stack).
 */
    .globl entry_resume
entry_resume:
    movq %rdi, %rsp
    jmp entry_exit

/*
 * syscall from ring 3: rcx = guest rip, r11 = guest rflags, interrupts off
 * (SFMASK clears IF). SYSCALL_FRAME builds an interrupt-style frame on the
 * per-CPU stack, as if `vector` had been raised with no error code.
 */
.macro SYSCALL_FRAME vector
    swapgs
    movq %rsp, %gs:PERCPU_SCRATCH_OFFSET
    movq %gs:PERCPU_STACK_TOP_OFFSET, %rsp
    pushq $GDT_GUEST_DS                  /* ss */
    pushq %gs:PERCPU_SCRATCH_OFFSET      /* rsp */
    pushq %r11                           /* rflags */
    pushq $GDT_GUEST_CS64                /* cs */
    pushq %rcx                           /* rip */
    pushq $0                             /* error code */
    pushq $\vector
    jmp trap_save
.endm

    .balign 16
    .globl syscall_entry
syscall_entry:
    SYSCALL_FRAME VECTOR_SYSCALL

/*
 * syscall from compatibility mode (MSR_CSTAR). Unreachable while the GDT
 * has no 32-bit code segment; should one ever appear, the guest gets a
 * #UD at the instruction after its syscall, in 64-bit mode, instead of
 * ring 0 at address 0.
 */
    .balign 16
    .globl syscall_compat_entry
syscall_compat_entry:
    SYSCALL_FRAME 6                      /* #UD */

    .section .note.GNU-stack, "", @progbits
