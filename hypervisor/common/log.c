/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor log. Messages at or below the current level go to the
 * console and into a ring buffer that keeps the last LOG_RING_SIZE bytes
 * (DOMCTL_readlog, which `cap dmesg` prints). Messages above the level are
 * dropped.
 */
#include <stdbool.h>
#include "arch.h"
#include "format.h"
#include "log.h"
#include "spinlock.h"

#define LOG_RING_SIZE 16384
#define LOG_LINE_MAX  512

/* log_lock guards log_ring, log_ring_head and the console output order. */
static struct spinlock log_lock = SPINLOCK_INIT;
static char log_ring[LOG_RING_SIZE];
static uint64_t log_ring_head; /* bytes ever written; ring index = mod size */

static enum log_level log_level = LOG_INFO;

static const char *const log_level_names[] = {"error", "warn", "info", "debug"};

int log_level_parse(const char *name)
{
    for (unsigned i = 0; i < sizeof(log_level_names) / sizeof(char *); i++) {
        const char *a = name, *b = log_level_names[i];
        while (*a && *a == *b) {
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0')
            return (int)i;
    }
    return -1;
}

void log_set_level(enum log_level lvl)
{
    log_level = lvl;
}

enum log_level log_get_level(void)
{
    return log_level;
}

static void log_ring_append(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        log_ring[(log_ring_head + i) % LOG_RING_SIZE] = s[i];
    log_ring_head += len;
}

/* Who wrote the console's current line, and whether it is unfinished:
 * text from any other writer starts on a line of its own, so that two
 * domains' output (or a domain's and the hypervisor's) never share one. */
static uint32_t log_writer = LOG_WRITER_HV;
static bool log_midline;

static void log_emit(uint32_t writer, const char *s, size_t len)
{
    if (!len)
        return;
    if (log_midline && writer != log_writer)
        arch_console_write("\n", 1);
    arch_console_write(s, len);
    log_writer = writer;
    log_midline = s[len - 1] != '\n';
}

void log_write(const char *s, size_t len)
{
    log_emit(LOG_WRITER_HV, s, len);
}

void log_write_from(uint32_t domid, const char *s, size_t len)
{
    log_emit(domid, s, len);
}

bool log_continues(uint32_t domid)
{
    return log_midline && log_writer == domid;
}

void log_vprintf(enum log_level lvl, const char *fmt, va_list ap)
{
    char line[LOG_LINE_MAX];
    size_t len = 0;
    int n;

    if (lvl > log_level)
        return;
    if (lvl == LOG_ERROR)
        len = (size_t)format_snprintf(line, sizeof(line), "ERROR: ");
    else if (lvl == LOG_WARN)
        len = (size_t)format_snprintf(line, sizeof(line), "WARNING: ");
    n = format_vsnprintf(line + len, sizeof(line) - len, fmt, ap);
    if (n < 0)
        return;
    len += (size_t)n;
    if (len >= sizeof(line))
        len = sizeof(line) - 1; /* truncated: keep what fits */

    spinlock_lock(&log_lock);
    log_ring_append(line, len);
    log_emit(LOG_WRITER_HV, line, len);
    spinlock_unlock(&log_lock);
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vprintf(lvl, fmt, ap);
    va_end(ap);
}

size_t log_ring_read(uint64_t *offset, char *buf, size_t len, uint64_t *lost)
{
    uint64_t oldest =
        log_ring_head > LOG_RING_SIZE ? log_ring_head - LOG_RING_SIZE : 0;
    uint64_t at = *offset < oldest ? oldest : *offset;
    size_t n = 0;

    *lost = at - (*offset < at ? *offset : at);
    for (; n < len && at < log_ring_head; n++, at++)
        buf[n] = log_ring[at % LOG_RING_SIZE];
    *offset = at;
    return n;
}
