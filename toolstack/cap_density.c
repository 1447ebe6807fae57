/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cap density FILE [-n MAX]: the density benchmark (docs/benchmarks.md,
 * "Density"). Creates domains from FILE (made for it: tiny.cfg) until
 * memory or domain ids run out or MAX are running, each printing its
 * greeting and then asleep on events; checks every greeting; measures
 * how long the scheduler takes to run all of them once when they wake
 * together; destroys them all and checks that every frame came back.
 * Times are dom0's uptime clock: instructions under -icount shift=0.
 *
 * Their consoles are attached on demand (SYS_DOMCTL_CONSOLE_LATER): dom0
 * keeps nothing per domain until it reads one, one at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap.h"
#include "carapace_os.h"

#define DENSITY_MAX 32768 /* the hypervisor's DOMAIN_MAX */

static uint32_t density_ids[DENSITY_MAX];

/* Domain domid's first console line into buf: attach, read, detach.
 * 0, or -1 (no line within a few of its time slices). */
static int density_greeting(uint32_t domid, char *buf, size_t len)
{
    char path[48];
    size_t n = 0;
    int fd, tries = 0;

    buf[0] = '\0';
    if (sys_domcons(SYS_DOMCONS_ATTACH, domid) < 0)
        return -1;
    snprintf(path, sizeof(path), "/dev/dom/%u/console", domid);
    fd = open(path, O_RDONLY | O_NONBLOCK);
    while (fd >= 0 && n + 1 < len && tries < 100) {
        ssize_t r = read(fd, buf + n, 1);

        if (r == 1 && buf[n] == '\n')
            break;
        if (r == 1) {
            n++;
            continue;
        }
        tries++;
        sys_sleep(1000000); /* not written yet: let it run */
    }
    buf[n] = '\0';
    if (fd >= 0)
        close(fd);
    sys_domcons(SYS_DOMCONS_DETACH, domid);
    return n ? 0 : -1;
}

/* Every greeting, as tiny.c writes it: how many are right. */
static unsigned density_check(unsigned n)
{
    unsigned ok = 0;

    for (unsigned i = 0; i < n; i++) {
        char line[128], want[32];

        snprintf(want, sizeof(want), "tiny: domain %u ", density_ids[i]);
        if (density_greeting(density_ids[i], line, sizeof(line)) == 0 &&
            strncmp(line, want, strlen(want)) == 0)
            ok++;
        else if (ok + 5 > i)
            printf("density: domain %u: greeting \"%s\", not \"%s...\"\n",
                   density_ids[i], line, want);
    }
    return ok;
}

/* While yielding for ms of uptime: the longest time dom0 did not run.
 * When the tiny domains wake together (their period), that is one pass
 * of the scheduler over all of them. */
static uint64_t density_longest_gap(uint64_t ms)
{
    uint64_t start = sys_uptime(), last = start, gap = 0;

    while (last - start < ms * 1000000ull) {
        uint64_t now;

        sys_yield();
        now = sys_uptime();
        if (now - last > gap)
            gap = now - last;
        last = now;
    }
    return gap;
}

/* Create from c until something runs out (or max): how many. */
static unsigned density_create(struct config *c, unsigned max)
{
    char base[CONFIG_NAME_MAX];
    unsigned n;

    snprintf(base, sizeof(base), "%s", c->name);
    for (n = 0; n < max; n++) {
        snprintf(c->name, sizeof(c->name), "%.20s-%u", base, n);
        if (cap_create_domain(c, false, -1, &density_ids[n]))
            break;
        if ((n + 1) % 1000 == 0)
            printf("density: %u domains at %llu ns, %llu frames free\n", n + 1,
                   (unsigned long long)sys_uptime(),
                   (unsigned long long)cap_free_frames());
    }
    snprintf(c->name, sizeof(c->name), "%s", base);
    return n;
}

static int density_usage(void)
{
    return cap_error("usage: cap density FILE [-n MAX] (MAX: 1 to %d)",
                     DENSITY_MAX);
}

int cmd_density(int argc, char **argv)
{
    struct config c;
    char err[CONFIG_ERR_MAX];
    uint64_t before, full, t0, t1, t2, t2b, t3, after = 0, quiet, pass;
    unsigned max = DENSITY_MAX, n, ok;

    if (argc == 4 && strcmp(argv[2], "-n") == 0) {
        char *end;
        unsigned long v = strtoul(argv[3], &end, 10);

        if (*end || v < 1 || v > DENSITY_MAX)
            return density_usage();
        max = (unsigned)v;
    } else if (argc != 2) {
        return CAP_USAGE;
    }
    if (config_load(&c, argv[1], 0, NULL, err, sizeof(err)))
        return cap_error("%s", err);
    cap_create_console_later(true);
    /* One domain first, attached once: dom0's one-time costs (its grant
     * maptrack, a console slot) are not any domain's. */
    if (density_create(&c, 1) != 1)
        return cap_error("not one domain could be created");
    density_check(1);
    cap_domctl(DOMCTL_destroy, (void *)(uintptr_t)density_ids[0]);
    while (cap_info(density_ids[0], &(struct domctl_domaininfo){0}) == 0)
        sys_yield();
    before = cap_free_frames();
    t0 = sys_uptime();
    n = density_create(&c, max);
    t1 = sys_uptime();
    full = cap_free_frames();
    if (n == 0)
        return cap_error("not one domain could be created");
    printf("density: %u domains running at once (%s); %llu frames free\n", n,
           n == max ? "the -n limit" : "then creating failed",
           (unsigned long long)full);
    printf("density: create rate %llu ns per domain (%llu ns for all)\n",
           (unsigned long long)((t1 - t0) / n), (unsigned long long)(t1 - t0));
    printf("density: frames per domain %llu.%02llu (guest memory %llu)\n",
           (unsigned long long)((before - full) / n),
           (unsigned long long)((before - full) % n * 100 / n),
           (unsigned long long)(c.memory_kib / 4));
    ok = density_check(n);
    printf("density: %u of %u greetings right\n", ok, n);
    /* Longer than tiny.cfg's period of 250 ms: one wake-up of all. The
     * quiet figure: the least of five 20 ms windows, one of which at least
     * misses a wake-up. */
    pass = density_longest_gap(300);
    quiet = UINT64_MAX;
    for (int w = 0; w < 5; w++) {
        uint64_t g = density_longest_gap(20);

        quiet = g < quiet ? g : quiet;
    }
    printf("density: one scheduler pass over all %u: %llu ns (dom0's longest "
           "wait; %llu ns when they sleep)\n",
           n, (unsigned long long)pass, (unsigned long long)quiet);
    t2 = sys_uptime();
    for (unsigned i = 0; i < n; i++)
        cap_domctl(DOMCTL_destroy, (void *)(uintptr_t)density_ids[i]);
    t2b = sys_uptime();
    while ((after = cap_free_frames()) != before && sys_uptime() - t2b < 5e9)
        sys_sleep(1000000);
    t3 = sys_uptime();
    printf("density: destroy %llu ns per domain; all memory free %llu ns after "
           "the first destroy: free frames %llu (before: %llu)\n",
           (unsigned long long)((t2b - t2) / n), (unsigned long long)(t3 - t2),
           (unsigned long long)after, (unsigned long long)before);
    if (after != before)
        return cap_error("%lld frames not returned",
                         (long long)(before - after));
    return ok == n ? CAP_OK : cap_error("%u greetings missing", n - ok);
}
