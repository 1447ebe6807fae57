/* SPDX-License-Identifier: BSD-2-Clause */
/* lib/'s invariant checks (lib.h), in a dom0 program: say so and abort. */
#include <stdio.h>
#include <stdlib.h>

#include "lib.h"

void lib_assert_fail(const char *cond, const char *file, int line)
{
    fprintf(stderr, "cap: internal error: assertion failed: %s (%s:%d)\n", cond,
            file, line);
    abort();
}
