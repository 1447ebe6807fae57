/* SPDX-License-Identifier: BSD-2-Clause */
/* nullderef: reads address 0; the kernel kills it (exit status 139). */
#include <stdio.h>

int main(void)
{
    int *volatile null = 0; /* volatile: no compile-time trap */

    printf("nullderef: reading through a NULL pointer\n");
    fflush(stdout);
    return *null;
}
