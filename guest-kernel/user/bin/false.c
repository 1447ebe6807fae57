/* SPDX-License-Identifier: BSD-2-Clause */
/* false [N]: exits with status N (default 1) and prints nothing. */
#include <stdlib.h>

int main(int argc, char **argv)
{
    return argc > 1 ? atoi(argv[1]) : 1;
}
