/* SPDX-License-Identifier: BSD-2-Clause */
/* Kernel messages go straight to the console (the hypervisor's, or a
 * domU's ring), unbuffered, so that the last line before a crash is never
 * lost. */
#include <stdarg.h>

#include "arch.h"
#include "console.h"
#include "format.h"
#include "lib.h"
#include "print.h"

void print_write(const char *s, size_t len)
{
    console_write(s, len);
}

static int print_v(const char *fmt, va_list ap)
{
    char buf[256];
    int n = format_vsnprintf(buf, sizeof(buf), fmt, ap);

    print_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = print_v(fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    va_list ap;

    kprintf("kernel panic: ");
    va_start(ap, fmt);
    print_v(fmt, ap);
    va_end(ap);
    kprintf("\n");
    arch_crash();
}

/* lib/'s invariant checks (lib.h). */
void lib_assert_fail(const char *cond, const char *file, int line)
{
    panic("assertion failed: %s (%s:%d)", cond, file, line);
}
