/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * crt0 for a static newlib program running as a Linux x86_64 process (the
 * newlib smoke test). A guest kernel's user programs will want their own,
 * but the steps are the same:
 *
 *   1. clear %rbp so backtraces end here;
 *   2. pick argc/argv/envp off the initial stack (Linux puts argc at
 *      (%rsp), argv after it, then a NULL, then envp);
 *   3. align the stack to 16 bytes, as the SysV ABI wants at each call;
 *   4. put the x87 and SSE units into their default state (fninit, and
 *      MXCSR = 0x1f80: all exceptions masked, round to nearest);
 *   5. zero .bss (Linux already has, a bare loader may not have);
 *   6. register __libc_fini_array with atexit and run __libc_init_array
 *      (.preinit_array, _init, .init_array: C constructors);
 *   7. call main and hand its result to exit, which flushes stdio.
 *
 * newlib is configured with HAVE_INIT_FINI, so __libc_init_array calls
 * _init and __libc_fini_array calls _fini: with -nostdlib there is no
 * crti.o/crtn.o to supply them, so they are empty functions here.
 */

    .section .note.GNU-stack, "", @progbits

    .text
    .globl _start
    .type _start, @function
_start:
    xorl    %ebp, %ebp
    movq    (%rsp), %r12            /* argc */
    leaq    8(%rsp), %r13           /* argv */
    leaq    16(%rsp,%r12,8), %r14   /* envp: past argv[argc] == NULL */
    andq    $-16, %rsp

    fninit
    ldmxcsr mxcsr_default(%rip)

    leaq    __bss_start(%rip), %rdi
    leaq    _end(%rip), %rcx
    subq    %rdi, %rcx
    xorl    %eax, %eax
    cld
    rep stosb

    movq    %r14, environ(%rip)

    leaq    __libc_fini_array(%rip), %rdi
    call    atexit
    call    __libc_init_array

    movl    %r12d, %edi
    movq    %r13, %rsi
    movq    %r14, %rdx
    call    main
    movl    %eax, %edi
    call    exit
    hlt                             /* exit does not return */
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
