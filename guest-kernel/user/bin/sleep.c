/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sleep SECONDS: sleeps, then exits 0. A quiet background job (`sleep 100
 * &`) for the shell's jobs and kill, which spin's ticks would interrupt.
 */
#include <stdio.h>
#include <stdlib.h>

#include "carapace_os.h"

int main(int argc, char **argv)
{
    char *end;
    unsigned long s = argc == 2 ? strtoul(argv[1], &end, 10) : 0;

    if (argc != 2 || !*argv[1] || *end) {
        fprintf(stderr, "usage: sleep SECONDS\n");
        return 2;
    }
    sys_sleep((uint64_t)s * 1000000000ull);
    return 0;
}
