/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0's console back end. At boot and on every VIRQ_DOM_EXC it walks the
 * domains (arch_domctl_getdomaininfo). A domU with a console port that it
 * has not connected to yet gets connected: its ring (grant ref
 * console_gref of that domain) is mapped read-write into the kernel and
 * its console port bound. Output is drained into a per-domain history of
 * the last CONBACK_HISTORY bytes whenever the port fires; a domain that
 * is shut down, crashed, dying or gone is drained a last time and
 * disconnected (unmapped, port closed). Its history stays readable until
 * a new domain with the same id appears.
 *
 * /dev/dom/N/console: a reader's position is a byte count in the
 * domain's whole output; one that falls more than the history behind
 * skips ahead to the oldest byte kept.
 */
#include <string.h>

#include <carapace/console.h>

#include "arch.h"
#include "conback.h"
#include "event.h"
#include "format.h"
#include "fs.h"
#include "grant.h"
#include "print.h"
#include "proc.h"
#include "sched.h"
#include "uapi/sys.h"

struct conback {
    bool used;      /* has a history (connected or not) */
    bool connected; /* ring mapped, port bound */
    uint32_t domid;
    uint32_t remote_port, gref; /* what the domain info said */
    uint32_t port;              /* our end */
    uint32_t handle;
    struct console_ring *ring;
    uint64_t total; /* bytes of output ever */
    char name[32];
    char hist[CONBACK_HISTORY];
};

static struct conback conback_doms[CONBACK_DOMAINS];
static bool conback_on;
/* /dev/dom/N/console nodes point into these names (they never go away). */
static char conback_names[CONBACK_DOMAINS * 2][12];
static unsigned int conback_nnames;

static struct conback *conback_find(uint32_t domid)
{
    for (unsigned int i = 0; i < CONBACK_DOMAINS; i++)
        if (conback_doms[i].used && conback_doms[i].domid == domid)
            return &conback_doms[i];
    return NULL;
}

/* A slot for a new domain: a free one, else the oldest disconnected. */
static struct conback *conback_slot(void)
{
    for (unsigned int i = 0; i < CONBACK_DOMAINS; i++)
        if (!conback_doms[i].used)
            return &conback_doms[i];
    for (unsigned int i = 0; i < CONBACK_DOMAINS; i++)
        if (!conback_doms[i].connected)
            return &conback_doms[i];
    return NULL;
}

static void conback_node(uint32_t domid)
{
    char path[40];
    int n, dir;

    format_snprintf(path, sizeof(path), "/dev/dom/%u/console", domid);
    if (fs_lookup(path) >= 0 || conback_nnames == ARRAY_SIZE(conback_names))
        return;
    /* fs keeps pointers to the names: a stable copy. */
    n = format_snprintf(conback_names[conback_nnames], sizeof(conback_names[0]),
                        "%u", domid);
    /* /dev/dom appears with the first domain (ktest: /dev alone). */
    dir = fs_mknod(fs_lookup("/dev"), "dom", 3, SYS_S_IFDIR, 0);
    if (dir >= 0)
        dir = fs_mknod(dir, conback_names[conback_nnames], (size_t)n,
                       SYS_S_IFDIR, 0);
    if (dir < 0)
        return;
    conback_nnames++;
    fs_mknod(dir, "console", 7, SYS_S_IFCHR, FS_DEV_DOMCONS + domid);
}

static void conback_drain(struct conback *c)
{
    struct console_ring *r = c->ring;
    uint32_t cons = r->out_cons;
    uint32_t prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);

    if (prod == cons)
        return;
    if (prod - cons > CONSOLE_RING_OUT_SIZE)
        cons = prod - CONSOLE_RING_OUT_SIZE; /* broken ring: resync */
    while (cons != prod) {
        c->hist[c->total % CONBACK_HISTORY] =
            r->out[CONSOLE_RING_IDX(cons, CONSOLE_RING_OUT_SIZE)];
        c->total++;
        cons++;
    }
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_SEQ_CST);
    event_notify(c->port); /* room for a writer waiting */
    sched_wakeup(c);
}

static void conback_event(uint32_t port, void *arg)
{
    struct conback *c = arg;

    (void)port;
    if (c->connected)
        conback_drain(c);
}

static void conback_disconnect(struct conback *c)
{
    int rc;

    if (!c->connected)
        return;
    conback_drain(c);
    event_close(c->port);
    rc = grant_unmap(c->ring, c->handle);
    if (rc)
        kprintf("kernel: console of domain %u: unmap failed: %d\n", c->domid,
                rc);
    c->connected = false;
    c->ring = NULL;
    sched_wakeup(c); /* readers see the end */
}

static void conback_connect(struct conback *c)
{
    void *va;
    int rc = grant_map(c->domid, c->gref, false, &va, &c->handle);

    if (rc) {
        kprintf("kernel: console of domain %u (%s): cannot map grant %u: "
                "%d\n",
                c->domid, c->name, c->gref, rc);
        return;
    }
    rc = event_bind_interdomain(c->domid, c->remote_port, conback_event, c);
    if (rc < 0) {
        kprintf("kernel: console of domain %u (%s): cannot bind port %u: "
                "%d\n",
                c->domid, c->name, c->remote_port, rc);
        grant_unmap(va, c->handle);
        return;
    }
    c->ring = va;
    c->port = (uint32_t)rc;
    c->connected = true;
    conback_drain(c);
}

static bool conback_alive(uint32_t state)
{
    return state == ARCH_DOM_RUNNING || state == ARCH_DOM_BLOCKED ||
           state == ARCH_DOM_PAUSED;
}

static void conback_domain(const struct arch_domaininfo *d)
{
    struct conback *c = conback_find(d->domid);
    bool alive = conback_alive(d->state);

    if (c && c->connected &&
        (!alive || d->console_port != c->remote_port ||
         d->console_gref != c->gref)) {
        conback_disconnect(c);
        if (!alive)
            return;
    }
    if (c && c->connected)
        return;
    /* Not connected: a new domain (also one that already stopped but
     * still exists: its last output is in the ring), or a new domain
     * with an old one's id. */
    if (!d->console_port || d->state == ARCH_DOM_DYING)
        return;
    if (c && !alive)
        return; /* the stopped one we already drained */
    if (!c) {
        c = conback_slot();
        if (!c)
            return;
    }
    memset(c, 0, offsetof(struct conback, hist));
    c->used = true;
    c->domid = d->domid;
    c->remote_port = d->console_port;
    c->gref = d->console_gref;
    memcpy(c->name, d->name, sizeof(c->name) - 1);
    conback_node(d->domid);
    conback_connect(c);
    if (c->connected && !alive)
        conback_disconnect(c);
}

static void conback_scan(void)
{
    bool seen[CONBACK_DOMAINS] = {false};
    struct arch_domaininfo d;
    uint32_t id = 1;
    int rc;

    while ((rc = arch_domctl_getdomaininfo(id, &d)) == 0) {
        struct conback *c;

        if (d.domid != 0) {
            conback_domain(&d);
            c = conback_find(d.domid);
            if (c)
                seen[c - conback_doms] = true;
        }
        if (d.domid < id || d.domid == UINT32_MAX)
            break; /* a broken answer: don't loop */
        id = d.domid + 1;
    }
    if (rc != -SYS_ESRCH)
        kprintf("kernel: console back end: domain info failed: %d\n", rc);
    for (unsigned int i = 0; i < CONBACK_DOMAINS; i++)
        if (conback_doms[i].connected && !seen[i])
            conback_disconnect(&conback_doms[i]); /* gone */
}

void conback_init(void)
{
    struct arch_domaininfo d;
    int rc = arch_domctl_getdomaininfo(0, &d);

    if (rc) {
        kprintf("kernel: console back end off: no domain information "
                "(error %d)\n",
                rc);
        return;
    }
    conback_on = true;
    event_on_dom_exc(conback_scan);
    conback_scan();
}

long conback_read(uint32_t domid, uint64_t *pos, int flags, struct vm *vm,
                  uint64_t ubuf, uint64_t len)
{
    struct conback *c;

    for (;;) {
        uint64_t oldest, n, at;

        c = conback_find(domid);
        if (!c || len == 0)
            return 0;
        oldest = c->total > CONBACK_HISTORY ? c->total - CONBACK_HISTORY : 0;
        if (*pos < oldest || *pos > c->total)
            *pos = oldest;
        if (*pos < c->total) {
            n = c->total - *pos < len ? c->total - *pos : len;
            at = *pos % CONBACK_HISTORY;
            if (n > CONBACK_HISTORY - at)
                n = CONBACK_HISTORY - at; /* up to the wrap */
            if (vm_copy_out(vm, ubuf, c->hist + at, n))
                return -SYS_EFAULT;
            *pos += n;
            return (long)n;
        }
        if (!c->connected)
            return 0; /* the domain is gone: end of file */
        if (flags & SYS_O_NONBLOCK)
            return -SYS_EAGAIN;
        if (proc_current->killed)
            return -SYS_EINTR;
        sched_sleep(c);
    }
}

long conback_write(uint32_t domid, struct vm *vm, uint64_t ubuf, uint64_t len)
{
    struct conback *c = conback_find(domid);
    char buf[CONSOLE_RING_IN_SIZE];
    uint32_t prod, room;

    if (!c || !c->connected)
        return -SYS_EIO;
    prod = c->ring->in_prod;
    room = CONSOLE_RING_IN_SIZE -
           (prod - __atomic_load_n(&c->ring->in_cons, __ATOMIC_ACQUIRE));
    if (room > CONSOLE_RING_IN_SIZE)
        room = 0; /* broken ring */
    if (len > room)
        len = room;
    if (len == 0)
        return -SYS_EAGAIN;
    if (vm_copy_in(vm, buf, ubuf, len))
        return -SYS_EFAULT;
    for (uint64_t i = 0; i < len; i++)
        c->ring
            ->in[CONSOLE_RING_IDX(prod + (uint32_t)i, CONSOLE_RING_IN_SIZE)] =
            buf[i];
    __atomic_store_n(&c->ring->in_prod, prod + (uint32_t)len, __ATOMIC_RELEASE);
    event_notify(c->port);
    return (long)len;
}
