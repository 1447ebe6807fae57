/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Results and the C start. A test's result starts at SUCCESS and only
 * moves up (SUCCESS < SKIP < ERROR < FAILURE); after test_main() returns,
 * exactly one `Test result:` line is printed and the domain powers off.
 */
#include <string.h>

#include "guest.h"

static enum test_result result = RESULT_SUCCESS;
static unsigned int checks_failed;
static char first_reason[96];
static bool exiting;

static const char *const result_names[] = {"SUCCESS", "SKIP", "ERROR",
                                           "FAILURE"};

static void raise_to(enum test_result r, const char *fmt, va_list ap)
{
    if (r > result) {
        result = r;
        vsnprintf(first_reason, sizeof(first_reason), fmt, ap);
    }
}

static void report(enum test_result r, const char *tag, const char *fmt,
                   va_list ap)
{
    va_list copy;

    va_copy(copy, ap);
    printf("%s: ", tag);
    vprintf(fmt, ap);
    printf("\n");
    raise_to(r, fmt, copy);
    va_end(copy);
}

void test_fail(const char *fmt, ...)
{
    va_list ap;

    checks_failed++;
    va_start(ap, fmt);
    report(RESULT_FAILURE, "FAIL", fmt, ap);
    va_end(ap);
}

void test_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(RESULT_ERROR, "ERROR", fmt, ap);
    va_end(ap);
}

void test_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(RESULT_SKIP, "SKIP", fmt, ap);
    va_end(ap);
}

bool test_check(bool cond, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (cond) {
        printf("ok: ");
        vprintf(fmt, ap);
        printf("\n");
    } else {
        checks_failed++;
        report(RESULT_FAILURE, "FAIL", fmt, ap);
    }
    va_end(ap);
    return cond;
}

static void print_value(int64_t v)
{
    const char *name = errno_name(v);

    if (name)
        printf("%ld (%s)", (long)v, name);
    else if (v >= -4096 && v <= 4096)
        printf("%ld", (long)v);
    else
        printf("%#lx", (unsigned long)v);
}

bool test_expect_eq_(int line, const char *what, int64_t actual,
                     int64_t expected)
{
    if (actual == expected) {
        printf("ok: %s = ", what);
        print_value(actual);
        printf("\n");
        return true;
    }
    printf("FAIL: %s: got ", what);
    print_value(actual);
    printf(", expected ");
    print_value(expected);
    printf(" (test.c:%d)\n", line);
    checks_failed++;
    if (result < RESULT_FAILURE) {
        result = RESULT_FAILURE;
        snprintf(first_reason, sizeof(first_reason), "%s", what);
    }
    return false;
}

enum test_result test_result_now(void)
{
    return result;
}

void test_exit(void)
{
    long rc;

    if (!exiting) {
        exiting = true;
        if (result == RESULT_FAILURE)
            printf("Test result: FAILURE (%u check%s failed, first: %s)\n",
                   checks_failed, checks_failed == 1 ? "" : "s", first_reason);
        else if (result != RESULT_SUCCESS)
            printf("Test result: %s (%s)\n", result_names[result],
                   first_reason);
        else
            printf("Test result: SUCCESS\n");
        console_flush();
    }
    rc = hc_sched_op(SCHED_shutdown, SHUTDOWN_poweroff);
    printf("SCHED_shutdown(poweroff) returned %ld: spinning\n", rc);
    console_flush();
    for (;;)
        asm volatile("pause");
}

/* --- The C start ---------------------------------------------------------- */

uint64_t guest_tls[8] __attribute__((aligned(64)));

long guest_tls_install(void)
{
    return hc_set_segment_base(SEGBASE_FS, (uint64_t)guest_tls);
}

/* libfdt was built with the stack protector. */
void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
    test_fail("stack protector: the canary at %%fs:0x28 changed");
    test_exit();
}

void guest_start(const void *si_va);
void guest_start(const void *si_va)
{
    long rc;
    int problems;

    printf("--- Carapace guest test: %s ---\n", test_title);
    /* libfdt reads %fs:0x28: the FS base must be ours before any fdt_*. */
    guest_tls[GUEST_TLS_CANARY_OFFSET / 8] = 0x00c0ffee5a17ed00ULL;
    rc = guest_tls_install();
    if (rc != 0) {
        test_error("HC_set_segment_base(SEGBASE_FS, TLS block) = %ld", rc);
        test_exit();
    }
    problems = start_info_read(si_va, &start_info);
    if (problems < 0) {
        test_fail("no start-info tree at %p", si_va);
        test_exit();
    }
    if (problems > 0)
        test_fail("start info: %d properties missing or malformed", problems);
    if (!start_info.shared_va || !start_info.p2m_va || !start_info.nr_frames ||
        !start_info.virt_base)
        test_exit();
    shared_info = (struct shared_info *)start_info.shared_va;
    p2m = (const uint64_t *)start_info.p2m_va;

    test_main();
    test_exit();
}
