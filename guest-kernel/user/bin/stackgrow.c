/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * stackgrow [KIB]: recurses through KiB (default 4096) of stack, 4 KiB a
 * frame, so the kernel must grow the stack on demand; checks every frame
 * on the way back.
 */
#include <stdio.h>
#include <stdlib.h>

static unsigned long depth_max;

static unsigned long recurse(unsigned long depth)
{
    volatile unsigned char frame[4000];
    unsigned long sum;

    frame[0] = (unsigned char)depth;
    frame[sizeof(frame) - 1] = (unsigned char)(depth >> 8);
    sum = depth + 1 < depth_max ? recurse(depth + 1) : 0;
    /* Read back after the deeper frames have come and gone. */
    if (frame[0] != (unsigned char)depth ||
        frame[sizeof(frame) - 1] != (unsigned char)(depth >> 8))
        return (unsigned long)-1 / 2;
    return sum + depth;
}

int main(int argc, char **argv)
{
    unsigned long kib = argc > 1 ? strtoul(argv[1], NULL, 0) : 4096;
    unsigned long expect, sum;

    depth_max = kib / 4;
    expect = depth_max * (depth_max - 1) / 2;
    sum = recurse(0);
    printf("stackgrow: %lu frames, %lu KiB of stack, sum %lu (expected "
           "%lu)\n",
           depth_max, kib, sum, expect);
    printf("Test result: %s\n", sum == expect ? "SUCCESS" : "FAILURE");
    return sum != expect;
}
