/* SPDX-License-Identifier: BSD-2-Clause */
/* An unknown loglvl= value is reported and the level stays at info. */
#include "log.h"
#include "selftest.h"

void selftest_main(void)
{
    if (log_get_level() != LOG_INFO)
        selftest_result(SELFTEST_FAILURE, "level changed by a bad loglvl=");
    else
        selftest_result(SELFTEST_SUCCESS, NULL);
}
