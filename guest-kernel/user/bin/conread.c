/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conread [-f] ID: prints the console output of domain ID that dom0's
 * back end kept (its last 64 KiB), from /dev/dom/ID/console. With -f it
 * then follows new output until the domain is gone or Ctrl-C.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carapace_os.h"

static void usage(void)
{
    fprintf(stderr, "usage: conread [-f] DOMAIN-ID\n");
    exit(2);
}

int main(int argc, char **argv)
{
    char path[64], buf[1024], *end;
    int follow = 0, fd;
    unsigned long id;
    long n;

    if (argc == 3 && strcmp(argv[1], "-f") == 0) {
        follow = 1;
        argv++;
        argc--;
    }
    if (argc != 2)
        usage();
    id = strtoul(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0')
        usage();
    snprintf(path, sizeof(path), "/dev/dom/%lu/console", id);
    /* newlib's open() keeps only the access mode: the raw call. */
    fd = (int)sys_call(SYS_open, (long)path,
                       SYS_O_RDONLY | (follow ? 0 : SYS_O_NONBLOCK), 0, 0);
    if (fd < 0) {
        fprintf(stderr, "conread: %s: %s\n", path, strerror((int)-fd));
        return 1;
    }
    while ((n = sys_call(SYS_read, fd, (long)buf, sizeof(buf), 0)) > 0) {
        if (write(1, buf, (size_t)n) != n)
            return 1;
    }
    if (n < 0 && n != -SYS_EAGAIN) {
        fprintf(stderr, "conread: %s: %s\n", path, strerror((int)-n));
        return 1;
    }
    return 0;
}
