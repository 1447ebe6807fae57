/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One of every instruction scripts/check-sensitive.py must find, for
 * tests/scripts/sensitive-check.sh (never run: only disassembled). The
 * function bad_all holds them; the functions after it hold look-alikes
 * that must not be reported.
 */
    .section .note.GNU-stack, "", @progbits
    .text
    .globl bad_all
bad_all:
    cli
    sti
    popfq
    pushfq
    hlt
    lgdt    (%rax)
    lidt    (%rax)
    lldt    %ax
    ltr     %ax
    sgdt    (%rax)
    sidt    (%rax)
    sldt    %ax
    str     %ax
    smsw    %ax
    lmsw    %ax
    clts
    mov     %cr3, %rax
    mov     %rax, %cr3
    mov     %db7, %rax
    mov     %rax, %db7
    rdmsr
    wrmsr
    rdpmc
    xsetbv
    invlpg  (%rax)
    invpcid (%rax), %rax
    invd
    wbinvd
    in      $0x60, %al
    in      (%dx), %eax
    out     %al, $0x80
    out     %ax, (%dx)
    insb
    rep insw
    outsb
    rep outsl
    iretq
    iretl
    sysretq
    swapgs
    monitor
    mwait

/* Look-alikes: names and operands that contain forbidden words. */
    .globl str
str:
    ret
    .globl strlen_like
strlen_like:
    call    str
    movq    %rax, %rbx
    mov     cr3_value(%rip), %rax
    rep stosb
    lock incl (%rax)
    movabs  $0x1234567812345678, %rax
    int3
    syscall
    ret

    .data
cr3_value:
    .quad   0
