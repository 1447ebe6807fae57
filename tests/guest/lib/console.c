/* SPDX-License-Identifier: BSD-2-Clause */
/* printf for test guests: lib/format.c into a buffer, then the console
 * (line-buffered, through HC_console_write), or snprintf's buffer. */
#include <string.h>

#include "format.h"
#include "guest.h"

/* Longer printf output is cut here (test lines are short). */
#define CONSOLE_PRINTF_MAX 1024

/* --- Console sink: line-buffered --------------------------------------- */

static char line[256];
static size_t line_len;

void console_flush(void)
{
    if (line_len)
        hc_console_write(line, line_len);
    line_len = 0;
}

static void console_put(char c)
{
    line[line_len++] = c;
    if (c == '\n' || line_len == sizeof(line))
        console_flush();
}

int vprintf(const char *fmt, va_list ap)
{
    static char buf[CONSOLE_PRINTF_MAX];
    int n = format_vsnprintf(buf, sizeof(buf), fmt, ap);

    for (size_t i = 0; i < sizeof(buf) && buf[i]; i++)
        console_put(buf[i]);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

const char *errno_name(int64_t value)
{
    switch (value) {
    case -CARAPACE_EPERM:
        return "-EPERM";
    case -CARAPACE_ENOENT:
        return "-ENOENT";
    case -CARAPACE_ESRCH:
        return "-ESRCH";
    case -CARAPACE_E2BIG:
        return "-E2BIG";
    case -CARAPACE_EAGAIN:
        return "-EAGAIN";
    case -CARAPACE_ENOMEM:
        return "-ENOMEM";
    case -CARAPACE_EFAULT:
        return "-EFAULT";
    case -CARAPACE_EBUSY:
        return "-EBUSY";
    case -CARAPACE_EEXIST:
        return "-EEXIST";
    case -CARAPACE_EINVAL:
        return "-EINVAL";
    case -CARAPACE_ERANGE:
        return "-ERANGE";
    case -CARAPACE_ENOSYS:
        return "-ENOSYS";
    default:
        return NULL;
    }
}
