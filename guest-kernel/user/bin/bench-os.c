/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-os: what the kernel's basic operations cost, timed with
 * sys_uptime (under QEMU -icount shift=0,sleep=off one nanosecond is one
 * instruction, so the figures repeat exactly):
 *   - a system call round trip from user space (getpid);
 *   - a demand-zero page fault (the first touch of a fresh heap page);
 *   - spawning /bin/true and waiting for it to exit.
 * Each is the mean over many iterations, minus the loop's own cost.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "carapace_os.h"

#define PAGE 4096u

/* a - b, or 0 if the baseline took longer (it should not). */
static uint64_t minus(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

static void report(const char *what, unsigned n, uint64_t ns)
{
    printf("bench: %-28s %7u x %10llu ns\n", what, n,
           (unsigned long long)(ns / n));
}

int main(void)
{
    enum { CALLS = 100000, PAGES = 1024, SPAWNS = 50 };
    volatile unsigned char *heap;
    uint64_t t0, t1, t2;

    /* System call: getpid, against an empty loop of the same length. */
    t0 = sys_uptime();
    for (int i = 0; i < CALLS; i++)
        __asm__ volatile("" ::: "memory");
    t1 = sys_uptime();
    for (int i = 0; i < CALLS; i++)
        (void)getpid();
    t2 = sys_uptime();
    report("syscall getpid", CALLS, minus(t2 - t1, t1 - t0));

    /* Demand-zero fault: touch fresh pages, then the same pages again. */
    heap = sbrk(PAGES * PAGE);
    if (heap == (void *)-1) {
        printf("bench-os: sbrk: %s\n", strerror(errno));
        return 1;
    }
    t0 = sys_uptime();
    for (unsigned i = 0; i < PAGES; i++)
        heap[i * PAGE] = 1;
    t1 = sys_uptime();
    for (unsigned i = 0; i < PAGES; i++)
        heap[i * PAGE] = 2;
    t2 = sys_uptime();
    report("page fault (demand zero)", PAGES, minus(t1 - t0, t2 - t1));

    /* Spawn to exit. */
    char *argv[] = {"true", NULL};
    t0 = sys_uptime();
    for (int i = 0; i < SPAWNS; i++) {
        int status, pid = sys_spawn("/bin/true", argv, 0);
        if (pid < 0 || sys_wait(pid, &status) < 0 || status != 0) {
            printf("bench-os: spawn /bin/true: %s\n", strerror(errno));
            return 1;
        }
    }
    t1 = sys_uptime();
    report("spawn + exit + wait", SPAWNS, t1 - t0);
    return 0;
}
