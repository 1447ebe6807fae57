/* SPDX-License-Identifier: BSD-2-Clause */
/* hello: a greeting from user space, with the process id and host name. */
#include <stdio.h>
#include <unistd.h>

#include "carapace_os.h"

int main(void)
{
    char host[SYS_NAME_MAX] = "?";

    sys_hostname(host, sizeof(host));
    printf("Hello from user space! I am process %d on %s.\n", (int)getpid(),
           host);
    return 0;
}
