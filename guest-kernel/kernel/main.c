/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Boot: read the start-of-day tree, set up traps and memory, mount the
 * ramdisk, start the first process and enter the scheduler.
 */
#include <libfdt.h>
#include <stddef.h>
#include <string.h>

#include <carapace/console.h>
#include <carapace/startinfo.h>

#include "arch.h"
#include "conback.h"
#include "console.h"
#include "cpio.h"
#include "file.h"
#include "frame.h"
#include "fs.h"
#include "print.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "tmpfs.h"
#include "tty.h"

#define MAIN_ARGV_MAX 16

struct boot_info {
    uint32_t flags;
    const char *name;
    const char *bootargs;
    const char *console;
    uint64_t console_gfn;
    uint32_t console_port;
    uint64_t pt_base;
    uint64_t memory, virt_base, nr_frames, p2m, shared, first_free;
    const void *ramdisk;
    uint64_t ramdisk_size;
};

void kmain(const void *fdt);

/* The root properties kmain reads: each 64-bit one lands in a field of
 * boot_info; the first seven must be there (and 8 bytes long). */
static const struct {
    const char *name;
    size_t off;
} main_si_u64[] = {
    {CARAPACE_SI_MEMORY, offsetof(struct boot_info, memory)},
    {CARAPACE_SI_VIRT_BASE, offsetof(struct boot_info, virt_base)},
    {CARAPACE_SI_NR_FRAMES, offsetof(struct boot_info, nr_frames)},
    {CARAPACE_SI_P2M, offsetof(struct boot_info, p2m)},
    {CARAPACE_SI_SHARED, offsetof(struct boot_info, shared)},
    {CARAPACE_SI_FREE_GFN, offsetof(struct boot_info, first_free)},
    {CARAPACE_SI_PT_BASE, offsetof(struct boot_info, pt_base)},
    {CARAPACE_SI_CONSOLE_GFN, offsetof(struct boot_info, console_gfn)},
};
#define MAIN_SI_REQUIRED 7

/* A string property's value, if it is one (NUL-terminated), else NULL. */
static const char *main_str(const char *p, int len)
{
    return p && len > 0 && p[len - 1] == '\0' ? p : NULL;
}

/* One root property: into b if it is one kmain reads (the first of a
 * name wins, as with fdt_getprop); *found marks the 64-bit ones. */
static void main_si_prop(struct boot_info *b, const char *name, const void *val,
                         int len, unsigned *found)
{
    for (unsigned i = 0; i < sizeof(main_si_u64) / sizeof(main_si_u64[0]); i++)
        if (!(*found & (1u << i)) && strcmp(name, main_si_u64[i].name) == 0) {
            if (len == 8) {
                *(uint64_t *)((char *)b + main_si_u64[i].off) =
                    fdt64_to_cpu(*(const fdt64_t *)val);
                *found |= 1u << i;
            }
            return;
        }
    if (strcmp(name, CARAPACE_SI_FLAGS) == 0 && len == 4)
        b->flags = fdt32_to_cpu(*(const fdt32_t *)val);
    else if (strcmp(name, CARAPACE_SI_CONSOLE_PORT) == 0 && len == 4)
        b->console_port = fdt32_to_cpu(*(const fdt32_t *)val);
    else if (strcmp(name, CARAPACE_SI_NAME) == 0 && !b->name)
        b->name = main_str(val, len);
    else if (strcmp(name, CARAPACE_SI_BOOTARGS) == 0 && !b->bootargs)
        b->bootargs = main_str(val, len);
    else if (strcmp(name, CARAPACE_SI_CONSOLE) == 0 && !b->console)
        b->console = main_str(val, len);
}

/* The start-of-day tree, in one pass over the root's properties: an
 * fdt_getprop per name walks them all again and checks the strings
 * block each time, which cost a domU's boot 120,000 instructions. */
static void main_read_start_info(const void *fdt, struct boot_info *b)
{
    const fdt64_t *reg;
    unsigned found = 0;
    int len, node, off;

    if (fdt_check_header(fdt))
        panic("start info is not a device tree");
    fdt_for_each_property_offset(off, fdt, 0)
    {
        const char *name;
        const void *val = fdt_getprop_by_offset(fdt, off, &name, &len);

        if (val)
            main_si_prop(b, name, val, len, &found);
    }
    for (unsigned i = 0; i < MAIN_SI_REQUIRED; i++)
        if (!(found & (1u << i)))
            panic("start info: no 64-bit '%s'", main_si_u64[i].name);
    node = fdt_subnode_offset(fdt, 0, "module@0");
    reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
    if (reg && len == 16) {
        b->ramdisk = (const void *)fdt64_to_cpu(reg[0]);
        b->ramdisk_size = fdt64_to_cpu(reg[1]);
    }
}

static bool main_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The first process: "init=PATH ARGS..." in the command line, else
 * /bin/sh. argv[0] is the last component of the path. Returns argc. */
static int main_init_argv(const char *bootargs, char *buf, size_t size,
                          char **argv, const char **path)
{
    const char *s = bootargs ? bootargs : "";
    size_t n;
    int argc = 0;

    while (*s && strncmp(s, "init=", 5) != 0) {
        while (*s && !main_space(*s))
            s++;
        while (main_space(*s))
            s++;
    }
    n = strnlen(*s ? s + 5 : "/bin/sh", size - 1);
    memcpy(buf, *s ? s + 5 : "/bin/sh", n);
    buf[n] = '\0';
    for (char *w = buf; *w && argc < MAIN_ARGV_MAX;) {
        argv[argc++] = w;
        while (*w && !main_space(*w))
            w++;
        if (*w)
            *w++ = '\0';
        while (main_space(*w))
            w++;
    }
    if (argc == 0)
        panic("init= names no program");
    *path = argv[0];
    argv[0] = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    return argc;
}

/* Is `word` one of the kernel's own options (the words before init=)? */
static bool main_option(const char *bootargs, const char *word)
{
    size_t n = strlen(word);

    for (const char *s = bootargs ? bootargs : ""; *s;) {
        if (strncmp(s, "init=", 5) == 0)
            return false;
        if (strncmp(s, word, n) == 0 && (!s[n] || main_space(s[n])))
            return true;
        while (*s && !main_space(*s))
            s++;
        while (main_space(*s))
            s++;
    }
    return false;
}

/* Process slots in use. */
static unsigned main_procs(void)
{
    unsigned n = 0;

    for (unsigned i = 0; i < SYS_PROC_MAX; i++)
        n += proc_slot(i)->state != PROC_FREE;
    return n;
}

/*
 * The faultinject option: spawn init with its Nth frame allocation
 * failing, N = 1, 2, ... (frame_fault_arm), until a spawn gets every
 * frame it asks for: that one is init. Each failure must be clean:
 * -ENOMEM, the free frames as before, no process slot taken. The result
 * is one line, "faultinject: spawn PATH points=K clean=C".
 */
static int main_spawn_matrix(const char *path, int argc, char *argv[],
                             struct proc *parent)
{
    unsigned points = 0, clean = 0;
    struct frame_fault f;
    uint64_t n, free;
    int pid;

    for (n = 1;; n++) {
        unsigned procs = main_procs();

        free = frame_free_count();
        frame_fault_arm(n);
        pid = proc_spawn(path, argc, argv, parent);
        frame_fault_get(&f);
        frame_fault_arm(0);
        if (!f.fired)
            break;
        points++;
        if (pid == -SYS_ENOMEM && frame_free_count() == free &&
            main_procs() == procs) {
            clean++;
            continue;
        }
        kprintf("faultinject: spawn %s, allocation %lu: not clean: %d, free "
                "frames %lu before, %lu after, %u processes before, %u "
                "after\n",
                path, (unsigned long)n, pid, (unsigned long)free,
                (unsigned long)frame_free_count(), procs, main_procs());
        if (pid >= 0)
            return pid; /* it got going after all: let it be init */
    }
    kprintf("faultinject: spawn %s points=%u clean=%u (%lu frames)\n", path,
            points, clean, (unsigned long)(free - frame_free_count()));
    return pid;
}

static void main_start_init(const struct boot_info *b)
{
    static char buf[256];
    char *argv[MAIN_ARGV_MAX + 1];
    const char *path;
    int argc = main_init_argv(b->bootargs, buf, sizeof(buf), argv, &path);
    int err = 0, pid;
    struct file *console = file_open("/dev/console", SYS_O_RDWR, &err);
    struct proc parent = {0};

    /* A stand-in parent with the console as fds 0-2, for the child to
     * inherit; the first process has no real parent. */
    if (!console)
        panic("cannot open /dev/console: %d", err);
    for (int fd = 0; fd < 3; fd++)
        parent.fds[fd] = console;
    argv[argc] = NULL;
    if (main_option(b->bootargs, "faultinject"))
        pid = main_spawn_matrix(path, argc, argv, &parent);
    else
        pid = proc_spawn(path, argc, argv, &parent);
    if (pid < 0)
        panic("cannot start %s: error %d", path, -pid);
    file_close(console); /* the child holds its own references */
    proc_find(pid)->ppid = 0;
}

/* The bootprofile option (a word before init=): how long each stage of
 * kmain took, in ns (instructions under -icount), on one line. */
static void main_profile(const struct boot_info *b, const uint64_t *t)
{
    static const char *const stage[] = {"frames", "ramdisk", "services",
                                        "first process"};

    if (!main_option(b->bootargs, "bootprofile"))
        return;
    kprintf("kernel: boot profile (ns):");
    for (unsigned i = 0; i < sizeof(stage) / sizeof(stage[0]); i++)
        kprintf(" %s %lu%s", stage[i], (unsigned long)(t[i + 1] - t[i]),
                i + 1 < sizeof(stage) / sizeof(stage[0]) ? "," : "\n");
}

void kmain(const void *fdt)
{
    struct boot_info b = {0};
    uint64_t t[5];
    bool dom0;
    int files;

    arch_early_init();
    main_read_start_info(fdt, &b);
    arch_init((void *)b.shared, (const void *)b.pt_base);
    t[0] = arch_time_ns(); /* the clock needs arch_init on pv */
    dom0 = b.flags & SIF_INITDOMAIN;
    frame_init(b.virt_base, b.nr_frames, b.first_free, (const uint64_t *)b.p2m);
    if (!dom0)
        console_init(b.console, b.console_gfn, b.console_port);
    t[1] = arch_time_ns();
    files = fs_init(b.ramdisk, b.ramdisk_size);
    if (files < 0)
        kprintf("kernel: ramdisk: %s\n", cpio_strerror(files));
    if (tmpfs_init() < 0)
        kprintf("kernel: no /tmp (the ramdisk has a file of that name)\n");
    t[2] = arch_time_ns();
    kprintf("Carapace guest kernel: %s, %lu MiB, %lu free frames, "
            "ramdisk %lu KiB (%d files)\n",
            dom0     ? "dom0"
            : b.name ? b.name
                     : "domU",
            (unsigned long)(b.memory >> 20), (unsigned long)frame_free_count(),
            (unsigned long)(b.ramdisk_size >> 10), files < 0 ? 0 : files);
    syscall_init(dom0, dom0 ? "dom0" : b.name ? b.name : "domU");
    tty_init(console_has_input());
    if (dom0)
        conback_init();
    proc_init();
    sched_init();
    t[3] = arch_time_ns();
    main_start_init(&b);
    t[4] = arch_time_ns();
    main_profile(&b, t);
    sched_run();
}
