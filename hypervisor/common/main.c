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

#define BOOT_TICKS 3

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

static void start_of_day_timer(void)
{
    uint64_t t0, ticks0;
    unsigned hz = arch_timer_init();

    /* Prove the timer ticks: wait for a few interrupts. */
    t0 = arch_time_ns();
    ticks0 = arch_timer_ticks();
    while (arch_timer_ticks() < ticks0 + BOOT_TICKS)
        arch_wait_irq();
    log_info("Timer: %d ticks at %u Hz took %lu us\n", BOOT_TICKS, hz,
             (arch_time_ns() - t0) / 1000);
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
    start_of_day_timer();
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
