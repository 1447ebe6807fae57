/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A Multiboot kernel that misbehaves under SVM in the way its command line
 * names (the first letter), for tests/os/hvm-crash: each must crash its
 * own hvm domain, with a report, and nothing else.
 *   t  a triple fault: an exception with no IDT
 *   n  a store to guest-physical 0xf0000000, outside its RAM (an NPT fault)
 *   u  wbinvd, an intercepted instruction the hypervisor does not emulate
 *   s  string port I/O (rep outsb), which is not emulated either
 *   d  a write to a debug register (DR0), which is intercepted
 *   m  wrmsr of a non-canonical FS base: a #GP, which with no IDT is a
 *      triple fault (had the write been taken, "hvm-bad: up" would print)
 *   anything else: print "hvm-bad: up" on COM1 and halt for good
 * Entered as a Multiboot loader leaves it: 32-bit protected mode, flat
 * segments, ebx = the Multiboot information (cmdline at offset 16).
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010000

    .section .multiboot, "a"
    .balign 4
mb_header:
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
    .long mb_header, mb_header, image_end, image_end, bad_entry

    .text
    .code32
    .globl bad_entry
bad_entry:
    cli
    mov 16(%ebx), %esi
    movzbl (%esi), %eax
    cmp $'t', %al
    je triple
    cmp $'n', %al
    je npt
    cmp $'u', %al
    je unknown
    cmp $'s', %al
    je string
    cmp $'d', %al
    je debugreg
    cmp $'m', %al
    je badmsr
print:
    mov $msg, %esi
1:  movzbl (%esi), %eax
    test %al, %al
    jz 2f
    mov $0x3f8, %dx
    out %al, %dx
    inc %esi
    jmp 1b
2:  hlt
    jmp 2b
triple:
    lidt null_idtr
    int3
npt:
    movl $1, 0xf0000000
    jmp npt
unknown:
    wbinvd
    jmp unknown
debugreg:
    mov %eax, %dr0
    jmp debugreg
badmsr:
    lidt null_idtr
    mov $0xc0000100, %ecx
    xor %eax, %eax
    mov $0x8000, %edx
    wrmsr
    jmp print
string:
    mov $msg, %esi
    mov $4, %ecx
    mov $0x3f8, %dx
    rep outsb
    jmp string

    .section .rodata
msg:
    .asciz "hvm-bad: up\n"
    .balign 8
null_idtr:
    .word 0
    .long 0
    .balign 4096
image_end:

    .section .note.GNU-stack, "", @progbits
