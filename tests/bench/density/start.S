/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * _start of tiny (tiny.c): the test-guest library's crt0 would bring its
 * test harness along (a banner on the hypervisor console per domain); this
 * one only moves to tiny's own 8 KiB stack and calls tiny_main(start info).
 */
    .section .text.entry, "ax"
    .globl _start
    .type _start, @function
_start:
    lea tiny_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call tiny_main              /* rdi: the start info */
1:  pause
    jmp 1b
    .size _start, . - _start

    .section .bss.stack, "aw", @nobits
    .balign 4096
tiny_stack:
    .skip 8192
tiny_stack_top:
