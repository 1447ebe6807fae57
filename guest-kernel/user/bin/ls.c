/* SPDX-License-Identifier: BSD-2-Clause */
/* ls [-l] [DIR...]: lists directories (default /), with -l the type and
 * size of each entry. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "carapace_os.h"

static int list(const char *dir, int longfmt, int many)
{
    struct sys_dirent ent;
    uint64_t i;
    int got;

    if (many)
        printf("%s:\n", dir);
    for (i = 0; (got = sys_readdir(dir, i, &ent)) == 1; i++) {
        int isdir = (ent.mode & SYS_S_IFDIR) != 0;
        if (longfmt)
            printf("%c %8llu %s%s\n", isdir ? 'd' : '-',
                   (unsigned long long)ent.size, ent.name, isdir ? "/" : "");
        else
            printf("%s%s\n", ent.name, isdir ? "/" : "");
    }
    if (got < 0) {
        fprintf(stderr, "ls: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int longfmt = 0, first = 1, status = 0;

    if (argc > 1 && strcmp(argv[1], "-l") == 0) {
        longfmt = 1;
        first = 2;
    }
    if (first >= argc)
        return list(".", longfmt, 0);
    for (int i = first; i < argc; i++)
        status |= list(argv[i], longfmt, argc - first > 1);
    return status;
}
