/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot-time domain building under fault injection: bootdom_start (dom0,
 * then the two domUs of boot.dts) runs once to count its frame
 * allocations, K, then once for each N = 1..K with allocation N failing
 * (frame_fault_arm, as failalloc=N does). Each run must be clean: the
 * domain whose build allocation N fell in is not there (dom0's failure
 * fails bootdom_start, with no domain left), every other domain is built,
 * and once all are destroyed the free frames are what they were before
 * and frame_check() passes. The domains never run: the test stops after
 * the last run.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "arch.h"
#include "bootdom.h"
#include "bootinfo.h"
#include "domain.h"
#include "format.h"
#include "frame.h"
#include "log.h"
#include "main.h"
#include "sched.h"
#include "selftest.h"

#define FIBOOT_DOMS 3 /* dom0, w1, w2 */
#define FIBOOT_ALL  ((1u << FIBOOT_DOMS) - 1)

static const char *const fiboot_names[FIBOOT_DOMS] = {"dom0", "w1", "w2"};
static unsigned fiboot_points[FIBOOT_DOMS], fiboot_clean[FIBOOT_DOMS];
static char fiboot_why[160];

static void fiboot_print(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* A line whatever the log level (the test runs at loglvl=error). */
static void fiboot_print(const char *fmt, ...)
{
    char line[200];
    va_list ap;

    va_start(ap, fmt);
    format_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    log_write(line, strlen(line));
}

/* The domains that exist, one bit per id (bit 31: an id past the test's). */
static unsigned fiboot_built(void)
{
    unsigned built = 0;

    for (const struct domain *d = domain_first(); d; d = d->next)
        built |= d->id < FIBOOT_DOMS ? 1u << d->id : 1u << 31;
    return built;
}

static void fiboot_destroy_all(void)
{
    struct domain *d;

    while ((d = domain_first()) != NULL)
        domain_kill(d);
}

/* Build the boot-time domains with allocation n failing (0: none). */
static int fiboot_run(uint64_t n, struct frame_fault *f, unsigned *built)
{
    const void *fdt = main_bootinfo();
    int err;

    frame_fault_arm(n);
    err = bootdom_start(fdt, bootinfo_cmdline(fdt));
    frame_fault_get(f);
    frame_fault_arm(0);
    *built = fiboot_built();
    return err;
}

/* Allocation n fails: whose build was it in, and was the failure clean?
 * *which is that domain (never lower than the previous run's). */
static bool fiboot_point(uint64_t n, uint64_t free_before, int *which)
{
    struct frame_fault f;
    unsigned built, missing;
    int err = fiboot_run(n, &f, &built), prev = *which;
    bool clean = f.fired;

    missing = FIBOOT_ALL & ~built;
    if (err) {
        *which = 0; /* dom0 not built: the boot stops, nothing is left */
        clean = clean && built == 0;
    } else {
        *which = missing ? __builtin_ctz(missing) : -1;
        clean = clean && *which > 0 && (missing & (missing - 1)) == 0 &&
                !(built & ~FIBOOT_ALL);
    }
    fiboot_destroy_all();
    clean = clean && frame_count_free() == free_before && frame_check() == 0;
    if (*which < prev)
        clean = false;
    if (*which < 0) {
        *which = prev;
        fiboot_print("faultinject: allocation %lu: no domain missing\n",
                     (unsigned long)n);
        return false;
    }
    fiboot_points[*which]++;
    fiboot_clean[*which] += clean;
    if (!clean)
        fiboot_print("faultinject: allocation %lu (%s): not clean: error %d, "
                     "fired %d, domains built %#x, free frames %lu before, "
                     "%lu after\n",
                     (unsigned long)n, fiboot_names[*which], err, f.fired,
                     built, (unsigned long)free_before,
                     (unsigned long)frame_count_free());
    return clean;
}

static int fiboot_matrix(void)
{
    uint64_t before = frame_count_free(), k;
    struct frame_fault f;
    unsigned built, clean = 0;
    int which = 0;

    if (fiboot_run(0, &f, &built) || built != FIBOOT_ALL) {
        format_snprintf(fiboot_why, sizeof(fiboot_why),
                        "the unarmed build failed (domains %#x)", built);
        return -1;
    }
    k = f.allocs;
    fiboot_destroy_all();
    if (frame_count_free() != before) {
        format_snprintf(fiboot_why, sizeof(fiboot_why),
                        "destroying the domains left %lu frames out",
                        (unsigned long)(before - frame_count_free()));
        return -1;
    }
    for (uint64_t n = 1; n <= k; n++)
        clean += fiboot_point(n, before, &which);
    for (int i = 0; i < FIBOOT_DOMS; i++)
        fiboot_print("faultinject: boot %s points=%u clean=%u\n",
                     fiboot_names[i], fiboot_points[i], fiboot_clean[i]);
    format_snprintf(fiboot_why, sizeof(fiboot_why), "%u of %lu clean", clean,
                    (unsigned long)k);
    for (int i = 0; i < FIBOOT_DOMS; i++)
        if (fiboot_points[i] == 0)
            return -1;
    return clean == k ? 0 : -1;
}

void selftest_main(void)
{
    int err;

    sched_init(); /* the builder wakes each domain it builds */
    err = fiboot_matrix();
    selftest_result(err ? SELFTEST_FAILURE : SELFTEST_SUCCESS, fiboot_why);
    arch_exit(ARCH_EXIT_POWEROFF);
}
