/* SPDX-License-Identifier: BSD-2-Clause */
/* ps: lists the processes: pid, parent, state, CPU time, memory, name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "carapace_os.h"

int main(void)
{
    static const char states[] = "RSZ";
    struct sys_procinfo p;
    uint64_t i;
    int got;

    printf("  PID  PPID STATE      TIME      MEM NAME\n");
    for (i = 0; (got = sys_procinfo(i, &p)) == 1; i++) {
        char state = p.state < 3 ? states[p.state] : '?';
        unsigned long long ms = p.cpu_ns / 1000000u;
        printf("%5d %5d     %c %5llu.%03llu %7lluK %.*s\n", (int)p.pid,
               (int)p.ppid, state, ms / 1000, ms % 1000,
               (unsigned long long)(p.mem_bytes / 1024), SYS_COMM_MAX, p.name);
    }
    if (got < 0) {
        fprintf(stderr, "ps: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
