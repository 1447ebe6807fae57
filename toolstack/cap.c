/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cap: the Carapace toolstack's command, a user program in dom0. Each
 * command is a function taking its own argv; exit status 0 ok, 1 failure
 * (with a message "cap: COMMAND: cause"), 2 usage. docs/toolstack.md
 * documents every command.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <carapace/abi.h>
#include <carapace/sched.h>

#include "cap.h"
#include "carapace_os.h"

const char *cap_cmd = NULL;

/* libfdt (Debian's) reads a stack canary at %fs:0x28: FS points here. */
static uint64_t cap_tls[32] __attribute__((aligned(64)));

void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
    fprintf(stderr, "cap: stack smashing detected\n");
    _exit(CAP_FAIL);
}

long cap_domctl(uint64_t op, void *arg)
{
    return sys_domctl(op, arg);
}

int cap_error(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("cap: ", stderr);
    if (cap_cmd)
        fprintf(stderr, "%s: ", cap_cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CAP_FAIL;
}

/* The domain with the lowest id >= domid: 0, or -1 past the last. */
static int cap_info_next(uint32_t domid, struct domctl_domaininfo *info)
{
    memset(info, 0, sizeof(*info));
    info->domid = domid;
    return cap_domctl(DOMCTL_getdomaininfo, info) < 0 ? -1 : 0;
}

int cap_info(uint32_t domid, struct domctl_domaininfo *info)
{
    memset(info, 0, sizeof(*info));
    info->domid = domid;
    if (cap_domctl(DOMCTL_getdomaininfo, info) < 0 || info->domid != domid)
        return -1;
    return 0;
}

int cap_find_quiet(const char *name, struct domctl_domaininfo *info)
{
    /* dom0 is "dom0" to the hypervisor and "Domain-0" in cap's tables. */
    if (strcmp(name, "Domain-0") == 0)
        return cap_info(0, info);
    for (uint32_t next = 0;;) {
        memset(info, 0, sizeof(*info));
        info->domid = next;
        if (cap_domctl(DOMCTL_getdomaininfo, info) < 0)
            return -1;
        if (strncmp(info->name, name, DOMCTL_NAME_MAX) == 0)
            return 0;
        next = info->domid + 1;
    }
}

int cap_find(const char *what, struct domctl_domaininfo *info)
{
    char *end;
    unsigned long id;

    if (*what && strspn(what, "0123456789") == strlen(what)) {
        id = strtoul(what, &end, 10);
        if (id > 0xffffffffu || cap_info((uint32_t)id, info)) {
            cap_error("no domain with id %s", what);
            return -1;
        }
        return 0;
    }
    if (cap_find_quiet(what, info) == 0)
        return 0;
    cap_error("no domain named '%s'", what);
    return -1;
}

char cap_state_letter(uint32_t state)
{
    static const char letters[] = "rbpscd";

    return state < 6 ? letters[state] : '?';
}

const char *cap_state_name(uint32_t state)
{
    static const char *const names[] = {"running",  "blocked", "paused",
                                        "shutdown", "crashed", "dying"};

    return state < 6 ? names[state] : "unknown";
}

uint64_t cap_dirty_frames(void)
{
    struct domctl_physinfo pi;

    memset(&pi, 0, sizeof(pi));
    if (cap_domctl(DOMCTL_physinfo, &pi) < 0)
        return 0;
    return pi.dirty_frames;
}

uint64_t cap_free_frames(void)
{
    struct domctl_physinfo pi;

    memset(&pi, 0, sizeof(pi));
    if (cap_domctl(DOMCTL_physinfo, &pi) < 0)
        return 0;
    return pi.free_frames;
}

static bool cap_help_asked(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

/* --- list ---------------------------------------------------------------- */

/* One row of cap list (and its -l columns). */
static void cap_list_row(const struct domctl_domaininfo *d, bool lng)
{
    static const char *const why[] = {"poweroff", "reboot", "crash"};
    char state[7] = "------";

    if (d->state < 6)
        state[d->state] = cap_state_letter(d->state);
    printf("%-24.31s %4u %6llu %5u %5s %9.1f", d->domid ? d->name : "Domain-0",
           d->domid, (unsigned long long)(d->memory_bytes >> 20), d->nr_vcpus,
           state, (double)d->cpu_time_ns / 1e9);
    if (lng)
        printf(" %10llu %5u %8s", (unsigned long long)d->hypercalls,
               d->console_port,
               d->state == DOMCTL_STATE_SHUTDOWN ||
                       d->state == DOMCTL_STATE_CRASHED
                   ? (d->shutdown_reason < 3 ? why[d->shutdown_reason] : "?")
                   : "-");
    printf("\n");
}

/* cap list NAME|ID...: the named domains only, in the order given; a name
 * that matches none is an error (after the others are listed). */
static int cap_list_named(int argc, char **argv, bool lng)
{
    struct domctl_domaininfo d;
    int rc = CAP_OK;

    for (int i = 0; i < argc; i++) {
        if (cap_find(argv[i], &d))
            rc = CAP_FAIL;
        else
            cap_list_row(&d, lng);
    }
    return rc;
}

static int cmd_list(int argc, char **argv)
{
    bool lng = false;
    uint32_t next = 0;
    int n = 0, first = 1;

    if (argc > 1 && strcmp(argv[1], "-l") == 0) {
        lng = true;
        first = 2;
    }
    for (int i = first; i < argc; i++)
        if (argv[i][0] == '-')
            return CAP_USAGE;
    printf("%-24s %4s %6s %5s %5s %9s", "Name", "ID", "Mem", "VCPUs", "State",
           "Time(s)");
    if (lng)
        printf(" %10s %5s %8s", "Hypercalls", "Port", "Reason");
    printf("\n");
    if (argc > first)
        return cap_list_named(argc - first, argv + first, lng);
    for (;;) {
        struct domctl_domaininfo d;
        long rc;

        memset(&d, 0, sizeof(d));
        d.domid = next;
        rc = cap_domctl(DOMCTL_getdomaininfo, &d);
        if (rc == -ESRCH)
            break;
        if (rc < 0)
            return cap_error("%s", strerror((int)-rc));
        next = d.domid + 1;
        n++;
        cap_list_row(&d, lng);
    }
    return n ? CAP_OK : cap_error("no domains (no domain control?)");
}

/* --- domid, domname: xl's name <-> id lookups --------------------------- */

static int cmd_domid(int argc, char **argv)
{
    struct domctl_domaininfo d;

    if (argc != 2)
        return CAP_USAGE;
    if (cap_find_quiet(argv[1], &d))
        return cap_error("no domain named '%s'", argv[1]);
    printf("%u\n", d.domid);
    return CAP_OK;
}

/* --- uptime: xl's, to the second ------------------------------------------ */

/* System time now, as dom0 can tell: its own creation time plus its
 * kernel's uptime (a few milliseconds short: dom0's build and boot). */
static uint64_t cap_system_now(void)
{
    struct domctl_domaininfo d0;

    if (cap_info(0, &d0))
        return 0;
    return d0.created_ns + sys_uptime();
}

static void cap_uptime_row(const struct domctl_domaininfo *d, uint64_t now)
{
    uint64_t s = (now > d->created_ns ? now - d->created_ns : 0) / 1000000000;

    printf("%-24.31s %4u %llu:%02llu:%02llu\n", d->domid ? d->name : "Domain-0",
           d->domid, (unsigned long long)(s / 3600),
           (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
}

static int cmd_uptime(int argc, char **argv)
{
    uint64_t now = cap_system_now();
    struct domctl_domaininfo d;
    int rc = CAP_OK;

    printf("%-24s %4s %s\n", "Name", "ID", "Uptime");
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            if (cap_find(argv[i], &d))
                rc = CAP_FAIL;
            else
                cap_uptime_row(&d, now);
        }
        return rc;
    }
    for (uint32_t next = 0; cap_info_next(next, &d) == 0; next = d.domid + 1)
        cap_uptime_row(&d, now);
    return CAP_OK;
}

static int cmd_domname(int argc, char **argv)
{
    struct domctl_domaininfo d;
    char *end;
    unsigned long id;

    if (argc != 2)
        return CAP_USAGE;
    id = strtoul(argv[1], &end, 10);
    if (!*argv[1] || *end || id > 0xffffffffu)
        return cap_error("'%s' is not a domain id", argv[1]);
    if (cap_info((uint32_t)id, &d))
        return cap_error("no domain with id %lu", id);
    printf("%s\n", id ? d.name : "Domain-0");
    return CAP_OK;
}

/* --- destroy, shutdown, reboot, pause, unpause -------------------------- */

/* Why the hypervisor said EBUSY to a shutdown, reboot, pause or unpause
 * of d (docs/abi.md, Domain control), in words. */
static const char *cap_busy_why(const struct domctl_domaininfo *d)
{
    switch (d->state) {
    case DOMCTL_STATE_SHUTDOWN:
        return "it has shut down already; only destroy is left";
    case DOMCTL_STATE_CRASHED:
        return "it has crashed; only destroy is left";
    case DOMCTL_STATE_DYING:
        return "it is being destroyed";
    default:
        return "it has not been started (its builder never gave it a vCPU "
               "context)";
    }
}

static int cmd_simple(int argc, char **argv)
{
    struct domctl_domaininfo d;
    bool wait = false;
    const char *target = NULL;
    long rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-w") == 0 && strcmp(argv[0], "shutdown") == 0)
            wait = true;
        else if (argv[i][0] == '-' || target)
            return CAP_USAGE;
        else
            target = argv[i];
    }
    if (!target)
        return CAP_USAGE;
    if (cap_find(target, &d))
        return CAP_FAIL;
    if (d.domid == 0)
        return cap_error("refusing: domain 0 is dom0, where cap runs");
    if (strcmp(argv[0], "shutdown") == 0 || strcmp(argv[0], "reboot") == 0) {
        struct domctl_shutdown s = {
            .domid = d.domid,
            .reason = argv[0][0] == 's' ? SHUTDOWN_poweroff : SHUTDOWN_reboot};

        rc = cap_domctl(DOMCTL_shutdown, &s);
    } else {
        uint64_t op = strcmp(argv[0], "destroy") == 0 ? DOMCTL_destroy
                      : strcmp(argv[0], "pause") == 0 ? DOMCTL_pause
                                                      : DOMCTL_unpause;

        rc = cap_domctl(op, (void *)(uintptr_t)d.domid);
    }
    if (rc == -EBUSY)
        return cap_error("domain %u (%s): %s", d.domid, d.name,
                         cap_busy_why(&d));
    if (rc < 0)
        return cap_error("domain %u (%s): %s", d.domid, d.name,
                         strerror((int)-rc));
    while (wait) {
        struct domctl_domaininfo now;

        if (cap_info(d.domid, &now) || strcmp(now.name, d.name) != 0 ||
            now.state >= DOMCTL_STATE_SHUTDOWN)
            break;
        sys_sleep(CAP_POLL_NS);
    }
    return CAP_OK;
}

/* --- info, dmesg -------------------------------------------------------- */

static int cmd_info(int argc, char **argv)
{
    struct domctl_physinfo pi;
    long rc;

    (void)argv;
    if (argc > 1)
        return CAP_USAGE;
    memset(&pi, 0, sizeof(pi));
    rc = cap_domctl(DOMCTL_physinfo, &pi);
    if (rc < 0)
        return cap_error("physinfo: %s", strerror((int)-rc));
    printf("hypervisor        : Carapace %u.%u\n", pi.version >> 16,
           pi.version & 0xffff);
    printf("abi_version       : %u.%u (toolstack built for %u.%u)\n",
           pi.abi_version >> 16, pi.abi_version & 0xffff, CARAPACE_ABI_MAJOR,
           CARAPACE_ABI_MINOR);
    printf("nr_cpus           : %u\n", pi.nr_cpus);
    printf("nr_domains        : %u\n", pi.nr_domains);
    printf("total_memory      : %llu MiB\n",
           (unsigned long long)(pi.total_frames >> 8));
    printf("free_memory       : %llu MiB\n",
           (unsigned long long)(pi.free_frames >> 8));
    printf("not yet scrubbed  : %llu KiB\n",
           (unsigned long long)(pi.dirty_frames << 2));
    printf("hypervisor_memory : %llu KiB\n",
           (unsigned long long)(pi.hypervisor_frames * 4));
    printf("total_frames      : %llu\n", (unsigned long long)pi.total_frames);
    printf("free_frames       : %llu\n", (unsigned long long)pi.free_frames);
    return CAP_OK;
}

static int cmd_dmesg(int argc, char **argv)
{
    static char buf[4096];
    uint64_t off = 0;

    (void)argv;
    if (argc > 1)
        return CAP_USAGE;
    for (;;) {
        struct domctl_readlog r = {
            .offset = off, .buf = (uint64_t)(uintptr_t)buf, .len = sizeof(buf)};
        long rc = cap_domctl(DOMCTL_readlog, &r);

        if (rc < 0)
            return cap_error("readlog: %s", strerror((int)-rc));
        if (r.lost && off == 0)
            printf("[%llu bytes before this are gone]\n",
                   (unsigned long long)r.lost);
        if (r.len == 0)
            break;
        fwrite(buf, 1, r.len, stdout);
        off = r.offset;
    }
    return CAP_OK;
}

/* --- main --------------------------------------------------------------- */

static const struct cap_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *help;
} cap_commands[] = {
    {"create", cmd_create, "create [-c] [-p] [-M] [-n] FILE [key=value ...]",
     "create a domain from the configuration FILE; key=value pairs override\n"
     "the file. -c: attach to its console; -p: leave it paused; -M: no\n"
     "monitor (on_poweroff, on_reboot and on_crash are not applied); -n:\n"
     "check and show what would be made, and make nothing."},
    {"list", cmd_list, "list [-l] [NAME|ID ...]",
     "list the domains: Name, ID, Mem (MiB), VCPUs, State (r running,\n"
     "b blocked, p paused, s shut down, c crashed, d dying), Time(s) of CPU.\n"
     "-l adds hypercalls made, the console port and why it stopped."},
    {"domid", cmd_domid, "domid NAME", "the id of the domain named NAME."},
    {"uptime", cmd_uptime, "uptime [NAME|ID ...]",
     "how long each domain (or those named) has existed, h:mm:ss."},
    {"domname", cmd_domname, "domname ID", "the name of domain ID."},
    {"destroy", cmd_simple, "destroy NAME|ID",
     "destroy the domain at once; its memory is free again."},
    {"shutdown", cmd_simple, "shutdown [-w] NAME|ID",
     "ask the domain to power off (VIRQ_SHUTDOWN). -w: wait until it has."},
    {"reboot", cmd_simple, "reboot NAME|ID",
     "ask the domain to reboot (its monitor applies on_reboot)."},
    {"pause", cmd_simple, "pause NAME|ID", "stop running the domain."},
    {"unpause", cmd_simple, "unpause NAME|ID", "let a paused domain run."},
    {"console", cmd_console, "console NAME|ID",
     "attach to the domain's console: what it printed so far, then what it\n"
     "prints; what you type goes to it. Ctrl-] returns (so does its end)."},
    {"info", cmd_info, "info",
     "the hypervisor: ABI version, CPUs, memory total and free."},
    {"dmesg", cmd_dmesg, "dmesg", "the hypervisor's log (its last 16 KiB)."},
    {"top", cmd_top, "top [-n N]",
     "a screen per second: each domain's state, CPU time and share,\n"
     "hypercalls, memory. q quits; -n N: N screens, then quit."},
    {"monitor", cmd_monitor, "monitor ID FILE [key=value ...]",
     "(started by create) apply on_poweroff, on_reboot and on_crash to\n"
     "domain ID, built from FILE, when it stops."},
    {"cycle", cmd_cycle, "cycle N FILE [key=value ...]",
     "(testing) create and destroy a domain from FILE N times; print the\n"
     "free frames before and after."},
    {"bench", cmd_bench, "bench FILE",
     "(benchmark) create to first console byte, destroy to memory free,\n"
     "and how many such domains fit at once."},
    {"density", cmd_density, "density FILE [-n MAX]",
     "(benchmark) run domains from FILE (tiny.cfg) until memory runs out\n"
     "or MAX run; check their greetings, time a scheduler pass over them,\n"
     "destroy them all and check every frame came back."},
};

#define CAP_NCOMMANDS (sizeof(cap_commands) / sizeof(cap_commands[0]))

static void cap_usage(FILE *f)
{
    fprintf(f, "usage: cap COMMAND [ARGS]   (cap COMMAND --help)\n");
    for (size_t i = 0; i < CAP_NCOMMANDS; i++)
        fprintf(f, "  cap %s\n", cap_commands[i].usage);
}

int main(int argc, char **argv)
{
    const struct cap_command *c = NULL;
    int rc;

    cap_tls[0] = (uint64_t)(uintptr_t)cap_tls;
    cap_tls[5] = 0x5a17ca7ace5eedull; /* the canary at 0x28 */
    if (sys_set_tls(cap_tls) < 0) {
        fprintf(stderr, "cap: cannot set up TLS: %s\n", strerror(errno));
        return CAP_FAIL;
    }
    if (argc < 2) {
        cap_usage(stderr);
        return CAP_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        cap_usage(stdout);
        return CAP_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("cap, the Carapace toolstack, for hypercall ABI %u.%u\n",
               CARAPACE_ABI_MAJOR, CARAPACE_ABI_MINOR);
        return CAP_OK;
    }
    for (size_t i = 0; i < CAP_NCOMMANDS; i++)
        if (strcmp(argv[1], cap_commands[i].name) == 0)
            c = &cap_commands[i];
    if (!c) {
        fprintf(stderr, "cap: no command '%s'\n", argv[1]);
        cap_usage(stderr);
        return CAP_USAGE;
    }
    if (cap_help_asked(argc - 1, argv + 1)) {
        printf("usage: cap %s\n%s\n", c->usage, c->help);
        return CAP_OK;
    }
    cap_cmd = c->name;
    rc = c->fn(argc - 1, argv + 1);
    if (rc == CAP_USAGE)
        fprintf(stderr, "usage: cap %s\n", c->usage);
    fflush(stdout);
    return rc;
}
