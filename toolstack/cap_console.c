/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cap console (through dom0's console back end, /dev/dom/N/console, with
 * dom0's console raw) and cap top.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap.h"
#include "carapace_os.h"

#define CAP_ESCAPE  0x1d /* Ctrl-] */
#define CAP_TICK_NS 10000000ull

int cap_console_attach(uint32_t domid, const char *name)
{
    char path[48], buf[512];
    int fd, idle = 0, rc = CAP_OK;
    bool gone = false;

    snprintf(path, sizeof(path), "/dev/dom/%u/console", domid);
    /* A console made to be attached on demand (cap density's domains)
     * is connected now; others already are (0 all the same). */
    if (sys_domcons(SYS_DOMCONS_ATTACH, domid) < 0 && errno != ESRCH)
        return cap_error("console of domain %u: %s", domid, strerror(errno));
    fd = open(path, O_RDWR | O_NONBLOCK);
    if (fd < 0)
        return cap_error("%s: %s", path, strerror(errno));
    fflush(stdout);
    if (sys_ttymode(SYS_TTY_RAW_NONBLOCK) < 0) {
        close(fd);
        return cap_error("cannot make the console raw: %s", strerror(errno));
    }
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        bool busy = false;

        if (n > 0) {
            write(1, buf, (size_t)n);
            busy = true;
        } else if (gone) {
            break; /* drained after its end */
        }
        n = read(0, buf, sizeof(buf));
        if (n > 0) {
            char *esc = memchr(buf, CAP_ESCAPE, (size_t)n);

            if (esc)
                n = esc - buf;
            if (n > 0 && write(fd, buf, (size_t)n) < 0 && errno != EAGAIN)
                break;
            if (esc)
                break;
            busy = true;
        }
        if (!busy) {
            /* Every 100 ms idle: has the domain stopped? */
            if (++idle % 10 == 0) {
                struct domctl_domaininfo d;

                if (cap_info(domid, &d) || strcmp(d.name, name) != 0 ||
                    d.state >= DOMCTL_STATE_SHUTDOWN)
                    gone = true;
            }
            sys_sleep(CAP_TICK_NS);
        }
    }
    sys_ttymode(SYS_TTY_COOKED);
    close(fd);
    if (gone)
        printf("\ncap: domain %u (%s) has stopped\n", domid, name);
    else
        printf("\n");
    return rc;
}

int cmd_console(int argc, char **argv)
{
    struct domctl_domaininfo d;

    if (argc != 2 || argv[1][0] == '-')
        return CAP_USAGE;
    if (cap_find(argv[1], &d))
        return CAP_FAIL;
    if (d.domid == 0)
        return cap_error("domain 0 is dom0: its console is this one");
    return cap_console_attach(d.domid, d.name);
}

#define TOP_MAX 64

struct top_prev {
    uint32_t domid;
    uint64_t cpu_ns, hypercalls;
};

int cmd_top(int argc, char **argv)
{
    static struct top_prev prev[TOP_MAX], cur[TOP_MAX];
    unsigned nprev = 0, screens = 0;
    long limit = -1;
    uint64_t last = sys_uptime();
    bool raw;

    if (argc == 3 && strcmp(argv[1], "-n") == 0)
        limit = strtol(argv[2], NULL, 10);
    else if (argc != 1)
        return CAP_USAGE;
    raw = limit < 0 && sys_ttymode(SYS_TTY_RAW_NONBLOCK) == 0;
    for (;;) {
        uint64_t now = sys_uptime(), dt = now - last;
        unsigned n = 0;
        uint32_t next = 0;
        char c;

        last = now;
        if (raw)
            printf("\033[H\033[2J");
        printf("cap top: %u  (q quits)\n%-20s %4s %5s %10s %6s %12s %8s "
               "%7s\n",
               screens + 1, "Name", "ID", "State", "CPU(s)", "CPU%",
               "Hypercalls", "HC/s", "Mem(MiB)");
        for (;;) {
            struct domctl_domaininfo d;
            double pct = 0, rate = 0;

            memset(&d, 0, sizeof(d));
            d.domid = next;
            if (cap_domctl(DOMCTL_getdomaininfo, &d) < 0)
                break;
            next = d.domid + 1;
            for (unsigned i = 0; i < nprev && dt; i++)
                if (prev[i].domid == d.domid) {
                    pct = 100.0 * (double)(d.cpu_time_ns - prev[i].cpu_ns) /
                          (double)dt;
                    rate = (double)(d.hypercalls - prev[i].hypercalls) * 1e9 /
                           (double)dt;
                }
            if (n < TOP_MAX)
                cur[n++] =
                    (struct top_prev){d.domid, d.cpu_time_ns, d.hypercalls};
            printf("%-20.31s %4u %5c %10.2f %6.1f %12llu %8.0f %7llu\n",
                   d.domid ? d.name : "Domain-0", d.domid,
                   cap_state_letter(d.state), (double)d.cpu_time_ns / 1e9, pct,
                   (unsigned long long)d.hypercalls, rate,
                   (unsigned long long)(d.memory_bytes >> 20));
        }
        printf("free memory: %llu MiB\n",
               (unsigned long long)(cap_free_frames() >> 8));
        fflush(stdout);
        memcpy(prev, cur, sizeof(prev));
        nprev = n;
        if (limit >= 0 && ++screens >= (unsigned long)limit)
            break;
        if (limit < 0)
            screens++;
        /* A second, watching for q. */
        for (int t = 0; t < 10; t++) {
            if (raw && read(0, &c, 1) == 1 && (c == 'q' || c == 'Q')) {
                sys_ttymode(SYS_TTY_COOKED);
                printf("\n");
                return CAP_OK;
            }
            sys_sleep(100000000ull);
        }
    }
    if (raw)
        sys_ttymode(SYS_TTY_COOKED);
    return CAP_OK;
}
