/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * spawn-loop: spawns children that wait until killed, until spawn fails;
 * the failure must be EAGAIN (the kernel's process limit, SYS_PROC_MAX).
 * Then kills and reaps every child. "spawn-loop child" is the child: it
 * yields until killed (or gives up after 60 s, should its parent die).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "carapace_os.h"

static int child(void)
{
    uint64_t end = sys_uptime() + 60000000000ull;

    while (sys_uptime() < end)
        sys_yield();
    return 0;
}

int main(int argc, char **argv)
{
    char *child_argv[] = {"spawn-loop", "child", NULL};
    int pids[SYS_PROC_MAX + 1];
    int n = 0, err = 0, failures = 0;

    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return child();

    while (n <= SYS_PROC_MAX) {
        int pid = sys_spawn("/bin/spawn-loop", child_argv, 0);
        if (pid < 0) {
            err = errno;
            break;
        }
        pids[n++] = pid;
    }
    if (err)
        printf("spawn-loop: spawn failed after %d children: %s (errno %d)\n", n,
               strerror(err), err);
    else
        printf("spawn-loop: %d children and spawn still works\n", n);

    for (int i = 0; i < n; i++) {
        if (kill(pids[i], SYS_SIGTERM) < 0) {
            printf("spawn-loop: kill %d: %s\n", pids[i], strerror(errno));
            failures++;
        }
    }
    for (int i = 0; i < n; i++) {
        int status;
        if (sys_wait(pids[i], &status) < 0) {
            printf("spawn-loop: wait %d: %s\n", pids[i], strerror(errno));
            failures++;
        } else if (status != SYS_STATUS_SIGNALED(SYS_SIGTERM)) {
            printf("spawn-loop: child %d: exit status %d, expected %d\n",
                   pids[i], status, SYS_STATUS_SIGNALED(SYS_SIGTERM));
            failures++;
        }
    }
    printf("spawn-loop: killed and reaped %d children\n", n);

    /* With the children gone, spawning works again. */
    int pid = sys_spawn("/bin/true", (char *[]){"true", NULL}, 0);
    int status = -1;
    if (pid < 0 || sys_wait(pid, &status) < 0 || status != 0) {
        printf("spawn-loop: spawn after reaping failed: %s\n", strerror(errno));
        failures++;
    }

    if (err != EAGAIN)
        printf("Test result: FAILURE (spawn failed with errno %d, expected "
               "EAGAIN)\n",
               err);
    else if (failures)
        printf("Test result: FAILURE (%d checks failed)\n", failures);
    else
        printf("Test result: SUCCESS\n");
    return err != EAGAIN || failures;
}
