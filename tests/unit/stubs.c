/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host replacements for the hypervisor services generic code calls: panic
 * aborts (so ASan prints a stack), the log goes to stdout. Tests that want to
 * see a panic coming set stubs_expect_panic and catch it with setjmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib.h"
#include "log.h"
#include "panic.h"
#include "stubs.h"

jmp_buf *stubs_panic_jmp;
unsigned stubs_panic_count;

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    printf("panic: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    stubs_panic_count++;
    if (stubs_panic_jmp)
        longjmp(*stubs_panic_jmp, 1);
    abort();
}

/* lib/'s invariant checks (lib.h): a panic here too. */
void lib_assert_fail(const char *cond, const char *file, int line)
{
    panic("assertion failed: %s (%s:%d)", cond, file, line);
}

static enum log_level stubs_level = LOG_DEBUG;

void log_vprintf(enum log_level lvl, const char *fmt, va_list ap)
{
    if (lvl <= stubs_level)
        vprintf(fmt, ap);
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vprintf(lvl, fmt, ap);
    va_end(ap);
}

void log_write(const char *s, size_t len)
{
    fwrite(s, 1, len, stdout);
}

void log_set_level(enum log_level lvl)
{
    stubs_level = lvl;
}

enum log_level log_get_level(void)
{
    return stubs_level;
}
