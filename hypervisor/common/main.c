/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Generic start of day: read the boot information tree, set the log level,
 * bring up memory and the timer, run a test image's hook, and (until dom0
 * exists) power off.
 *
 * libfdt was built for user space and uses the red zone below the stack
 * pointer, which an interrupt taken in ring 0 would overwrite. So every
 * libfdt call happens with interrupts disabled; here, that means before
 * the first arch_wait_irq().
 */
#include <stddef.h>

#include <carapace/errno.h>

#include "arch.h"
#include "bootdom.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "log.h"
#include "main.h"
#include "mm.h"
#include "panic.h"
#include "sched.h"
#include "selftest.h"

/* Timer interrupts the boot waits for, to prove the timer ticks: one is
 * proof; `timer_check=N` waits for N (up to 100: the old boot waited for
 * 3, 20 ms more, and scripts/boot-time.py compares the two). */
#define BOOT_TICKS     1
#define BOOT_TICKS_MAX 100

static const void *main_fdt;

const void *main_bootinfo(void)
{
    return main_fdt;
}

static void start_of_day_loglvl(const char *cmdline)
{
    char name[16];
    int lvl;

    if (cmdline_get(cmdline, "loglvl", name, sizeof(name)) < 0)
        return;
    lvl = log_level_parse(name);
    if (lvl < 0)
        log_warn("loglvl=%s: unknown level (use error, warn, info or "
                 "debug); keeping info\n",
                 name);
    else
        log_set_level((enum log_level)lvl);
}

/* A boot that cannot go on for a reason outside the hypervisor (too little
 * memory, a broken loader): say so and stop, without a panic's backtrace. */
static __attribute__((noreturn)) void start_of_day_fail(const char *what,
                                                        int err)
{
    log_err("Cannot boot: %s failed (error %d)\n", what, err);
    arch_exit(ARCH_EXIT_FATAL);
}

static void start_of_day_timer(const char *cmdline)
{
    uint64_t t0, ticks0, n = BOOT_TICKS;
    unsigned hz = arch_timer_init();

    int rc = cmdline_get_u64(cmdline, "timer_check", &n);

    if ((rc && cmdline_has(cmdline, "timer_check")) ||
        (!rc && (n < 1 || n > BOOT_TICKS_MAX))) {
        log_warn("timer_check: not a number of ticks from 1 to %d; waiting "
                 "for %d\n",
                 BOOT_TICKS_MAX, BOOT_TICKS);
        n = BOOT_TICKS;
    }
    t0 = arch_time_ns();
    ticks0 = arch_timer_ticks();
    while (arch_timer_ticks() < ticks0 + n)
        arch_wait_irq();
    log_info("Timer: %lu tick%s at %u Hz took %lu us\n", n, n == 1 ? "" : "s",
             hz, (arch_time_ns() - t0) / 1000);
}

void start_of_day(const void *fdt)
{
    const char *cmdline;
    int err;

    if (bootinfo_check(fdt))
        panic("the boot information tree is not valid");
    main_fdt = fdt;
    cmdline = bootinfo_cmdline(fdt);
    start_of_day_loglvl(cmdline);
    log_info("Carapace %s: paravirtualizing x86_64 microhypervisor\n",
             CARAPACE_VERSION);
    log_info("Command line: %s\n", cmdline);
    if (log_get_level() >= LOG_DEBUG) {
        log_debug("Boot information device tree:\n");
        bootinfo_dump(fdt);
    }
    err = mm_init(fdt);
    if (err)
        start_of_day_fail("memory setup", err);
    start_of_day_timer(cmdline);
    log_info("Boot complete after %lu ms.\n", arch_time_ns() / 1000000);
    selftest_main();
    sched_init();
    err = bootdom_start(fdt, cmdline);
    if (err == -CARAPACE_ENOENT) {
        log_info("No dom0 kernel (no boot module): powering off.\n");
        arch_exit(ARCH_EXIT_POWEROFF);
    }
    if (err)
        start_of_day_fail("building the boot-time domains", err);
    sched_run();
}
