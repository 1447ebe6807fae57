/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * spin [TICKS [MILLIONS]]: a CPU-bound loop. Prints "spin PID: tick K"
 * every MILLIONS million iterations (default 20) and exits after TICKS
 * ticks, or never without arguments (Ctrl-C stops it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long ticks = argc > 1 ? atol(argv[1]) : 0;
    long per_tick = (argc > 2 ? atol(argv[2]) : 20) * 1000000;
    int pid = (int)getpid();
    volatile unsigned long counter = 0;

    for (long tick = 1; ticks == 0 || tick <= ticks; tick++) {
        for (long i = 0; i < per_tick; i++)
            counter++;
        printf("spin %d: tick %ld\n", pid, tick);
    }
    return 0;
}
