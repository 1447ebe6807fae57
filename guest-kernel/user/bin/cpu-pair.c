/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cpu-pair [TICKS]: runs two CPU-bound "spin TICKS" children at once and
 * checks that both make progress while the other is still running (the
 * kernel preempts them), then that both exit with status 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "carapace_os.h"

/* CPU time of process PID, or -1 if it is not in the table. */
static long long cpu_ns(int pid, uint32_t *state)
{
    struct sys_procinfo p;

    for (uint64_t i = 0; sys_procinfo(i, &p) == 1; i++) {
        if (p.pid == pid) {
            *state = p.state;
            return (long long)p.cpu_ns;
        }
    }
    return -1;
}

int main(int argc, char **argv)
{
    char *spin_argv[] = {"spin", argc > 1 ? argv[1] : "5", NULL};
    int pids[2], both_ran = 0, failures = 0;

    for (int i = 0; i < 2; i++) {
        pids[i] = sys_spawn("/bin/spin", spin_argv, 0);
        if (pids[i] < 0) {
            printf("cpu-pair: spawn: %s\n", strerror(errno));
            printf("Test result: FAILURE (spawn failed)\n");
            return 1;
        }
    }
    printf("cpu-pair: children %d and %d\n", pids[0], pids[1]);

    /* Watch until both have used CPU time while both are still alive. */
    for (;;) {
        uint32_t s0 = 0, s1 = 0;
        long long t0 = cpu_ns(pids[0], &s0), t1 = cpu_ns(pids[1], &s1);
        if (t0 < 0 || t1 < 0 || s0 == SYS_PROC_ZOMBIE || s1 == SYS_PROC_ZOMBIE)
            break;
        if (t0 > 0 && t1 > 0) {
            both_ran = 1;
            printf("cpu-pair: both running: %lld ms and %lld ms of CPU\n",
                   t0 / 1000000, t1 / 1000000);
            break;
        }
        sys_yield();
    }
    if (!both_ran) {
        printf("cpu-pair: one child finished before the other ran\n");
        failures++;
    }

    for (int i = 0; i < 2; i++) {
        int status;
        if (sys_wait(pids[i], &status) < 0) {
            printf("cpu-pair: wait %d: %s\n", pids[i], strerror(errno));
            failures++;
        } else if (status != 0) {
            printf("cpu-pair: child %d: exit status %d\n", pids[i], status);
            failures++;
        }
    }
    if (failures)
        printf("Test result: FAILURE (%d checks failed)\n", failures);
    else
        printf("Test result: SUCCESS\n");
    return failures != 0;
}
