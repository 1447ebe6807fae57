/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot-time domains with one frame allocation of their building made
 * to fail (failalloc=N on the hypervisor's command line; the test.cfg of
 * each guest/faultinject-boot* folder says which). As a domU, this image
 * only says it runs. As dom0 (which runs first), it watches until every
 * domU that was built has ended and been reaped, and checks that it saw
 * none that its bootargs do not name (built=12: the ids, one digit each).
 * That a named one was built is the test.cfg's to check, in the log ("w2:
 * domain 2 built", its own line): a small domU can run to its end and be
 * reaped before dom0 first looks, so not seeing it proves nothing. The
 * hypervisor's own report of the failure (free frames before and after,
 * the domain gone, frame_check) is matched by the test.cfg.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "faultinject-boot: a boot-time domain whose "
                          "building fails";

static bool fib_seen[8];

static void fib_watch(void)
{
    struct domctl_domaininfo info;
    uint64_t t0 = system_time_ns();
    unsigned others;

    do {
        others = 0;
        for (uint32_t id = 1;; id = info.domid + 1) {
            memset(&info, 0, sizeof(info));
            info.domid = id;
            if (hc_domctl(DOMCTL_getdomaininfo, &info))
                break;
            others++;
            if (info.domid < ARRAY_SIZE(fib_seen))
                fib_seen[info.domid] = true;
        }
        hc_sched_op(SCHED_yield, 0);
    } while (others && system_time_ns() - t0 < 5000000000ULL);
    test_expect_eq(others, 0, "every domU has ended");
}

/* The value of word `key` of the bootargs, or NULL. */
static const char *fib_arg(const char *key)
{
    size_t n = strlen(key);

    for (const char *p = start_info.bootargs; p && *p; p++)
        if ((p == start_info.bootargs || p[-1] == ' ') &&
            strncmp(p, key, n) == 0)
            return p + n;
    return NULL;
}

void test_main(void)
{
    const char *want = fib_arg("built=");
    char expect[sizeof(fib_seen)] = {0};

    if (start_info.domid != 0) {
        printf("%s: domain %u runs\n", start_info.name, start_info.domid);
        return;
    }
    if (!test_check(want != NULL, "bootargs say which domains were built"))
        return;
    for (const char *p = want; *p >= '1' && *p <= '7'; p++)
        expect[*p - '0'] = 1;
    fib_watch();
    for (unsigned id = 1; id < ARRAY_SIZE(fib_seen); id++)
        if (!expect[id])
            test_check(!fib_seen[id], "domain %u was not built", id);
}
