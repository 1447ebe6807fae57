/* SPDX-License-Identifier: BSD-2-Clause */
/* With loglvl=error the boot prints no info messages; the result line still
 * appears, whatever the level. */
#include "log.h"
#include "selftest.h"

void selftest_main(void)
{
    if (log_get_level() != LOG_ERROR)
        selftest_result(SELFTEST_FAILURE, "loglvl=error was not applied");
    else
        selftest_result(SELFTEST_SUCCESS, NULL);
}
