/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * spew [N]: prints N (default 2000) numbered lines of exactly 64 bytes,
 * "NNNNN spew ...... NNNNN\n", to test console history limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    char line[65];

    for (long i = 1; i <= n; i++) {
        int len = snprintf(line, sizeof(line), "%05ld spew ", i);

        memset(line + len, '.', 63 - 6 - (size_t)len);
        snprintf(line + 57, sizeof(line) - 57, " %05ld\n", i);
        fputs(line, stdout);
        fflush(stdout);
    }
    return 0;
}
