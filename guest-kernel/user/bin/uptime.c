/* SPDX-License-Identifier: BSD-2-Clause */
/* uptime: time since the domain booted, and the number of processes. */
#include <stdio.h>

#include "carapace_os.h"

int main(void)
{
    unsigned long long ms = sys_uptime() / 1000000u;
    struct sys_procinfo p;
    int procs = 0;

    while (sys_procinfo((uint64_t)procs, &p) == 1)
        procs++;
    printf("up %llu.%03llu s, %d processes\n", ms / 1000, ms % 1000, procs);
    return 0;
}
