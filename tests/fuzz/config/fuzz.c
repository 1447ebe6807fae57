/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: toolstack/lib/config.c. The input is a config file,
 * parsed with config_parse; its first line is also given to
 * config_override, then config_check runs. Every string of the result
 * must be NUL-terminated in its field, every error message in err.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

static void check_err(const char *err, size_t len)
{
    if (memchr(err, '\0', len) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct config c;
    char err[CONFIG_ERR_MAX], where[64];
    char *text, *nl;
    int k;

    /* An exact-size copy: ASan sees a read past len. */
    text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    config_init(&c, "fuzz.cfg");
    memset(err, 0x5a, sizeof(err));
    if (config_parse(&c, text, size, err, sizeof(err)) != 0)
        check_err(err, sizeof(err));
    free(text);

    /* The first line (without its newline) as a `key=value` override. */
    nl = memchr(data, '\n', size);
    text = malloc((nl ? (size_t)(nl - (const char *)data) : size) + 1);
    if (!text)
        return 0;
    memcpy(text, data, nl ? (size_t)(nl - (const char *)data) : size);
    text[nl ? (size_t)(nl - (const char *)data) : size] = '\0';
    memset(err, 0x5a, sizeof(err));
    if (config_override(&c, text, err, sizeof(err)) != 0)
        check_err(err, sizeof(err));
    free(text);

    memset(err, 0x5a, sizeof(err));
    if (config_check(&c, err, sizeof(err)) != 0)
        check_err(err, sizeof(err));
    if (!TERMINATED(c.name) || !TERMINATED(c.kernel) ||
        !TERMINATED(c.ramdisk) || !TERMINATED(c.cmdline) || !TERMINATED(c.file))
        abort();
    if (c.line[CONFIG_KEY_MEMORY] != 0 &&
        (c.memory_kib < CONFIG_MEMORY_KIB_MIN ||
         c.memory_kib > CONFIG_MEMORY_KIB_MAX || c.memory_kib % 4))
        abort();
    for (k = 0; k < CONFIG_NKEYS; k++) {
        if (!config_key_name((enum config_key)k))
            abort();
        config_where(&c, (enum config_key)k, where, sizeof(where));
        if (!TERMINATED(where))
            abort();
    }
    return 0;
}
