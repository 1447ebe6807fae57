/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The toolstack's configuration parser (toolstack/lib/config.c) on the
 * host, with ASan and UBSan: a full file, defaults, comments and escapes,
 * every error message (file:line, key and value), overrides from the
 * command line winning over the file, the domain type ("pv", "hvm" or
 * "trap"), and files on disk (config_load).
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "config.h"

static char err[CONFIG_ERR_MAX];

static int parse(struct config *c, const char *text)
{
    config_init(c, "hello.cfg");
    err[0] = '\0';
    if (config_parse(c, text, strlen(text), err, sizeof(err)))
        return -1;
    return config_check(c, err, sizeof(err));
}

/* The text fails with exactly this message. */
static void bad(const char *text, const char *msg)
{
    struct config c;

    CHECK_EQ(parse(&c, text), -1);
    CHECK_STR(err, msg);
}

static void test_full(void)
{
    struct config c;

    CHECK_EQ(parse(&c, "# a domain\n"
                       "name = \"hello\"   # its name\n"
                       "\n"
                       "memory = 4\n"
                       "kernel=\"/boot/kernel.elf\"\n"
                       "ramdisk = \"/boot/hello.cpio\"\r\n"
                       "cmdline = \"init=/bin/hello a#b \\\"q\\\" \\\\\"\n"
                       "vcpus = 1\n"
                       "on_poweroff = \"preserve\"\n"
                       "on_reboot = \"destroy\"\n"
                       "\ton_crash = \"restart\"\n"),
             0);
    CHECK_STR(c.name, "hello");
    CHECK_EQ(c.memory_kib, 4 * 1024);
    CHECK_STR(c.kernel, "/boot/kernel.elf");
    CHECK_STR(c.ramdisk, "/boot/hello.cpio");
    CHECK_STR(c.cmdline, "init=/bin/hello a#b \"q\" \\");
    CHECK_EQ(c.vcpus, 1);
    CHECK_EQ(c.on_poweroff, CONFIG_PRESERVE);
    CHECK_EQ(c.on_reboot, CONFIG_DESTROY);
    CHECK_EQ(c.on_crash, CONFIG_RESTART);
    CHECK_EQ(c.line[CONFIG_KEY_NAME], 2);
    CHECK_EQ(c.line[CONFIG_KEY_ON_CRASH], 11);
}

static void test_defaults(void)
{
    struct config c;
    char where[64];

    CHECK_EQ(parse(&c, "name = \"a-b_c.9\"\nkernel = \"k\""), 0);
    CHECK_EQ(c.memory_kib, 16 * 1024);
    CHECK_EQ(c.vcpus, 1);
    CHECK_STR(c.ramdisk, "");
    CHECK_STR(c.cmdline, "");
    CHECK_EQ(c.on_poweroff, CONFIG_DESTROY);
    CHECK_EQ(c.on_reboot, CONFIG_RESTART);
    CHECK_EQ(c.on_crash, CONFIG_DESTROY);
    CHECK(!c.hvm); /* type = "pv" */
    CHECK_EQ(c.line[CONFIG_KEY_TYPE], 0);
    config_where(&c, CONFIG_KEY_KERNEL, where, sizeof(where));
    CHECK_STR(where, "hello.cfg:2");
    config_where(&c, CONFIG_KEY_MEMORY, where, sizeof(where));
    CHECK_STR(where, "hello.cfg");
    CHECK_STR(config_key_name(CONFIG_KEY_ON_REBOOT), "on_reboot");
    CHECK_STR(config_action_name(CONFIG_PRESERVE), "preserve");
    config_where(&c, CONFIG_KEY_TYPE, where, sizeof(where));
    CHECK_STR(where, "hello.cfg");
}

/* type = "pv" | "hvm" | "trap": in a file, bad values, and from the
 * command line. */
static void test_type(void)
{
    struct config c;
    char where[64];

    CHECK_STR(config_key_name(CONFIG_KEY_TYPE), "type");
    CHECK_EQ(parse(&c, "name = \"h\"\nkernel = \"k\"\ntype = \"hvm\"\n"), 0);
    CHECK(c.hvm);
    CHECK_EQ(c.line[CONFIG_KEY_TYPE], 3);
    config_where(&c, CONFIG_KEY_TYPE, where, sizeof(where));
    CHECK_STR(where, "hello.cfg:3");
    CHECK_EQ(parse(&c, "type = \"pv\"  # the default\nname = \"p\"\n"
                       "kernel = \"k\"\n"),
             0);
    CHECK(!c.hvm);
    CHECK(!c.trap);
    CHECK_EQ(c.line[CONFIG_KEY_TYPE], 1);
    CHECK_EQ(parse(&c, "name = \"t\"\nkernel = \"k\"\ntype = \"trap\"\n"), 0);
    CHECK(c.trap && !c.hvm);

    /* Refused, naming file:line, the key and the value as written. */
    bad("name = \"x\"\ntype = \"xen\"\n",
        "hello.cfg:2: type = \"xen\": not \"pv\", \"hvm\" or \"trap\"");
    bad("type = \"HVM\"\n",
        "hello.cfg:1: type = \"HVM\": not \"pv\", \"hvm\" or \"trap\"");
    bad("type = \"hvm \"\n",
        "hello.cfg:1: type = \"hvm \": not \"pv\", \"hvm\" or \"trap\"");
    bad("type = \"\"\n",
        "hello.cfg:1: type = \"\": not \"pv\", \"hvm\" or \"trap\"");
    /* A bare word is not a string in a file, even a good one. */
    bad("\ntype = hvm\n",
        "hello.cfg:2: type = hvm: a string in double quotes expected");
    bad("type = pv\n", "hello.cfg:1: type = pv: a string in double quotes "
                       "expected");
    bad("type = 1\n", "hello.cfg:1: type = 1: a string in double quotes "
                      "expected");
    bad("type = \"hvm\"\ntype = \"pv\"\n",
        "hello.cfg:2: type = \"pv\": set twice (first on line 1)");
    bad("type = \"hvm\" x\n",
        "hello.cfg:1: type = \"hvm\": unexpected \"x\" after the value");
    /* A failed line changes nothing. */
    {
        static const char twice[] = "type = \"hvm\"\ntype = \"pv\"\n";

        config_init(&c, "hello.cfg");
        CHECK_EQ(config_parse(&c, twice, strlen(twice), err, sizeof(err)), -1);
    }
    CHECK(c.hvm);
    CHECK_EQ(c.line[CONFIG_KEY_TYPE], 1);

    /* From the command line: bare or quoted, over the file's. */
    CHECK_EQ(parse(&c, "name = \"h\"\nkernel = \"k\"\ntype = \"pv\"\n"), 0);
    CHECK_EQ(config_override(&c, "type=hvm", err, sizeof(err)), 0);
    CHECK(c.hvm);
    CHECK_EQ(c.line[CONFIG_KEY_TYPE], CONFIG_LINE_CMDLINE);
    config_where(&c, CONFIG_KEY_TYPE, where, sizeof(where));
    CHECK_STR(where, "command line");
    CHECK_EQ(config_override(&c, "type=\"pv\"", err, sizeof(err)), 0);
    CHECK(!c.hvm);
    CHECK_EQ(config_override(&c, "type=hvm", err, sizeof(err)), 0);
    CHECK_EQ(config_override(&c, "type=xen", err, sizeof(err)), -1);
    CHECK_STR(err, "command line: type = xen: not \"pv\", \"hvm\" or \"trap\"");
    CHECK(c.hvm); /* unchanged by the failure */
    CHECK_EQ(config_override(&c, "type=", err, sizeof(err)), -1);
    CHECK_STR(err, "command line: type = : no value");
    CHECK_EQ(config_override(&c, "type=\"\"", err, sizeof(err)), -1);
    CHECK_STR(err,
              "command line: type = \"\": not \"pv\", \"hvm\" or \"trap\"");
    CHECK(c.hvm);
}

static void test_errors(void)
{
    const char *k = "kernel = \"k\"\n";
    char big[1200], text[1400];

    bad("name = \"x\"\nkernel = \"k\"\nmemory = \"lots\"\n",
        "hello.cfg:3: memory = \"lots\": not a number of MiB");
    bad("name = \"x\"\nmemory = lots\n",
        "hello.cfg:2: memory = lots: not a number of MiB");
    bad("name = \"x\"\nmemory = \"4\"\n",
        "hello.cfg:2: memory = \"4\": not a number of MiB");
    bad("memory = 0\n",
        "hello.cfg:1: memory = 0: out of range (1 .. 1024 MiB)");
    bad("memory = 1025\n",
        "hello.cfg:1: memory = 1025: out of range (1 .. 1024 MiB)");
    bad("memory = 99999999999999999999999\n",
        "hello.cfg:1: memory = 99999999999999999999999: out of range (1 .. "
        "1024 MiB)");
    bad("memory = -4\n", "hello.cfg:1: memory = -4: not a number of MiB");
    bad("colour = \"blue\"\n", "hello.cfg:1: colour = \"blue\": unknown key");
    bad("name = \"x\"\nname = \"y\"\n",
        "hello.cfg:2: name = \"y\": set twice (first on line 1)");
    bad("name = x\n", "hello.cfg:1: name = x: a string in double quotes "
                      "expected");
    bad("name = \"a b\"\n", "hello.cfg:1: name = \"a b\": not a valid name (1 "
                            "to 31 letters, digits, '-', '_' or '.')");
    bad("name = \"\"\n", "hello.cfg:1: name = \"\": not a valid name (1 to 31 "
                         "letters, digits, '-', '_' or '.')");
    bad("name = \"abcdefghijabcdefghijabcdefghij12\"\n",
        "hello.cfg:1: name = \"abcdefghijabcdefghijabcdefghij12\": not a valid "
        "name (1 to 31 letters, digits, '-', '_' or '.')");
    bad("name = \"x\n", "hello.cfg:1: name = \"x: no closing double quote");
    bad("name = \"x\" y\n",
        "hello.cfg:1: name = \"x\": unexpected \"y\" after the value");
    bad("name\n", "hello.cfg:1: \"name\": not `key = value`");
    bad("\n\n = 4\n", "hello.cfg:3: \"= 4\": not `key = value`");
    bad("name = \n", "hello.cfg:1: name = : no value");
    bad("name = # nothing\n", "hello.cfg:1: name = : no value");
    bad("vcpus = 2\n", "hello.cfg:1: vcpus = 2: only 1 vCPU is supported");
    bad("vcpus = many\n", "hello.cfg:1: vcpus = many: not a number");
    bad("vcpus = \"1\"\n", "hello.cfg:1: vcpus = \"1\": not a number");
    bad("on_crash = \"explode\"\n",
        "hello.cfg:1: on_crash = \"explode\": not \"destroy\", \"restart\" or "
        "\"preserve\"");
    bad("on_poweroff = destroy\n",
        "hello.cfg:1: on_poweroff = destroy: a string in double quotes "
        "expected");
    bad("on_reboot = \"\"\n", "hello.cfg:1: on_reboot = \"\": not "
                              "\"destroy\", \"restart\" or \"preserve\"");
    bad("kernel = \"\"\n", "hello.cfg:1: kernel = \"\": empty");
    bad(k, "hello.cfg: name: missing (it is required)");
    bad("name = \"x\"\n", "hello.cfg: kernel: missing (it is required)");
    bad("name = \"x\"\0kernel = \"k\"\n", "hello.cfg: kernel: missing (it is "
                                          "required)");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    snprintf(text, sizeof(text), "kernel = \"%.300s\"\n", big);
    {
        char want[600];

        snprintf(want, sizeof(want),
                 "hello.cfg:1: kernel = \"%.300s\": too long (at most 255 "
                 "characters)",
                 big);
        bad(text, want);
        snprintf(text, sizeof(text), "cmdline = \"%s\"\n", big);
        snprintf(want, sizeof(want),
                 "hello.cfg:1: cmdline = \"%.39s...: too long", big);
        bad(text, want);
    }
    /* A NUL byte inside the text. */
    {
        struct config c;
        static const char nul[] = "name = \"x\"\nkernel = \"k\0\"\n";

        config_init(&c, "hello.cfg");
        CHECK_EQ(config_parse(&c, nul, sizeof(nul) - 1, err, sizeof(err)), -1);
        CHECK_STR(err, "hello.cfg:2: a NUL byte: not a text file");
    }
}

static void test_overrides(void)
{
    struct config c;

    CHECK_EQ(parse(&c, "name = \"hello\"\nmemory = 4\nkernel = \"k\"\n"), 0);
    CHECK_EQ(config_override(&c, "memory=8", err, sizeof(err)), 0);
    CHECK_EQ(c.memory_kib, 8 * 1024);
    CHECK_EQ(c.line[CONFIG_KEY_MEMORY], CONFIG_LINE_CMDLINE);
    CHECK_EQ(config_override(&c, "name=hello2", err, sizeof(err)), 0);
    CHECK_STR(c.name, "hello2");
    CHECK_EQ(config_override(&c, "name=\"hello3\"", err, sizeof(err)), 0);
    CHECK_STR(c.name, "hello3");
    CHECK_EQ(config_override(&c, "on_crash=restart", err, sizeof(err)), 0);
    CHECK_EQ(c.on_crash, CONFIG_RESTART);
    CHECK_EQ(config_override(&c, "cmdline=init=/bin/sh", err, sizeof(err)), 0);
    CHECK_STR(c.cmdline, "init=/bin/sh");
    CHECK_EQ(config_override(&c, "memory=lots", err, sizeof(err)), -1);
    CHECK_STR(err, "command line: memory = lots: not a number of MiB");
    CHECK_EQ(c.memory_kib, 8 * 1024); /* unchanged by the failure */
    CHECK_EQ(config_override(&c, "size=3", err, sizeof(err)), -1);
    CHECK_STR(err, "command line: size = 3: unknown key");
    CHECK_EQ(config_override(&c, "memory", err, sizeof(err)), -1);
    CHECK_STR(err, "command line: \"memory\": not `key = value`");
    CHECK_EQ(config_override(&c, "memory=", err, sizeof(err)), -1);
    CHECK_STR(err, "command line: memory = : no value");
    CHECK_EQ(config_override(&c, "", err, sizeof(err)), -1);
    CHECK_STR(err, "command line: an empty override");
    CHECK_EQ(config_override(&c, "vcpus=2", err, sizeof(err)), -1);
    CHECK_STR(err, "command line: vcpus = 2: only 1 vCPU is supported");
}

static void test_files(void)
{
    char dir[] = "/tmp/config_testXXXXXX", path[64], missing[80];
    char *ov[] = {"memory=32", "on_reboot=preserve"};
    char *hvmov[] = {"type=hvm"};
    char *badov[] = {"memory=0"};
    struct config c;
    FILE *f;

    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof(path), "%s/ok.cfg", dir);
    f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("name = \"ok\"\nmemory = 4\nkernel = \"/boot/kernel.elf\"\n", f);
    fclose(f);
    CHECK_EQ(config_load(&c, path, 2, ov, err, sizeof(err)), 0);
    CHECK_EQ(c.memory_kib, 32 * 1024);
    CHECK_EQ(c.on_reboot, CONFIG_PRESERVE);
    CHECK_STR(c.name, "ok");
    CHECK(!c.hvm);
    CHECK_EQ(config_load(&c, path, 1, hvmov, err, sizeof(err)), 0);
    CHECK(c.hvm);
    CHECK_EQ(c.line[CONFIG_KEY_TYPE], CONFIG_LINE_CMDLINE);
    CHECK_EQ(config_load(&c, path, 1, badov, err, sizeof(err)), -1);
    CHECK_STR(err, "command line: memory = 0: out of range (1 .. 1024 MiB)");
    snprintf(missing, sizeof(missing), "%s/none.cfg", dir);
    CHECK_EQ(config_load(&c, missing, 0, NULL, err, sizeof(err)), -1);
    {
        char want[160];

        snprintf(want, sizeof(want),
                 "%s: cannot open: No such file or directory", missing);
        CHECK_STR(err, want);
    }
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    test_full();
    test_defaults();
    test_errors();
    test_overrides();
    test_type();
    test_files();
    return check_finish();
}
