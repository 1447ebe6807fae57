/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vchan: the stream page and its protocol (docs/guest-kernel.md, "vchan").
 *
 * The page: a header (magic, the server's port for the client, a closed
 * flag per side, the control block of each ring), then two byte rings:
 * server to client (1024 bytes at 1024) and client to server (2048 bytes
 * at 2048). Ring indices are free-running uint32_t byte counts, masked by
 * the ring's size. Each side writes only its producer index and space
 * event of the ring it writes, and the consumer index and data event of
 * the ring it reads, following carapace/ring.h's rules:
 *
 *   - publish: copy the bytes, release store of prod (cons), full barrier,
 *     notify only if the new index crossed the other side's event:
 *     (new - event) < (new - old);
 *   - sleep: store the event ("wake me when prod passes cons", or "when
 *     cons passes prod - size + want"), full barrier, look again, and
 *     wait on the port only if nothing changed. No wake-up is lost.
 *
 * Both directions share the port: a wake-up is only a hint to look again.
 */
#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "carapace_os.h"
#include "vchan.h"

#define VCHAN_MAGIC   0x6e616863u /* "chan" */
#define VCHAN_PAGE    4096u
#define VCHAN_S2C_OFF 1024u
#define VCHAN_S2C_LEN 1024u
#define VCHAN_C2S_OFF 2048u
#define VCHAN_C2S_LEN 2048u

struct vchan_ring {
    uint32_t prod, cons;
    uint32_t data_event;  /* the consumer: notify me when prod passes it */
    uint32_t space_event; /* the producer: notify me when cons passes it */
};

struct vchan_page {
    uint32_t magic; /* VCHAN_MAGIC, stored last by the server */
    uint32_t port;  /* the server's port, unbound for the client */
    uint32_t server_closed, client_closed;
    struct vchan_ring s2c, c2s;
};
_Static_assert(sizeof(struct vchan_page) <= VCHAN_S2C_OFF, "header");

struct vchan {
    struct vchan_page *page;
    bool server;
    uint32_t port, ref;
    struct vchan_ring *rx, *tx;
    char *rx_data, *tx_data;
    uint32_t rx_len, tx_len;
    uint32_t *peer_closed, *my_closed;
    uint64_t notifies, waits;
};

static long vchan_sys(long nr, long a0, long a1)
{
    long rc = sys_call(nr, a0, a1, 0, 0);

    if (rc < 0) {
        errno = (int)-rc;
        return -1;
    }
    return rc;
}

static void vchan_setup(struct vchan *v)
{
    char *base = (char *)v->page;

    v->rx = v->server ? &v->page->c2s : &v->page->s2c;
    v->tx = v->server ? &v->page->s2c : &v->page->c2s;
    v->rx_data = base + (v->server ? VCHAN_C2S_OFF : VCHAN_S2C_OFF);
    v->tx_data = base + (v->server ? VCHAN_S2C_OFF : VCHAN_C2S_OFF);
    v->rx_len = v->server ? VCHAN_C2S_LEN : VCHAN_S2C_LEN;
    v->tx_len = v->server ? VCHAN_S2C_LEN : VCHAN_C2S_LEN;
    v->peer_closed =
        v->server ? &v->page->client_closed : &v->page->server_closed;
    v->my_closed =
        v->server ? &v->page->server_closed : &v->page->client_closed;
}

struct vchan *vchan_server_open(uint32_t client_dom, uint32_t ref)
{
    struct sys_grant_access a = {.dom = client_dom, .ref = ref};
    struct vchan *v = calloc(1, sizeof(*v));
    long port, rc;

    if (!v)
        return NULL;
    v->server = true;
    v->ref = ref;
    v->page = memalign(VCHAN_PAGE, VCHAN_PAGE);
    if (!v->page) {
        free(v);
        return NULL;
    }
    memset(v->page, 0, VCHAN_PAGE);
    port = vchan_sys(SYS_evtchn, SYS_EVTCHN_ALLOC_UNBOUND, client_dom);
    if (port < 0)
        goto fail;
    v->port = (uint32_t)port;
    vchan_setup(v);
    v->page->port = v->port;
    __atomic_store_n(&v->page->magic, VCHAN_MAGIC, __ATOMIC_RELEASE);
    a.addr = (uint64_t)v->page;
    rc = vchan_sys(SYS_grant, SYS_GRANT_ACCESS, (long)&a);
    if (rc < 0) {
        int err = errno;

        vchan_sys(SYS_evtchn, SYS_EVTCHN_CLOSE, v->port);
        errno = err;
        goto fail;
    }
    return v;
fail:
    free(v->page);
    free(v);
    return NULL;
}

static void vchan_pause(void)
{
    /* SYS_sleep where the kernel has it, else a yield. */
    if (sys_call(SYS_sleep, 10000000, 0, 0, 0) < 0)
        sys_call(SYS_yield, 0, 0, 0, 0);
}

struct vchan *vchan_client_open_timeout(uint32_t server_dom, uint32_t ref,
                                        uint64_t timeout_ns)
{
    struct sys_grant_map m = {.dom = server_dom, .ref = ref};
    struct sys_evtchn_bind b = {.dom = server_dom};
    uint64_t start = sys_uptime();
    struct vchan *v;
    long va, port;
    int err;

    for (;;) {
        va = vchan_sys(SYS_grant, SYS_GRANT_MAP, (long)&m);
        if (va >= 0) {
            const struct vchan_page *pg = (const void *)va;

            if (__atomic_load_n(&pg->magic, __ATOMIC_ACQUIRE) == VCHAN_MAGIC)
                break;
            vchan_sys(SYS_grant, SYS_GRANT_UNMAP, va);
            errno = EPROTO; /* something else is granted there */
        }
        /* EINVAL: the server has no grant table yet, or a short one;
         * EPERM: the ref is not granted (to us); ESRCH: no such domain.
         * All may change: retry. */
        if (errno == EINVAL)
            errno = EPERM;
        if (errno == EFAULT || errno == ENOSPC || errno == ENOSYS ||
            sys_uptime() - start >= timeout_ns)
            return NULL;
        vchan_pause();
    }
    v = calloc(1, sizeof(*v));
    if (!v) {
        err = errno;
        goto unmap;
    }
    v->page = (struct vchan_page *)va;
    v->ref = ref;
    b.port = __atomic_load_n(&v->page->port, __ATOMIC_RELAXED);
    port = vchan_sys(SYS_evtchn, SYS_EVTCHN_BIND, (long)&b);
    if (port < 0) {
        err = errno;
        free(v);
        goto unmap;
    }
    v->port = (uint32_t)port;
    vchan_setup(v);
    return v;
unmap:
    vchan_sys(SYS_grant, SYS_GRANT_UNMAP, va);
    errno = err;
    return NULL;
}

struct vchan *vchan_client_open(uint32_t server_dom, uint32_t ref)
{
    return vchan_client_open_timeout(server_dom, ref, 10000000000ull);
}

static void vchan_notify(struct vchan *v)
{
    v->notifies++;
    /* Fails only if the other side's port is gone (unbound): nothing to
     * wake then. */
    sys_call(SYS_evtchn, SYS_EVTCHN_NOTIFY, v->port, 0, 0);
}

static int vchan_wait(struct vchan *v)
{
    v->waits++;
    return vchan_sys(SYS_evtchn, SYS_EVTCHN_WAIT, v->port) < 0 ? -1 : 0;
}

static bool vchan_peer_closed(const struct vchan *v)
{
    return __atomic_load_n(v->peer_closed, __ATOMIC_ACQUIRE) != 0;
}

long vchan_read(struct vchan *v, void *buf, size_t len)
{
    struct vchan_ring *r = v->rx;
    uint32_t cons = r->cons, prod, n, at, first, event;

    if (len == 0)
        return 0;
    for (;;) {
        prod = __atomic_load_n(&r->prod, __ATOMIC_ACQUIRE);
        if (prod - cons > v->rx_len) {
            errno = EIO; /* a broken ring */
            return -1;
        }
        if (prod != cons)
            break;
        if (vchan_peer_closed(v)) {
            /* Bytes written before the close are published before it. */
            if (__atomic_load_n(&r->prod, __ATOMIC_ACQUIRE) == cons)
                return 0;
            continue;
        }
        __atomic_store_n(&r->data_event, cons + 1, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&r->prod, __ATOMIC_ACQUIRE) != cons ||
            vchan_peer_closed(v))
            continue;
        if (vchan_wait(v))
            return -1;
    }
    n = prod - cons < len ? prod - cons : (uint32_t)len;
    at = cons & (v->rx_len - 1);
    first = v->rx_len - at < n ? v->rx_len - at : n;
    memcpy(buf, v->rx_data + at, first);
    memcpy((char *)buf + first, v->rx_data, n - first);
    __atomic_store_n(&r->cons, cons + n, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    event = __atomic_load_n(&r->space_event, __ATOMIC_RELAXED);
    if ((uint32_t)(cons + n - event) < n)
        vchan_notify(v);
    return n;
}

long vchan_write(struct vchan *v, const void *buf, size_t len)
{
    struct vchan_ring *r = v->tx;
    uint32_t prod = r->prod, cons, room, n, at, first, event, want;

    if (len == 0)
        return 0;
    for (;;) {
        if (vchan_peer_closed(v)) {
            errno = EPIPE;
            return -1;
        }
        cons = __atomic_load_n(&r->cons, __ATOMIC_ACQUIRE);
        if (prod - cons > v->tx_len) {
            errno = EIO;
            return -1;
        }
        room = v->tx_len - (prod - cons);
        if (room)
            break;
        /* Wake me once there is room for half the ring (or all of buf). */
        want = len < v->tx_len / 2 ? (uint32_t)len : v->tx_len / 2;
        __atomic_store_n(&r->space_event, prod - v->tx_len + want,
                         __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&r->cons, __ATOMIC_ACQUIRE) != cons ||
            vchan_peer_closed(v))
            continue;
        if (vchan_wait(v))
            return -1;
    }
    n = room < len ? room : (uint32_t)len;
    at = prod & (v->tx_len - 1);
    first = v->tx_len - at < n ? v->tx_len - at : n;
    memcpy(v->tx_data + at, buf, first);
    memcpy(v->tx_data, (const char *)buf + first, n - first);
    __atomic_store_n(&r->prod, prod + n, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    event = __atomic_load_n(&r->data_event, __ATOMIC_RELAXED);
    if ((uint32_t)(prod + n - event) < n)
        vchan_notify(v);
    return n;
}

int vchan_close(struct vchan *v)
{
    int rc = 0;

    __atomic_store_n(v->my_closed, 1, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vchan_notify(v);
    vchan_sys(SYS_evtchn, SYS_EVTCHN_CLOSE, v->port);
    if (!v->server) {
        rc = vchan_sys(SYS_grant, SYS_GRANT_UNMAP, (long)v->page) < 0 ? -1 : 0;
    } else if (vchan_sys(SYS_grant, SYS_GRANT_END, v->ref) == 0) {
        free(v->page);
    }
    /* else the client still maps the page: it stays granted (and
     * allocated) until this process exits; the kernel ends it then. */
    free(v);
    return rc;
}

uint64_t vchan_notifications(const struct vchan *v)
{
    return v->notifies;
}

uint64_t vchan_waits(const struct vchan *v)
{
    return v->waits;
}
