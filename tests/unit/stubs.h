/* SPDX-License-Identifier: BSD-2-Clause */
/* Host stubs for unit tests: see stubs.c. */
#ifndef CARAPACE_TEST_STUBS_H
#define CARAPACE_TEST_STUBS_H

#include <setjmp.h>

/* When set, panic() longjmps here instead of aborting. */
extern jmp_buf *stubs_panic_jmp;
/* How many times panic() was called. */
extern unsigned stubs_panic_count;

#endif /* CARAPACE_TEST_STUBS_H */
