/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: hypervisor/common/bootcfg.c. The input is a boot
 * configuration blob (an FDT module, untrusted), copied to an 8-aligned
 * buffer of its exact size; bootcfg_parse must return a count within max
 * with every domain complete, or an error with a terminated message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootcfg.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX 8

static void check_str(const char *s)
{
    if (s && strlen(s) > (1u << 20))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bootcfg_domain out[MAX];
    char err[128];
    void *blob;
    int n, i;

    log_set_level(LOG_ERROR);
    blob = aligned_alloc(8, (size + 7) & ~(size_t)7);
    if (!blob)
        return 0;
    memcpy(blob, data, size);
    (void)bootcfg_is_config(blob, size);
    memset(err, 0x5a, sizeof(err));
    n = bootcfg_parse(blob, size, out, MAX, err, sizeof(err));
    if (n < 0) {
        if (memchr(err, '\0', sizeof(err)) == NULL)
            abort();
    } else {
        if (n > MAX)
            abort();
        for (i = 0; i < n; i++) {
            if (memchr(out[i].name, '\0', sizeof(out[i].name)) == NULL ||
                !out[i].kernel || out[i].memory_mib < BOOTCFG_MEM_MIN_MIB ||
                out[i].memory_mib > BOOTCFG_MEM_MAX_MIB)
                abort();
            check_str(out[i].kernel);
            check_str(out[i].ramdisk);
            check_str(out[i].bootargs);
            (void)bootcfg_module_matches(out[i].kernel, out[i].kernel);
            if (out[i].bootargs)
                (void)bootcfg_module_matches(out[i].bootargs, out[i].kernel);
        }
    }
    free(blob);
    return 0;
}
