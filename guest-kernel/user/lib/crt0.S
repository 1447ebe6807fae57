/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * _start for Carapace user programs (static newlib, linked at 0x400000).
 *
 * The kernel enters here with rsp 16-byte aligned and pointing at argc
 * (a uint64_t), followed by argv[0..argc-1] and a NULL (see uapi/sys.h);
 * every other register is 0. There is no environment.
 *
 * Steps: end backtraces here (rbp = 0); take argc and argv; put the x87
 * and SSE units in their default state (fninit; MXCSR = 0x1f80, every
 * exception masked, round to nearest); zero .bss (the kernel does too,
 * but a loader that maps file pages whole might leave the tail of the
 * last data page dirty); run the C constructors; call main and pass its
 * result to exit(), which flushes stdio and ends in _exit.
 *
 * newlib has HAVE_INIT_FINI: __libc_init_array calls _init and
 * __libc_fini_array calls _fini. With -nostdlib nothing else defines
 * them, so they are empty here.
 */

    .section .note.GNU-stack, "", @progbits

    .text
    .globl _start
    .type _start, @function
_start:
    xorl    %ebp, %ebp
    movq    (%rsp), %r12            /* argc */
    leaq    8(%rsp), %r13           /* argv */
    andq    $-16, %rsp

    fninit
    ldmxcsr mxcsr_default(%rip)

    leaq    __bss_start(%rip), %rdi
    leaq    _end(%rip), %rcx
    subq    %rdi, %rcx
    xorl    %eax, %eax
    cld
    rep stosb

    leaq    __libc_fini_array(%rip), %rdi
    call    atexit
    call    __libc_init_array

    movl    %r12d, %edi
    movq    %r13, %rsi
    call    main
    movl    %eax, %edi
    call    exit
    ud2                             /* exit does not return */
    .size _start, . - _start

    .globl _init
    .type _init, @function
_init:
    ret
    .size _init, . - _init

    .globl _fini
    .type _fini, @function
_fini:
    ret
    .size _fini, . - _fini

    .section .rodata
    .balign 4
mxcsr_default:
    .long   0x1f80
