/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor log: leveled messages to the serial console, also kept in a
 * ring buffer for later readers. The level is set by loglvl= on the command
 * line (error, warn, info, debug); messages above it are dropped.
 */
#ifndef CARAPACE_LOG_H
#define CARAPACE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level {
    LOG_ERROR = 0,
    LOG_WARN = 1,
    LOG_INFO = 2,
    LOG_DEBUG = 3,
};

__attribute__((format(printf, 2, 3))) void log_printf(enum log_level lvl,
                                                      const char *fmt, ...);
void log_vprintf(enum log_level lvl, const char *fmt, va_list ap);

/* Parse "error", "warn", "info" or "debug"; returns -1 if unknown. */
int log_level_parse(const char *name);
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);

/* Write raw bytes, whatever the level (used by the fatal-error path). */
void log_write(const char *s, size_t len);

/* The hypervisor's own writer id for log_write_from/log_continues. */
#define LOG_WRITER_HV UINT32_MAX
/* Write a domain's console output: if another writer left the console's
 * line unfinished, this starts on a new line. */
void log_write_from(uint32_t domid, const char *s, size_t len);
/* True if the console's current, unfinished line is domid's. */
bool log_continues(uint32_t domid);

/* Copy up to len bytes of the log ring from byte *offset (counted since
 * boot; older than what the ring keeps reads from the oldest kept, and
 * *lost says how many were skipped); *offset moves past what was read. */
size_t log_ring_read(uint64_t *offset, char *buf, size_t len, uint64_t *lost);

#define log_err(...)   log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

#endif /* CARAPACE_LOG_H */
