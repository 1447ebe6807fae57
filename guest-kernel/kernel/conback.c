/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0's console back end. At boot it walks the domains
 * (arch_domctl_getdomaininfo); later it connects to a new domain when the
 * toolstack sets up its console (conback_setup, at DOMCTL_console_setup)
 * or, for one made with SYS_DOMCTL_CONSOLE_LATER, when it is attached
 * (conback_attach, SYS_domcons); on every VIRQ_DOM_EXC it looks again at
 * the domains it is connected to. Connecting: its ring (grant ref
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
 *
 * Up to CONBACK_DOMAINS domains at once. The slots and their histories
 * are frames taken when first needed (the same kernel runs in 4 MiB
 * domUs, which have no back end: static tables would cost them), and
 * kept for the next domain that takes the slot; so are the slot's /dev/dom
 * nodes, renamed for it. A domain that finds no slot or no memory is
 * refused at DOMCTL_console_setup (conback_setup), so that the toolstack
 * destroys it rather than leaving it without a console.
 */
#include <string.h>

#include <carapace/console.h>

#include "arch.h"
#include "conback.h"
#include "event.h"
#include "format.h"
#include "frame.h"
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
    /* The history: frames (kernel addresses), taken with the slot. */
    char *hist[CONBACK_HISTORY / ARCH_PAGE_SIZE];
    /* /dev/dom/N and its console (-1: not made yet); fs keeps a pointer
     * to node_name, rewritten when another domain takes the slot. */
    int dir_node, cons_node;
    char node_name[12];
};

#define CONBACK_PER_PAGE (ARCH_PAGE_SIZE / sizeof(struct conback))
static struct conback
    *conback_pages[(CONBACK_DOMAINS + CONBACK_PER_PAGE - 1) / CONBACK_PER_PAGE];
static unsigned int conback_count; /* slots made */
static bool conback_on;

static struct conback *conback_at(unsigned int i)
{
    return &conback_pages[i / CONBACK_PER_PAGE][i % CONBACK_PER_PAGE];
}

static struct conback *conback_find(uint32_t domid)
{
    for (unsigned int i = 0; i < conback_count; i++)
        if (conback_at(i)->used && conback_at(i)->domid == domid)
            return conback_at(i);
    return NULL;
}

/* A new slot with its history frames, or NULL when memory is short. */
static struct conback *conback_grow(void)
{
    unsigned int i = conback_count, page = i / CONBACK_PER_PAGE;
    struct conback *c;
    uint32_t gfn;

    if (!conback_pages[page]) {
        gfn = frame_alloc();
        if (!gfn)
            return NULL;
        conback_pages[page] = frame_va(gfn);
    }
    c = conback_at(i);
    for (unsigned int p = 0; p < ARRAY_SIZE(c->hist); p++) {
        gfn = frame_alloc();
        if (!gfn) {
            while (p--)
                frame_free(frame_of_va(c->hist[p]));
            return NULL;
        }
        c->hist[p] = frame_va(gfn);
    }
    c->dir_node = c->cons_node = -1;
    conback_count++;
    return c;
}

/* A slot for a new domain: a free one, a new one, else the first
 * disconnected (whose history goes). NULL: *why says which limit. */
static struct conback *conback_slot(int *why)
{
    struct conback *c;

    for (unsigned int i = 0; i < conback_count; i++)
        if (!conback_at(i)->used)
            return conback_at(i);
    if (conback_count < CONBACK_DOMAINS) {
        c = conback_grow();
        if (c)
            return c;
    }
    for (unsigned int i = 0; i < conback_count; i++)
        if (!conback_at(i)->connected)
            return conback_at(i);
    *why = conback_count < CONBACK_DOMAINS ? -SYS_ENOMEM : -SYS_ENOSPC;
    return NULL;
}

/* /dev/dom/N/console for the slot's domain: its nodes, renamed. */
static void conback_node(struct conback *c)
{
    size_t n = (size_t)format_snprintf(c->node_name, sizeof(c->node_name), "%u",
                                       c->domid);
    int dom;

    if (c->dir_node >= 0) {
        fs_node_set(c->dir_node, c->node_name, n, 0);
        fs_node_set(c->cons_node, "console", 7, FS_DEV_DOMCONS + c->domid);
        return;
    }
    /* /dev/dom appears with the first domain (ktest: /dev alone). */
    dom = fs_mknod(fs_lookup("/dev"), "dom", 3, SYS_S_IFDIR, 0);
    if (dom >= 0)
        c->dir_node = fs_mknod(dom, c->node_name, n, SYS_S_IFDIR, 0);
    if (c->dir_node >= 0)
        c->cons_node = fs_mknod(c->dir_node, "console", 7, SYS_S_IFCHR,
                                FS_DEV_DOMCONS + c->domid);
    if (c->cons_node < 0)
        kprintf("kernel: /dev/dom/%u/console: no room in the filesystem\n",
                c->domid);
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
        uint64_t at = c->total % CONBACK_HISTORY;

        c->hist[at / ARCH_PAGE_SIZE][at % ARCH_PAGE_SIZE] =
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

/* Connects to (or disconnects from) domain d as its state says: 0, or
 * -SYS_ENOSPC / -SYS_ENOMEM when no slot was free for it. */
static int conback_domain(const struct arch_domaininfo *d)
{
    struct conback *c = conback_find(d->domid);
    bool alive = conback_alive(d->state);
    int why = 0;

    if (c && c->connected &&
        (!alive || d->console_port != c->remote_port ||
         d->console_gref != c->gref)) {
        conback_disconnect(c);
        if (!alive)
            return 0;
    }
    if (c && c->connected)
        return 0;
    /* Not connected: a new domain (also one that already stopped but
     * still exists: its last output is in the ring), or a new domain
     * with an old one's id. */
    if (!d->console_port || d->state == ARCH_DOM_DYING)
        return 0;
    if (c && !alive)
        return 0; /* the stopped one we already drained */
    if (!c) {
        c = conback_slot(&why);
        if (!c)
            return why;
    }
    memset(c, 0, offsetof(struct conback, hist));
    c->used = true;
    c->domid = d->domid;
    c->remote_port = d->console_port;
    c->gref = d->console_gref;
    memcpy(c->name, d->name, sizeof(c->name) - 1);
    conback_node(c);
    conback_connect(c);
    if (c->connected && !alive)
        conback_disconnect(c);
    return 0;
}

static void conback_scan(void)
{
    static bool seen[CONBACK_DOMAINS];
    struct arch_domaininfo d;
    uint32_t id = 1;
    int rc;

    memset(seen, 0, sizeof(seen));
    while ((rc = arch_domctl_getdomaininfo(id, &d)) == 0) {
        struct conback *c;

        if (d.domid != 0) {
            conback_domain(&d);
            c = conback_find(d.domid);
            for (unsigned int i = 0; c && i < conback_count; i++)
                seen[i] |= conback_at(i) == c;
        }
        if (d.domid < id || d.domid == UINT32_MAX)
            break; /* a broken answer: don't loop */
        id = d.domid + 1;
    }
    if (rc != -SYS_ESRCH)
        kprintf("kernel: console back end: domain info failed: %d\n", rc);
    for (unsigned int i = 0; i < conback_count; i++)
        if (conback_at(i)->connected && !seen[i])
            conback_disconnect(conback_at(i)); /* gone */
}

/* On VIRQ_DOM_EXC: what changed for the domains we are connected to (a
 * new domain is connected by conback_setup or conback_attach, not found
 * here): a walk of the connected slots, not of every domain, so that
 * thousands of domains whose consoles wait unattached cost nothing. */
static void conback_check(void)
{
    struct arch_domaininfo d;

    for (unsigned int i = 0; i < conback_count; i++) {
        struct conback *c = conback_at(i);
        int rc;

        if (!c->connected)
            continue;
        rc = arch_domctl_getdomaininfo(c->domid, &d);
        if (rc == 0 && d.domid == c->domid)
            conback_domain(&d);
        else if (rc == 0 || rc == -SYS_ESRCH)
            conback_disconnect(c); /* gone */
        else
            kprintf("kernel: console back end: domain info failed: %d\n", rc);
    }
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
    event_on_dom_exc(conback_check);
    conback_scan(); /* the domains the hypervisor built at boot */
}

int conback_setup(uint32_t domid)
{
    struct arch_domaininfo d;
    struct conback *c;
    int rc;

    if (!conback_on)
        return 0;
    rc = arch_domctl_getdomaininfo(domid, &d);
    if (rc || d.domid != domid)
        return 0; /* gone already: nothing to serve */
    rc = conback_domain(&d);
    c = conback_find(domid);
    if (rc == 0 && (!c || !c->connected))
        rc = -SYS_EIO; /* it said why (cannot map or bind) */
    return rc;
}

int conback_attach(uint32_t domid)
{
    struct arch_domaininfo d;
    struct conback *c = conback_find(domid);
    int rc;

    if (!conback_on)
        return -SYS_EPERM;
    if (c && c->connected)
        return 0;
    rc = arch_domctl_getdomaininfo(domid, &d);
    if (rc || d.domid != domid || !d.console_port || domid == 0)
        return -SYS_ESRCH;
    rc = conback_domain(&d);
    if (rc)
        return rc;
    c = conback_find(domid);
    /* A stopped domain is drained once and disconnected: its history
     * is what there is to read. */
    if (!c || (!c->connected && conback_alive(d.state)))
        return -SYS_EIO;
    return 0;
}

int conback_detach(uint32_t domid)
{
    struct conback *c = conback_find(domid);

    if (!conback_on)
        return -SYS_EPERM;
    if (!c)
        return -SYS_ESRCH;
    conback_disconnect(c);
    c->used = false; /* the slot (and its frames) for the next domain */
    sched_wakeup(c);
    return 0;
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
            at = *pos % ARCH_PAGE_SIZE;
            if (n > ARCH_PAGE_SIZE - at)
                n = ARCH_PAGE_SIZE - at; /* up to the frame's end */
            if (vm_copy_out(
                    vm, ubuf,
                    c->hist[*pos % CONBACK_HISTORY / ARCH_PAGE_SIZE] + at, n))
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
