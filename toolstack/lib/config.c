/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Domain configuration files (config.h). A line is parsed whole before it
 * changes anything; a key set twice in the file is an error, an override
 * from the command line replaces what the file said.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define CONFIG_FILE_MAX  65536
#define CONFIG_VALUE_MAX CONFIG_CMDLINE_MAX

enum config_kind { KIND_STRING, KIND_NUMBER, KIND_ACTION };

static const struct {
    const char *name;
    enum config_kind kind;
} config_keys[CONFIG_NKEYS] = {
    [CONFIG_KEY_NAME] = {"name", KIND_STRING},
    [CONFIG_KEY_MEMORY] = {"memory", KIND_NUMBER},
    [CONFIG_KEY_KERNEL] = {"kernel", KIND_STRING},
    [CONFIG_KEY_RAMDISK] = {"ramdisk", KIND_STRING},
    [CONFIG_KEY_CMDLINE] = {"cmdline", KIND_STRING},
    [CONFIG_KEY_VCPUS] = {"vcpus", KIND_NUMBER},
    [CONFIG_KEY_ON_POWEROFF] = {"on_poweroff", KIND_ACTION},
    [CONFIG_KEY_ON_REBOOT] = {"on_reboot", KIND_ACTION},
    [CONFIG_KEY_ON_CRASH] = {"on_crash", KIND_ACTION},
    [CONFIG_KEY_TYPE] = {"type", KIND_STRING},
    [CONFIG_KEY_MEMORY_KIB] = {"memory_kib", KIND_NUMBER},
};

static const char *const config_actions[] = {
    [CONFIG_DESTROY] = "destroy",
    [CONFIG_RESTART] = "restart",
    [CONFIG_PRESERVE] = "preserve",
};

/* One parsed `key = value`: raw is the value as written, for messages. */
struct config_item {
    const char *where; /* "file:line" or "command line" */
    int line;
    char key[32];
    char raw[CONFIG_VALUE_MAX + 8];
    char value[CONFIG_VALUE_MAX + 1];
    bool quoted;
};

const char *config_key_name(enum config_key k)
{
    return (unsigned)k < CONFIG_NKEYS ? config_keys[k].name : "?";
}

const char *config_action_name(enum config_action a)
{
    return (unsigned)a <= CONFIG_PRESERVE ? config_actions[a] : "?";
}

void config_init(struct config *c, const char *file)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->file, sizeof(c->file), "%s", file);
    c->memory_kib = 16 * 1024;
    c->vcpus = 1;
    c->on_poweroff = CONFIG_DESTROY;
    c->on_reboot = CONFIG_RESTART;
    c->on_crash = CONFIG_DESTROY;
}

void config_where(const struct config *c, enum config_key k, char *buf,
                  size_t len)
{
    int line = (unsigned)k < CONFIG_NKEYS ? c->line[k] : 0;

    if (line == CONFIG_LINE_CMDLINE)
        snprintf(buf, len, "command line");
    else if (line > 0)
        snprintf(buf, len, "%s:%d", c->file, line);
    else
        snprintf(buf, len, "%s", c->file);
}

__attribute__((format(printf, 3, 4))) static int
config_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The item's "where: key = raw" prefix is in every message about it. */
#define ITEM_FAIL(it, fmt, ...)                                                \
    config_fail(err, errlen, "%s: %s = %s: " fmt, (it)->where, (it)->key,      \
                (it)->raw, ##__VA_ARGS__)

static bool config_name_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= CONFIG_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
            return false;
    return true;
}

static int config_number(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max)
            return -2;
    }
    *out = v;
    return 0;
}

static int config_string(char *dst, size_t size, const struct config_item *it,
                         char *err, size_t errlen)
{
    if (strlen(it->value) >= size)
        return ITEM_FAIL(it, "too long (at most %zu characters)", size - 1);
    memcpy(dst, it->value, strlen(it->value) + 1);
    return 0;
}

/* Applies one item (strict: from a file; else an override, where a
 * string may come without quotes, as a shell passes it). */
static int config_apply(struct config *c, const struct config_item *it,
                        bool strict, char *err, size_t errlen)
{
    enum config_key k;
    uint64_t v = 0;
    int rc;

    for (k = 0; k < CONFIG_NKEYS; k++)
        if (strcmp(it->key, config_keys[k].name) == 0)
            break;
    if (k == CONFIG_NKEYS)
        return ITEM_FAIL(it, "unknown key");
    if (strict && c->line[k] > 0)
        return ITEM_FAIL(it, "set twice (first on line %d)", c->line[k]);
    if (strict && k == CONFIG_KEY_MEMORY_KIB && c->line[CONFIG_KEY_MEMORY] > 0)
        return ITEM_FAIL(it, "memory is set too (line %d): one of the two",
                         c->line[CONFIG_KEY_MEMORY]);
    if (strict && k == CONFIG_KEY_MEMORY && c->line[CONFIG_KEY_MEMORY_KIB] > 0)
        return ITEM_FAIL(it, "memory_kib is set too (line %d): one of the two",
                         c->line[CONFIG_KEY_MEMORY_KIB]);
    switch (config_keys[k].kind) {
    case KIND_STRING:
    case KIND_ACTION:
        if (strict && !it->quoted)
            return ITEM_FAIL(it, "a string in double quotes expected");
        break;
    case KIND_NUMBER:
        if (strict && it->quoted)
            return ITEM_FAIL(it, "%s",
                             k == CONFIG_KEY_MEMORY ? "not a number of MiB"
                             : k == CONFIG_KEY_MEMORY_KIB
                                 ? "not a number of KiB"
                                 : "not a number");
        break;
    }
    switch (k) {
    case CONFIG_KEY_NAME:
        if (!config_name_ok(it->value))
            return ITEM_FAIL(it,
                             "not a valid name (1 to %d letters, digits, "
                             "'-', '_' or '.')",
                             CONFIG_NAME_MAX - 1);
        rc = config_string(c->name, sizeof(c->name), it, err, errlen);
        break;
    case CONFIG_KEY_MEMORY:
        rc = config_number(it->value, CONFIG_MEMORY_MAX, &v);
        if (rc == -1)
            return ITEM_FAIL(it, "not a number of MiB");
        if (rc == -2 || v < CONFIG_MEMORY_MIN)
            return ITEM_FAIL(it, "out of range (%d .. %d MiB)",
                             CONFIG_MEMORY_MIN, CONFIG_MEMORY_MAX);
        c->memory_kib = v * 1024;
        break;
    case CONFIG_KEY_MEMORY_KIB:
        rc = config_number(it->value, CONFIG_MEMORY_KIB_MAX, &v);
        if (rc == -1)
            return ITEM_FAIL(it, "not a number of KiB");
        if (rc == -2 || v < CONFIG_MEMORY_KIB_MIN || v % 4)
            return ITEM_FAIL(it, "out of range (%d .. %d KiB, a multiple of 4)",
                             CONFIG_MEMORY_KIB_MIN, CONFIG_MEMORY_KIB_MAX);
        c->memory_kib = v;
        break;
    case CONFIG_KEY_KERNEL:
    case CONFIG_KEY_RAMDISK:
        if (!it->value[0] && k == CONFIG_KEY_KERNEL)
            return ITEM_FAIL(it, "empty");
        rc = config_string(k == CONFIG_KEY_KERNEL ? c->kernel : c->ramdisk,
                           CONFIG_PATH_MAX, it, err, errlen);
        break;
    case CONFIG_KEY_CMDLINE:
        rc = config_string(c->cmdline, sizeof(c->cmdline), it, err, errlen);
        break;
    case CONFIG_KEY_TYPE:
        if (strcmp(it->value, "pv") != 0 && strcmp(it->value, "hvm") != 0 &&
            strcmp(it->value, "trap") != 0)
            return ITEM_FAIL(it, "not \"pv\", \"hvm\" or \"trap\"");
        c->hvm = strcmp(it->value, "hvm") == 0;
        c->trap = strcmp(it->value, "trap") == 0;
        rc = 0;
        break;
    case CONFIG_KEY_VCPUS:
        rc = config_number(it->value, 1000000, &v);
        if (rc == -1)
            return ITEM_FAIL(it, "not a number");
        if (v != 1)
            return ITEM_FAIL(it, "only 1 vCPU is supported");
        c->vcpus = 1;
        break;
    default: {
        enum config_action *a = k == CONFIG_KEY_ON_POWEROFF ? &c->on_poweroff
                                : k == CONFIG_KEY_ON_REBOOT ? &c->on_reboot
                                                            : &c->on_crash;
        unsigned i;

        for (i = 0; i <= CONFIG_PRESERVE; i++)
            if (strcmp(it->value, config_actions[i]) == 0)
                break;
        if (i > CONFIG_PRESERVE)
            return ITEM_FAIL(it, "not \"destroy\", \"restart\" or "
                                 "\"preserve\"");
        *a = (enum config_action)i;
        rc = 0;
    }
    }
    if (rc)
        return rc;
    c->line[k] = strict ? it->line : CONFIG_LINE_CMDLINE;
    return 0;
}

/* The value at s (quoted or bare) into it; *end: just past it. */
static int config_value(struct config_item *it, const char *s, const char **end,
                        char *err, size_t errlen)
{
    size_t n = 0, r = 0;
    const char *p = s;

    if (*p == '"') {
        it->quoted = true;
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                p++;
            if (n == CONFIG_VALUE_MAX)
                return config_fail(err, errlen, "%s: %s = %.40s...: too long",
                                   it->where, it->key, s);
            it->value[n++] = *p;
        }
        if (*p != '"')
            return config_fail(err, errlen,
                               "%s: %s = %s: no closing double quote",
                               it->where, it->key, s);
        p++;
    } else {
        for (; *p && !isspace((unsigned char)*p); p++) {
            if (n == CONFIG_VALUE_MAX)
                return config_fail(err, errlen, "%s: %s = %.40s...: too long",
                                   it->where, it->key, s);
            it->value[n++] = *p;
        }
    }
    it->value[n] = '\0';
    r = (size_t)(p - s);
    if (r >= sizeof(it->raw))
        r = sizeof(it->raw) - 1;
    memcpy(it->raw, s, r);
    it->raw[r] = '\0';
    *end = p;
    return 0;
}

/* Parses `key = value` in line (comment already cut off). 1: an item,
 * 0: a blank line, -1: an error. */
static int config_line(struct config_item *it, char *line, bool override,
                       char *err, size_t errlen)
{
    char *p = line, *k;
    const char *end = NULL;
    size_t klen;

    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return 0;
    k = p;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    klen = (size_t)(p - k);
    while (isspace((unsigned char)*p) && !override)
        p++;
    if (klen == 0 || klen >= sizeof(it->key) || *p != '=') {
        char *e = k + strlen(k);

        while (e > k && isspace((unsigned char)e[-1]))
            *--e = '\0';
        return config_fail(err, errlen, "%s: \"%.60s\": not `key = value`",
                           it->where, k);
    }
    memcpy(it->key, k, klen);
    it->key[klen] = '\0';
    p++;
    while (isspace((unsigned char)*p) && !override)
        p++;
    if (!*p) {
        snprintf(it->raw, sizeof(it->raw), "(nothing)");
        return config_fail(err, errlen, "%s: %s = : no value", it->where,
                           it->key);
    }
    if (config_value(it, p, &end, err, errlen))
        return -1;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return config_fail(err, errlen,
                           "%s: %s = %s: unexpected \"%.30s\" after the value",
                           it->where, it->key, it->raw, end);
    return 1;
}

/* Cuts a `#` comment that is not inside a string. */
static void config_cut_comment(char *line)
{
    bool in = false;

    for (char *p = line; *p; p++) {
        if (in && *p == '\\' && p[1])
            p++;
        else if (*p == '"')
            in = !in;
        else if (*p == '#' && !in) {
            *p = '\0';
            return;
        }
    }
}

int config_parse(struct config *c, const char *text, size_t len, char *err,
                 size_t errlen)
{
    static struct config_item it;
    static char line[CONFIG_VALUE_MAX + 256];
    char where[CONFIG_PATH_MAX + 16];
    size_t pos = 0;
    int lineno = 0;

    while (pos < len) {
        size_t n = 0;
        int rc;

        lineno++;
        snprintf(where, sizeof(where), "%s:%d", c->file, lineno);
        while (pos < len && text[pos] != '\n') {
            if (text[pos] == '\0')
                return config_fail(err, errlen,
                                   "%s: a NUL byte: not a text "
                                   "file",
                                   where);
            if (n < sizeof(line) - 1)
                line[n++] = text[pos];
            else
                return config_fail(err, errlen, "%s: line too long", where);
            pos++;
        }
        pos++; /* the newline */
        if (n && line[n - 1] == '\r')
            n--;
        line[n] = '\0';
        config_cut_comment(line);
        memset(&it, 0, sizeof(it));
        it.where = where;
        it.line = lineno;
        rc = config_line(&it, line, false, err, errlen);
        if (rc < 0)
            return -1;
        if (rc > 0 && config_apply(c, &it, true, err, errlen))
            return -1;
    }
    return 0;
}

int config_override(struct config *c, const char *arg, char *err, size_t errlen)
{
    static struct config_item it;
    static char line[CONFIG_VALUE_MAX + 256];
    int rc;

    if (strlen(arg) >= sizeof(line))
        return config_fail(err, errlen, "command line: %.40s...: too long",
                           arg);
    memcpy(line, arg, strlen(arg) + 1);
    memset(&it, 0, sizeof(it));
    it.where = "command line";
    rc = config_line(&it, line, true, err, errlen);
    if (rc == 0)
        return config_fail(err, errlen, "command line: an empty override");
    if (rc < 0)
        return -1;
    return config_apply(c, &it, false, err, errlen);
}

int config_check(struct config *c, char *err, size_t errlen)
{
    if (!c->line[CONFIG_KEY_NAME])
        return config_fail(err, errlen, "%s: name: missing (it is required)",
                           c->file);
    if (!c->line[CONFIG_KEY_KERNEL])
        return config_fail(err, errlen, "%s: kernel: missing (it is required)",
                           c->file);
    return 0;
}

int config_load(struct config *c, const char *path, int noverrides,
                char *const overrides[], char *err, size_t errlen)
{
    FILE *f;
    char *buf;
    size_t n;
    int rc;

    config_init(c, path);
    f = fopen(path, "r");
    if (!f)
        return config_fail(err, errlen, "%s: cannot open: %s", path,
                           strerror(errno));
    buf = malloc(CONFIG_FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        return config_fail(err, errlen, "%s: out of memory", path);
    }
    n = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
    fclose(f);
    if (n > CONFIG_FILE_MAX) {
        free(buf);
        return config_fail(err, errlen, "%s: larger than %d KiB", path,
                           CONFIG_FILE_MAX / 1024);
    }
    rc = config_parse(c, buf, n, err, errlen);
    free(buf);
    for (int i = 0; !rc && i < noverrides; i++)
        rc = config_override(c, overrides[i], err, errlen);
    return rc ? rc : config_check(c, err, errlen);
}
