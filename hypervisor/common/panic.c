/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * panic() and the common tail of every fatal error: a report on the console
 * (bypassing the log lock and level), the test hook, then the machine stops
 * with the fatal status so that QEMU's exit status tells it from a poweroff.
 */
#include <stdarg.h>

#include "arch.h"
#include "format.h"
#include "lib.h"
#include "log.h"
#include "panic.h"
#include "selftest.h"
#include "symbols.h"

/* Fatal errors in progress (any CPU); only ever increases. */
static int fatal_depth;

bool fatal_begin(void)
{
    return __atomic_fetch_add(&fatal_depth, 1, __ATOMIC_SEQ_CST) == 0;
}

static void fatal_vprintf(const char *fmt, va_list ap)
{
    char buf[256];
    int n = format_vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n > 0)
        log_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void fatal_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fatal_vprintf(fmt, ap);
    va_end(ap);
}

void fatal_end(const struct selftest_fatal_info *info)
{
    fatal_printf("*** Carapace stopped: fatal error.\n");
    selftest_fatal(info);
    arch_exit(ARCH_EXIT_FATAL);
}

void panic(const char *fmt, ...)
{
    struct selftest_fatal_info info = {
        .reason = "panic",
        .vector = -1,
        .ip = (uint64_t)__builtin_return_address(0)};
    va_list ap;

    if (!fatal_begin()) {
        log_write("\n*** panic while reporting a fatal error\n", 41);
        arch_exit(ARCH_EXIT_FATAL);
    }
    va_start(ap, fmt);
    fatal_printf("\n*** Carapace PANIC: ");
    fatal_vprintf(fmt, ap);
    fatal_printf("\n");
    va_end(ap);
    arch_backtrace_here();
    fatal_end(&info);
}

/* lib/'s invariant checks (lib.h). */
void lib_assert_fail(const char *cond, const char *file, int line)
{
    panic("assertion failed: %s (%s:%d)", cond, file, line);
}

/* Called by code built with -fstack-protector when a canary was overwritten:
 * the stack of the caller's caller is corrupt, so say so and stop. */
__attribute__((noreturn)) void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
    struct selftest_fatal_info info = {
        .reason = "stack-protector",
        .vector = -1,
        .ip = (uint64_t)__builtin_return_address(0)};

    if (!fatal_begin())
        arch_exit(ARCH_EXIT_FATAL);
    uint64_t off = 0;
    const char *fn = symbols_lookup(info.ip, &off);

    fatal_printf("\n*** Carapace PANIC: stack smashing detected: the stack "
                 "canary of %s+%#lx was overwritten\n",
                 fn ? fn : "?", off);
    arch_backtrace_here();
    fatal_end(&info);
}
