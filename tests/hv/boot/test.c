/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A clean boot: the frame table agrees with the memory QEMU was given
 * (test.mem= on the command line, same as the runner's -m), the boot module
 * arrived with its arguments and is reserved, and the allocator works.
 */
#include <string.h>

#include "addr.h"
#include "arch.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "format.h"
#include "frame.h"
#include "log.h"
#include "main.h"
#include "selftest.h"

#define MODULE_TEXT "carapace boot module\n"

static char boot_why[160];

static int boot_fail(const char *what, uint64_t a, uint64_t b)
{
    format_snprintf(boot_why, sizeof(boot_why), "%s (%#lx vs %#lx)", what, a,
                    b);
    return -1;
}

static int boot_check_memory(const void *fdt)
{
    uint64_t mem, ram = frame_count_ram() * PAGE_SIZE;

    if (cmdline_get_u64(bootinfo_cmdline(fdt), "test.mem", &mem) < 0)
        return boot_fail("no test.mem= on the command line", 0, 0);
    /* Firmware keeps a few hundred KiB: RAM is a little under -m. */
    if (ram > mem || ram < mem - 2 * 1024 * 1024)
        return boot_fail("RAM frames do not match -m", ram, mem);
    if (frame_count_free() + frame_count_owned(FRAME_OWNER_HYP) !=
        frame_count_ram())
        return boot_fail("free + reserved != RAM", frame_count_free(),
                         frame_count_ram());
    log_info("boot test: %lu RAM frames for -m %lu MiB\n", frame_count_ram(),
             mem >> 20);
    return frame_check();
}

static int boot_check_module(const void *fdt)
{
    struct bootinfo_module m;
    const struct frame *f;

    if (bootinfo_module_count(fdt) != 1 || bootinfo_module_get(fdt, 0, &m))
        return boot_fail("expected one boot module", 0, 0);
    if (!cmdline_has(m.cmdline, "arg1") || !cmdline_has(m.cmdline, "arg2"))
        return boot_fail("module arguments lost", 0, 0);
    if (m.size != strlen(MODULE_TEXT) ||
        memcmp(arch_phys_to_virt(m.start), MODULE_TEXT, m.size) != 0)
        return boot_fail("module content differs", m.size, 0);
    f = frame_get(pa_to_mfn(pa_init(m.start)));
    if (!f || f->owner != FRAME_OWNER_HYP)
        return boot_fail("module frame is not reserved", m.start, 0);
    return 0;
}

static int boot_check_alloc(void)
{
    uint64_t before = frame_count_free();
    mfn_t m = frame_alloc(3, 7);

    if (!mfn_valid(m) || frame_get(m)->owner != 7 ||
        frame_count_free() != before - 8)
        return boot_fail("frame_alloc(order 3)", frame_count_free(), before);
    if (frame_free(m, 3) != 0 || frame_count_free() != before)
        return boot_fail("frame_free(order 3)", frame_count_free(), before);
    if (frame_free(m, 3) == 0)
        return boot_fail("double free accepted", 0, 0);
    return frame_check();
}

void selftest_main(void)
{
    const void *fdt = main_bootinfo();
    int err = boot_check_memory(fdt);

    if (!err)
        err = boot_check_module(fdt);
    if (!err)
        err = boot_check_alloc();
    if (err && !boot_why[0])
        format_snprintf(boot_why, sizeof(boot_why), "frame_check: %d", err);
    selftest_result(err ? SELFTEST_FAILURE : SELFTEST_SUCCESS, boot_why);
    /* The module is a text file, not a dom0 kernel: stop here. */
    arch_exit(ARCH_EXIT_POWEROFF);
}
