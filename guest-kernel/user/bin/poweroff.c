/* SPDX-License-Identifier: BSD-2-Clause */
/* poweroff [N]: powers the machine off (a domU shuts down) with status N. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carapace_os.h"

int main(int argc, char **argv)
{
    sys_poweroff(argc > 1 ? atoi(argv[1]) : 0);
    fprintf(stderr, "poweroff: %s\n", strerror(errno));
    return 1;
}
