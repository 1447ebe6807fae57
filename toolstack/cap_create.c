/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cap create, cap monitor (the background process that applies
 * on_poweroff, on_reboot and on_crash) and cap cycle (testing).
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <carapace/sched.h>

#include "cap.h"
#include "carapace_os.h"

#define CAP_FILE_MAX (64u << 20)

/* Images read by this cap process, by path: `cap cycle`, `cap bench` and
 * a monitor's restarts build from the same kernel and ramdisk again and
 * again, and reading 1 MiB through dom0's kernel costs more than building
 * the domain (docs/benchmarks.md). A cap process is short-lived, or (a
 * monitor) restarts one domain: an image replaced on disk is seen by the
 * next cap, not by this one. */
#define CAP_CACHE 4
static struct {
    char path[CONFIG_PATH_MAX];
    void *data;
    size_t size;
} cap_cache[CAP_CACHE];
static unsigned cap_cache_next;

/* Reads the file of config key k (kernel, ramdisk) whole, in one read of
 * its size (or from the cache): the buffer stays the cache's. */
static void *cap_read(const struct config *c, enum config_key k,
                      const char *path, size_t *size)
{
    char where[CONFIG_PATH_MAX + 32];
    struct stat st;
    size_t n = 0;
    char *buf;
    int fd;

    for (unsigned i = 0; i < CAP_CACHE; i++)
        if (cap_cache[i].data && strcmp(cap_cache[i].path, path) == 0) {
            *size = cap_cache[i].size;
            return cap_cache[i].data;
        }
    config_where(c, k, where, sizeof(where));
    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0) {
        cap_error("%s: %s = \"%s\": cannot open: %s", where, config_key_name(k),
                  path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (st.st_size > CAP_FILE_MAX) {
        close(fd);
        cap_error("%s: %s = \"%s\": larger than %u MiB", where,
                  config_key_name(k), path, CAP_FILE_MAX >> 20);
        return NULL;
    }
    /* Page-aligned: an ELF segment's bytes then sit at the same page
     * offset as their destination, and the ramdisk at offset 0, so each
     * page is one piece of a DOMCTL_copy, not two (build.c). */
    buf = memalign(4096, st.st_size ? (size_t)st.st_size : 1);
    while (buf && n < (size_t)st.st_size) {
        ssize_t got = read(fd, buf + n, (size_t)st.st_size - n);

        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    if (!buf || n != (size_t)st.st_size) {
        cap_error("%s: %s = \"%s\": %s", where, config_key_name(k), path,
                  buf ? "cannot read it whole" : "out of memory reading it");
        free(buf);
        return NULL;
    }
    free(cap_cache[cap_cache_next].data);
    cap_cache[cap_cache_next].data = buf;
    cap_cache[cap_cache_next].size = n;
    snprintf(cap_cache[cap_cache_next].path, CONFIG_PATH_MAX, "%s", path);
    cap_cache_next = (cap_cache_next + 1) % CAP_CACHE;
    *size = n;
    return buf;
}

/* c's memory for messages: "4 MiB", or "256 KiB" when not whole MiB. */
static const char *cap_mem(const struct config *c, char *buf, size_t len)
{
    if (c->memory_kib % 1024)
        snprintf(buf, len, "%llu KiB", (unsigned long long)c->memory_kib);
    else
        snprintf(buf, len, "%llu MiB",
                 (unsigned long long)(c->memory_kib / 1024));
    return buf;
}

/* A build's error, naming the config line it comes from where it can. */
static int cap_build_error(const struct config *c, const char *err)
{
    char where[CONFIG_PATH_MAX + 32];

    if (strncmp(err, "image: ", 7) == 0 &&
        (strstr(err, "too small") || strstr(err, "an hvm domain has"))) {
        bool kib = c->line[CONFIG_KEY_MEMORY_KIB] != 0;

        config_where(c, kib ? CONFIG_KEY_MEMORY_KIB : CONFIG_KEY_MEMORY, where,
                     sizeof(where));
        return cap_error(
            "%s: %s = %llu: %s", where, kib ? "memory_kib" : "memory",
            (unsigned long long)(kib ? c->memory_kib : c->memory_kib / 1024),
            err + 7);
    }
    if (strncmp(err, "image: ", 7) == 0) {
        config_where(c, CONFIG_KEY_KERNEL, where, sizeof(where));
        return cap_error("%s: kernel = \"%s\": %s", where, c->kernel, err + 7);
    }
    return cap_error("%s: domain %s: %s", c->file, c->name, err);
}

/* cap bench's profile of the last build: reading the files, then each
 * step (build_result.stage_ns), when cap_profile is set. */
static bool cap_profile;
static uint64_t cap_read_ns, cap_stage_ns[BUILD_NSTEPS];
/* cap_create_console_later(): dom0 attaches consoles on demand. */
static bool cap_console_later;

void cap_create_console_later(bool on)
{
    cap_console_later = on;
}

static uint64_t cap_clock(void)
{
    return sys_uptime();
}

static int cap_name_taken(const struct config *c,
                          const struct domctl_domaininfo *d)
{
    char where[CONFIG_PATH_MAX + 32];

    config_where(c, CONFIG_KEY_NAME, where, sizeof(where));
    return cap_error("%s: name = \"%s\": domain %u has that name", where,
                     c->name, d->domid);
}

/* Read the images and build (or, dry, only plan) the domain of c; errors
 * say which line of the file is at fault where one is. */
static int cap_build(const struct config *c, bool paused, int fail_at, bool dry,
                     struct build_result *r)
{
    struct build_params p = {
        .name = c->name,
        .memory_bytes = c->memory_kib << 10,
        .cmdline = c->cmdline,
        .paused = paused,
        .hvm = c->hvm,
        .console_later = cap_console_later,
        .trap = c->trap,
        .fail_at = fail_at,
    };
    struct domctl_domaininfo d;
    char err[CONFIG_ERR_MAX];
    void *kernel, *ramdisk = NULL;
    int rc;

    /* A name in use: said with the domain that has it. Only -n asks
     * first; a create finds out from createdomain (-EEXIST), so that it
     * does not walk every domain (cap density makes thousands). */
    if (dry && cap_find_quiet(c->name, &d) == 0)
        return cap_name_taken(c, &d);
    uint64_t t0 = sys_uptime();

    if (cap_profile)
        p.clock = cap_clock;
    kernel = cap_read(c, CONFIG_KEY_KERNEL, c->kernel, &p.kernel_size);
    if (!kernel)
        return CAP_FAIL;
    if (c->ramdisk[0]) {
        ramdisk = cap_read(c, CONFIG_KEY_RAMDISK, c->ramdisk, &p.ramdisk_size);
        if (!ramdisk)
            return CAP_FAIL;
    }
    p.kernel = kernel;
    p.ramdisk = ramdisk;
    cap_read_ns = sys_uptime() - t0;
    rc = dry ? build_plan(&p, r, err, sizeof(err))
             : build_domain(cap_domctl, &p, r, err, sizeof(err));
    memcpy(cap_stage_ns, r->stage_ns, sizeof(cap_stage_ns));
    /* err is "step: cause" (build.h): was it createdomain that refused? */
    if (rc && !dry &&
        strncmp(err, build_step_name(BUILD_CREATE),
                strlen(build_step_name(BUILD_CREATE))) == 0 &&
        cap_find_quiet(c->name, &d) == 0)
        return cap_name_taken(c, &d);
    return rc ? cap_build_error(c, err) : CAP_OK;
}

int cap_create_domain(const struct config *c, bool paused, int fail_at,
                      uint32_t *domid)
{
    struct build_result r;
    int rc = cap_build(c, paused, fail_at, false, &r);

    if (rc == CAP_OK)
        *domid = r.domid;
    return rc;
}

/* cap create -n for an hvm domain: its guest-physical layout. */
static int cap_create_dry_hvm(const struct config *c,
                              const struct build_result *r)
{
    const struct multiboot_layout *l = &r->hvm_layout;

    char mem[32];

    printf("Domain %s: %s, %s, 1 vCPU, kernel %s (Multiboot, %sentry "
           "%#llx)%s%s\n",
           c->name, c->trap ? "trap" : "hvm", cap_mem(c, mem, sizeof(mem)),
           c->kernel, c->trap ? "long-mode " : "", (unsigned long long)r->entry,
           c->ramdisk[0] ? ", ramdisk " : "", c->ramdisk);
    printf("  cmdline \"%s\"; on_poweroff %s, on_reboot %s, on_crash %s\n",
           c->cmdline, config_action_name(c->on_poweroff),
           config_action_name(c->on_reboot), config_action_name(c->on_crash));
    printf("  frames %llu: RAM 0..%llu, Multiboot info at %#llx, module at "
           "%#llx, shared info %llu, console %llu\n",
           (unsigned long long)l->nr, (unsigned long long)l->ram_frames - 1,
           (unsigned long long)l->info_gpa, (unsigned long long)l->mod_gpa,
           (unsigned long long)l->shared_gfn,
           (unsigned long long)l->console_gfn);
    printf("Nothing created (-n).\n");
    return CAP_OK;
}

/* cap create -n: what would be made, and where its pieces would go. */
static int cap_create_dry(const struct config *c)
{
    struct build_result r;
    const struct domlayout *l = &r.layout;
    char mem[32];

    if (cap_build(c, false, -1, true, &r))
        return CAP_FAIL;
    if (c->hvm || c->trap)
        return cap_create_dry_hvm(c, &r);
    printf("Domain %s: %s, %u vCPU, kernel %s (ABI %u.%u, entry %#llx)"
           "%s%s\n",
           c->name, cap_mem(c, mem, sizeof(mem)), c->vcpus, c->kernel,
           r.abi_version >> 16, r.abi_version & 0xffff,
           (unsigned long long)r.entry, c->ramdisk[0] ? ", ramdisk " : "",
           c->ramdisk);
    printf("  cmdline \"%s\"; on_poweroff %s, on_reboot %s, on_crash %s\n",
           c->cmdline, config_action_name(c->on_poweroff),
           config_action_name(c->on_reboot), config_action_name(c->on_crash));
    printf("  frames %llu at %#llx: start info %llu, shared info %llu, p2m "
           "%llu (+%llu), page tables %llu (+%llu), stack %llu, console %llu, "
           "modules %llu, free from %llu\n",
           (unsigned long long)l->nr, (unsigned long long)l->virt_base,
           (unsigned long long)l->si_gfn, (unsigned long long)l->shared_gfn,
           (unsigned long long)l->p2m_gfn, (unsigned long long)l->p2m_frames,
           (unsigned long long)l->pt_gfn, (unsigned long long)l->pt_frames,
           (unsigned long long)l->stack_gfn, (unsigned long long)l->console_gfn,
           (unsigned long long)l->mod_gfn, (unsigned long long)l->free_gfn);
    printf("Nothing created (-n).\n");
    return CAP_OK;
}

static bool cap_needs_monitor(const struct config *c)
{
    return c->on_poweroff != CONFIG_PRESERVE ||
           c->on_reboot != CONFIG_PRESERVE || c->on_crash != CONFIG_PRESERVE;
}

/* Why a monitor could not start: the dom0 limit it hit. */
static const char *cap_spawn_why(int err)
{
    static char why[96];

    if (err == EAGAIN)
        snprintf(why, sizeof(why),
                 "dom0 runs at most %d processes at once, and has that many",
                 SYS_PROC_MAX);
    else if (err == ENOMEM)
        snprintf(why, sizeof(why), "dom0 has no memory left for it");
    else
        snprintf(why, sizeof(why), "%s", strerror(err));
    return why;
}

/* Starts the domain's monitor; if it cannot, the domain goes too (a
 * domain whose on_* actions would never run is half made). */
static int cap_spawn_monitor(uint32_t domid, const struct config *c,
                             const char *file, int nov, char **ov)
{
    char id[16], *argv[SYS_ARGV_MAX + 1];
    int n = 0, pid, err;

    snprintf(id, sizeof(id), "%u", domid);
    argv[n++] = "cap";
    argv[n++] = "monitor";
    argv[n++] = id;
    argv[n++] = (char *)file;
    for (int i = 0; i < nov && n < SYS_ARGV_MAX; i++)
        argv[n++] = ov[i];
    argv[n] = NULL;
    pid = sys_spawn("/bin/cap", argv, 0);
    if (pid >= 0)
        return CAP_OK;
    err = errno;
    cap_domctl(DOMCTL_destroy, (void *)(uintptr_t)domid);
    return cap_error("domain %u (%s): cannot start its monitor: %s; the "
                     "domain is destroyed",
                     domid, c->name, cap_spawn_why(err));
}

int cmd_create(int argc, char **argv)
{
    bool console = false, paused = false, monitor = true, dry = false;
    int fail_at = -1, i;
    struct config c;
    char err[CONFIG_ERR_MAX];
    uint32_t domid;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-c") == 0)
            console = true;
        else if (strcmp(argv[i], "-p") == 0)
            paused = true;
        else if (strcmp(argv[i], "-M") == 0)
            monitor = false;
        else if (strcmp(argv[i], "-n") == 0)
            dry = true;
        else if (strcmp(argv[i], "--fail-at") == 0 && i + 1 < argc) {
            fail_at = -1;
            for (int s = 0; s < BUILD_NSTEPS; s++)
                if (strcmp(argv[i + 1], build_step_name(s)) == 0)
                    fail_at = s;
            if (fail_at < 0)
                return CAP_USAGE;
            i++;
        } else
            return CAP_USAGE;
    }
    if (i >= argc)
        return CAP_USAGE;
    if (config_load(&c, argv[i], argc - i - 1, argv + i + 1, err, sizeof(err)))
        return cap_error("%s", err);
    if (dry)
        return cap_create_dry(&c);
    if (cap_create_domain(&c, paused, fail_at, &domid))
        return CAP_FAIL;
    if (monitor && cap_needs_monitor(&c) &&
        cap_spawn_monitor(domid, &c, argv[i], argc - i - 1, argv + i + 1))
        return CAP_FAIL;
    printf("Domain %u (%s) created%s\n", domid, c.name,
           paused ? ", paused" : "");
    fflush(stdout);
    if (console)
        return cap_console_attach(domid, c.name);
    return CAP_OK;
}

/* A domain that stops within CAP_RESTART_FAST_NS of its (re)start, and
 * does so CAP_RESTART_MAX times in a row, is not restarted again: a
 * domain that crashes while it boots would otherwise be rebuilt for ever
 * (the same idea as systemd's start limit). It is kept stopped instead,
 * for cap list to show and cap destroy to remove. */
#define CAP_RESTART_FAST_NS 10000000000ull /* 10 s of dom0's uptime */
#define CAP_RESTART_MAX     5

struct cap_watch {
    uint32_t domid;      /* the domain watched now; 0: done */
    uint64_t started_ns; /* when it was (re)started */
    unsigned fast;       /* restarts in a row that stopped fast */
};

/* Restart allowed? Counts a fast stop; prints why not when not. */
static bool cap_monitor_may_restart(struct cap_watch *w,
                                    const struct domctl_domaininfo *d)
{
    if (sys_uptime() - w->started_ns >= CAP_RESTART_FAST_NS) {
        w->fast = 0;
        return true;
    }
    if (w->fast < CAP_RESTART_MAX) {
        w->fast++;
        return true;
    }
    printf("cap: domain %u (%s) restarted %u times, each stopping within "
           "%llu s: restart limit reached, kept stopped (cap destroy "
           "removes it)\n",
           d->domid, d->name, CAP_RESTART_MAX,
           (unsigned long long)(CAP_RESTART_FAST_NS / 1000000000ull));
    fflush(stdout);
    return false;
}

/* Applies the configured action once the watched domain d has stopped;
 * w->domid becomes the restarted domain's id, or 0 to end. */
static void cap_monitor_act(const struct config *c, struct cap_watch *w,
                            const struct domctl_domaininfo *d)
{
    static const char *const why[] = {"powered off", "rebooted", "crashed"};
    uint32_t reason =
        d->state == DOMCTL_STATE_CRASHED ? SHUTDOWN_crash : d->shutdown_reason;
    enum config_action a = reason == SHUTDOWN_poweroff ? c->on_poweroff
                           : reason == SHUTDOWN_reboot ? c->on_reboot
                                                       : c->on_crash;

    w->domid = 0;
    printf("cap: domain %u (%s) %s: %s\n", d->domid, d->name,
           reason < 3 ? why[reason] : "stopped", config_action_name(a));
    fflush(stdout);
    if (a == CONFIG_PRESERVE ||
        (a == CONFIG_RESTART && !cap_monitor_may_restart(w, d)))
        return;
    /* Whoever destroys the stopped domain first wins: if cap destroy did,
     * the restart policy ends with it. */
    if (cap_domctl(DOMCTL_destroy, (void *)(uintptr_t)d->domid) < 0 ||
        a == CONFIG_DESTROY)
        return;
    if (cap_create_domain(c, false, -1, &w->domid))
        return;
    w->started_ns = sys_uptime();
    printf("Domain %u (%s) created (restarted)\n", w->domid, c->name);
    fflush(stdout);
}

int cmd_monitor(int argc, char **argv)
{
    struct cap_watch w = {.started_ns = sys_uptime()};
    struct config c;
    char err[CONFIG_ERR_MAX], *end;

    if (argc < 3)
        return CAP_USAGE;
    w.domid = (uint32_t)strtoul(argv[1], &end, 10);
    if (*end || !w.domid)
        return CAP_USAGE;
    if (config_load(&c, argv[2], argc - 3, argv + 3, err, sizeof(err)))
        return cap_error("%s", err);
    while (w.domid) {
        struct domctl_domaininfo d;

        sys_sleep(CAP_POLL_NS);
        if (cap_info(w.domid, &d) || strcmp(d.name, c.name) != 0)
            return CAP_OK; /* destroyed by someone else */
        if (d.state == DOMCTL_STATE_SHUTDOWN || d.state == DOMCTL_STATE_CRASHED)
            cap_monitor_act(&c, &w, &d);
    }
    return CAP_OK;
}

int cmd_cycle(int argc, char **argv)
{
    struct config c;
    char err[CONFIG_ERR_MAX], *end;
    unsigned long n;
    uint64_t before = 0, after;

    if (argc < 3)
        return CAP_USAGE;
    n = strtoul(argv[1], &end, 10);
    if (*end || n == 0)
        return CAP_USAGE;
    if (config_load(&c, argv[2], argc - 3, argv + 3, err, sizeof(err)))
        return cap_error("%s", err);
    /* One cycle first, uncounted: dom0's one-time allocations (its
     * event-channel port table, at the first console it binds) are not
     * leaks. */
    for (unsigned long i = 0; i <= n; i++) {
        if (i == 1) {
            sys_sleep(200000000ull);
            before = cap_free_frames();
        }
        uint32_t domid;
        long rc;

        if (cap_create_domain(&c, false, -1, &domid))
            return cap_error("cycle %lu failed", i + 1);
        rc = cap_domctl(DOMCTL_destroy, (void *)(uintptr_t)domid);
        if (rc < 0)
            return cap_error("cycle %lu: destroy: %s", i + 1,
                             strerror((int)-rc));
    }
    /* dom0's back end unmaps the last console ring when it sees the
     * domain gone: give it up to 2 s. */
    for (int t = 0; t < 20 && cap_free_frames() != before; t++)
        sys_sleep(CAP_POLL_NS);
    after = cap_free_frames();
    printf("cycle: %lu creates and destroys: free frames %llu before, %llu "
           "after\n",
           n, (unsigned long long)before, (unsigned long long)after);
    return before == after ? CAP_OK : cap_error("frames leaked");
}

/* The profile of the create just measured, which took total ns. */
static void cap_bench_stages(uint64_t total)
{
    uint64_t built = cap_read_ns;

    printf("bench:   read kernel and ramdisk: %llu ns\n",
           (unsigned long long)cap_read_ns);
    for (int s = 0; s < BUILD_NSTEPS; s++) {
        if (!cap_stage_ns[s])
            continue;
        built += cap_stage_ns[s];
        printf("bench:   %s%s: %llu ns\n", build_step_name(s),
               s == BUILD_POPULATE  ? " (with createdomain, set_max_mem)"
               : s == BUILD_CONTEXT ? " (with unpause)"
                                    : "",
               (unsigned long long)cap_stage_ns[s]);
    }
    printf("bench:   the domain's boot to its first byte (and the rest): "
           "%llu ns\n",
           (unsigned long long)(total > built ? total - built : 0));
}

/* cap bench FILE: from create to the domain's first console byte, from
 * destroy to its memory being free again, then how many such domains fit
 * at once (created paused until memory runs out). Times are the domain's
 * uptime clock: instructions under -icount shift=0. */
int cmd_bench(int argc, char **argv)
{
    struct config c;
    char err[CONFIG_ERR_MAX], path[48], ch;
    uint64_t t0 = 0, t1 = 0, t2, t3, before = 0;
    uint32_t domid, ids[1024];
    unsigned n = 0;
    char mem[32];
    int fd;

    if (argc != 2)
        return CAP_USAGE;
    if (config_load(&c, argv[1], 0, NULL, err, sizeof(err)))
        return cap_error("%s", err);
    cap_profile = true;
    /* The figures are for a scrubbed pool: freed memory (and, unless
     * bootscrub=no, the boot's) is zeroed while the machine idles, and
     * how much is left when a command arrives depends on wall time. */
    for (int t = 0; t < 100 && cap_dirty_frames(); t++)
        sys_sleep(CAP_POLL_NS);
    /* Twice: the first run warms up (dom0's one-time port table). */
    for (int run = 0; run < 2; run++) {
        if (run) {
            sys_sleep(200000000ull);
            before = cap_free_frames();
        }
        t0 = sys_uptime();
        if (cap_create_domain(&c, false, -1, &domid))
            return CAP_FAIL;
        snprintf(path, sizeof(path), "/dev/dom/%u/console", domid);
        fd = open(path, O_RDONLY);
        if (fd < 0 || read(fd, &ch, 1) != 1)
            return cap_error("%s: %s", path, strerror(errno));
        t1 = sys_uptime();
        close(fd);
        if (!run) {
            printf("bench: first create (images read) to first console "
                   "byte: %llu ns\n",
                   (unsigned long long)(t1 - t0));
            cap_domctl(DOMCTL_destroy, (void *)(uintptr_t)domid);
        }
    }
    t2 = sys_uptime();
    cap_domctl(DOMCTL_destroy, (void *)(uintptr_t)domid);
    while (cap_free_frames() != before)
        sys_yield();
    t3 = sys_uptime();
    printf("bench: create to first console byte (images cached): %llu ns\n",
           (unsigned long long)(t1 - t0));
    cap_bench_stages(t1 - t0);
    printf("bench: destroy to memory free: %llu ns\n",
           (unsigned long long)(t3 - t2));
    for (; n < 1024; n++) {
        char name[CONFIG_NAME_MAX];

        snprintf(name, sizeof(name), "%.20s-%u", c.name, n);
        strcpy(c.name, name);
        if (cap_create_domain(&c, true, -1, &ids[n]))
            break;
        c.name[strlen(c.name) -
               (strrchr(c.name, '-') ? strlen(strrchr(c.name, '-')) : 0)] =
            '\0';
    }
    printf("bench: %u domains of %s at once; free frames left: %llu\n", n,
           cap_mem(&c, mem, sizeof(mem)),
           (unsigned long long)cap_free_frames());
    for (unsigned i = 0; i < n; i++)
        cap_domctl(DOMCTL_destroy, (void *)(uintptr_t)ids[i]);
    printf("bench: all destroyed: free frames %llu (before: %llu)\n",
           (unsigned long long)cap_free_frames(), (unsigned long long)before);
    return CAP_OK;
}
