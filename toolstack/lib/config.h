/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Domain configuration files, in the style of xl.cfg: `key = value`
 * lines, strings in double quotes (\" and \\ escape), numbers bare,
 * `#` to the end of the line a comment. Plain C and stdio only, so that
 * the host unit test (tests/unit/config_test.c) builds it too.
 *
 * Every error is one line naming the file, the line, the key and the
 * value: `hello.cfg:3: memory = "lots": not a number of MiB`.
 */
#ifndef CAP_CONFIG_H
#define CAP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_NAME_MAX    32 /* with the NUL (DOMCTL_NAME_MAX) */
#define CONFIG_PATH_MAX    256
#define CONFIG_CMDLINE_MAX 1024
#define CONFIG_MEMORY_MIN  1    /* MiB */
#define CONFIG_MEMORY_MAX  1024 /* MiB */
/* memory_kib: small domains (a test guest built for it), whole frames */
#define CONFIG_MEMORY_KIB_MIN 128
#define CONFIG_MEMORY_KIB_MAX (CONFIG_MEMORY_MAX * 1024)
#define CONFIG_ERR_MAX        384

enum config_action {
    CONFIG_DESTROY,
    CONFIG_RESTART,
    CONFIG_PRESERVE,
};

enum config_key {
    CONFIG_KEY_NAME,
    CONFIG_KEY_MEMORY,
    CONFIG_KEY_KERNEL,
    CONFIG_KEY_RAMDISK,
    CONFIG_KEY_CMDLINE,
    CONFIG_KEY_VCPUS,
    CONFIG_KEY_ON_POWEROFF,
    CONFIG_KEY_ON_REBOOT,
    CONFIG_KEY_ON_CRASH,
    CONFIG_KEY_TYPE,
    CONFIG_KEY_MEMORY_KIB,
    CONFIG_NKEYS,
};

struct config {
    char file[CONFIG_PATH_MAX]; /* for messages */
    char name[CONFIG_NAME_MAX];
    uint64_t memory_kib; /* memory (MiB) or memory_kib; default 16 MiB */
    char kernel[CONFIG_PATH_MAX];
    char ramdisk[CONFIG_PATH_MAX]; /* "": none */
    char cmdline[CONFIG_CMDLINE_MAX];
    unsigned vcpus;                 /* 1 */
    enum config_action on_poweroff; /* destroy */
    enum config_action on_reboot;   /* restart */
    enum config_action on_crash;    /* destroy */
    bool hvm;  /* type = "hvm" (default "pv"): a Multiboot kernel under SVM */
    bool trap; /* type = "trap": the same, in ring 3 by trap-and-emulate */
    /* Where each key was set: its line in the file, CONFIG_LINE_CMDLINE
     * for an override, 0 if never. */
    int line[CONFIG_NKEYS];
};
#define CONFIG_LINE_CMDLINE (-1)

/* Defaults, with file (a name for messages). */
void config_init(struct config *c, const char *file);
/* Parses text (len bytes) into c: 0, or -1 with the message in err. */
int config_parse(struct config *c, const char *text, size_t len, char *err,
                 size_t errlen);
/* One `key=value` from the command line (it wins over the file). */
int config_override(struct config *c, const char *arg, char *err,
                    size_t errlen);
/* After the file and overrides: required keys present. */
int config_check(struct config *c, char *err, size_t errlen);
/* config_init + reading path + config_parse + every override + check. */
int config_load(struct config *c, const char *path, int noverrides,
                char *const overrides[], char *err, size_t errlen);

const char *config_key_name(enum config_key k);
const char *config_action_name(enum config_action a);
/* "hello.cfg:3" or "command line" for where key k was set. */
void config_where(const struct config *c, enum config_key k, char *buf,
                  size_t len);

#endif /* CAP_CONFIG_H */
