/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pv backend of arch.h for inter-domain I/O: event channels (the
 * evtchn_* bitmaps of the shared-info page, HC_event_channel_op), the
 * grant table and foreign mappings (HC_grant_table_op) and domain
 * information (HC_domctl). Hypervisor errors become SYS_E* codes.
 *
 * Foreign mappings live in the kernel's foreign window, the last 2 MiB of
 * the kernel's GiB (pv_window, mmu.c): slot 0 holds the grant table, the
 * others are handed out to arch_grant_map.
 */
#include <string.h>

#include <carapace/domctl.h>
#include <carapace/event_channel.h>
#include <carapace/grant_table.h>
#include <carapace/shared.h>

#include "arch.h"
#include "hypercall.h"
#include "print.h"
#include "pv.h"
#include "uapi/sys.h"

#define PV_WINDOW_SLOTS 512

static uint8_t pv_window_used[PV_WINDOW_SLOTS]; /* slot 0: the grant table */

/* Hypervisor codes are Linux's; the kernel's are newlib's. */
static int pv_err(long rc)
{
    if (rc >= 0)
        return (int)rc;
    switch (-rc) {
    case CARAPACE_ENOSYS:
        return -SYS_ENOSYS;
    case CARAPACE_ENOSPC:
        return -SYS_ENOSPC;
    case CARAPACE_ENOTCONN:
        return -SYS_EIO;
    default:
        return -rc < 64 ? (int)rc : -SYS_EIO;
    }
}

static long hc_evtchn(uint64_t cmd, uint64_t arg)
{
    return hc2(HC_event_channel_op, cmd, arg);
}

_Static_assert(ARCH_EVTCHN_PORTS == EVTCHN_PORTS_MAX, "ports");
_Static_assert(ARCH_VIRQ_DOM_EXC == VIRQ_DOM_EXC, "virq");
_Static_assert(sizeof(struct arch_grant_entry) == sizeof(struct grant_entry),
               "grant entry");
_Static_assert(ARCH_GRANT_PER_FRAME == GRANT_ENTRIES_PER_FRAME, "grants");
_Static_assert(ARCH_GTF_permit_access == GTF_permit_access &&
                   ARCH_GTF_readonly == GTF_readonly &&
                   ARCH_GTF_reading == GTF_reading &&
                   ARCH_GTF_writing == GTF_writing,
               "grant flags");
_Static_assert(ARCH_DOM_RUNNING == DOMCTL_STATE_RUNNING &&
                   ARCH_DOM_BLOCKED == DOMCTL_STATE_BLOCKED &&
                   ARCH_DOM_PAUSED == DOMCTL_STATE_PAUSED &&
                   ARCH_DOM_SHUTDOWN == DOMCTL_STATE_SHUTDOWN &&
                   ARCH_DOM_CRASHED == DOMCTL_STATE_CRASHED &&
                   ARCH_DOM_DYING == DOMCTL_STATE_DYING,
               "domain states");

/* --- Event channels ------------------------------------------------------- */

int arch_evtchn_alloc_unbound(uint32_t remote_dom)
{
    struct evtchn_alloc_unbound a = {.remote_dom = remote_dom};
    long rc = hc_evtchn(EVTCHNOP_alloc_unbound, (uint64_t)&a);

    return rc ? pv_err(rc) : (int)a.port;
}

int arch_evtchn_bind_interdomain(uint32_t remote_dom, uint32_t remote_port)
{
    struct evtchn_bind_interdomain a = {.remote_dom = remote_dom,
                                        .remote_port = remote_port};
    long rc = hc_evtchn(EVTCHNOP_bind_interdomain, (uint64_t)&a);

    return rc ? pv_err(rc) : (int)a.local_port;
}

int arch_evtchn_bind_virq(uint32_t virq)
{
    struct evtchn_bind_virq a = {.virq = virq};
    long rc = hc_evtchn(EVTCHNOP_bind_virq, (uint64_t)&a);

    return rc ? pv_err(rc) : (int)a.port;
}

int arch_evtchn_send(uint32_t port)
{
    return pv_err(hc_evtchn(EVTCHNOP_send, port));
}

int arch_evtchn_close(uint32_t port)
{
    return pv_err(hc_evtchn(EVTCHNOP_close, port));
}

void arch_evtchn_mask(uint32_t port)
{
    if (port < ARCH_EVTCHN_PORTS)
        __atomic_fetch_or(&pv_shared_info()->evtchn_mask[port / 64],
                          1ULL << (port % 64), __ATOMIC_SEQ_CST);
}

int arch_evtchn_unmask(uint32_t port)
{
    if (port == 0 || port >= ARCH_EVTCHN_PORTS)
        return -SYS_EINVAL;
    /* The hypervisor clears the mask bit and, if the port is pending,
     * raises the upcall for it. */
    return pv_err(hc_evtchn(EVTCHNOP_unmask, port));
}

void arch_evtchn_take(void (*fn)(uint32_t port))
{
    struct shared_info *s = pv_shared_info();
    uint64_t sel = __atomic_exchange_n(&s->vcpu[0].evtchn_pending_sel, 0,
                                       __ATOMIC_SEQ_CST);

    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzll(sel);
        uint64_t bits;

        sel &= sel - 1;
        if (w >= ARCH_EVTCHN_PORTS / 64)
            continue;
        /* Masked ports stay pending for their unmask. */
        bits = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_SEQ_CST) &
               ~__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_SEQ_CST);
        bits &=
            __atomic_fetch_and(&s->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
        while (bits) {
            unsigned int b = (unsigned int)__builtin_ctzll(bits);

            bits &= bits - 1;
            fn(w * 64 + b);
        }
    }
}

/* --- Grant tables --------------------------------------------------------- */

static long hc_grant(uint64_t cmd, void *args, uint64_t count)
{
    return hc3(HC_grant_table_op, cmd, args, count);
}

struct arch_grant_entry *arch_grant_setup(int *err)
{
    struct gnttab_setup_table t = {.nr_frames = 1};
    long rc = hc_grant(GNTTABOP_setup_table, &t, 1);
    void *va;

    if (rc == 0)
        rc = t.status;
    if (rc == 0 && pv_window_used[0])
        rc = -CARAPACE_EEXIST;
    if (rc == 0) {
        va = pv_window_slot(0);
        if (!va)
            rc = -CARAPACE_ENOMEM;
        else
            rc = pv_map_machine_frame(va, t.frames[0]);
    }
    if (rc) {
        *err = pv_err(rc);
        return NULL;
    }
    pv_window_used[0] = 1;
    return pv_window_slot(0);
}

int arch_grant_map(uint32_t dom, uint32_t ref, bool readonly, void **va,
                   uint32_t *handle)
{
    struct gnttab_map_grant_ref m = {
        .dom = dom,
        .ref = ref,
        .flags = readonly ? GNTMAP_readonly : 0,
    };
    unsigned int slot;
    long rc;

    for (slot = 1; slot < PV_WINDOW_SLOTS && pv_window_used[slot]; slot++)
        ;
    if (slot == PV_WINDOW_SLOTS)
        return -SYS_ENOSPC;
    m.va = (uint64_t)pv_window_slot(slot);
    if (!m.va)
        return -SYS_ENOMEM;
    rc = hc_grant(GNTTABOP_map_grant_ref, &m, 1);
    if (rc == 0)
        rc = m.status;
    if (rc)
        return pv_err(rc);
    pv_window_used[slot] = 1;
    *va = (void *)m.va;
    *handle = m.handle;
    return 0;
}

int arch_grant_unmap(void *va, uint32_t handle)
{
    struct gnttab_unmap_grant_ref u = {.handle = handle, .va = (uint64_t)va};
    int slot = pv_window_index(va);
    long rc;

    if (slot <= 0)
        return -SYS_EINVAL;
    rc = hc_grant(GNTTABOP_unmap_grant_ref, &u, 1);
    if (rc == 0)
        rc = u.status;
    if (rc == 0)
        pv_window_used[slot] = 0;
    return pv_err(rc);
}

int arch_grant_map_user(struct arch_space *s, uint64_t va, uint32_t dom,
                        uint32_t ref, bool readonly, uint32_t *handle)
{
    struct gnttab_map_grant_ref m = {
        .dom = dom,
        .ref = ref,
        .flags = readonly ? GNTMAP_readonly : 0,
        .va = va,
    };
    long rc;

    if ((va & (ARCH_PAGE_SIZE - 1)) || va >= ARCH_USER_END)
        return -SYS_EINVAL;
    rc = pv_space_lend(s, va, true);
    if (rc)
        return (int)rc;
    rc = hc_grant(GNTTABOP_map_grant_ref, &m, 1);
    if (rc == 0)
        rc = m.status;
    pv_space_lend(s, va, false);
    if (rc)
        return pv_err(rc);
    *handle = m.handle;
    return 0;
}

int arch_grant_unmap_user(uint64_t va, uint32_t handle)
{
    struct gnttab_unmap_grant_ref u = {.handle = handle, .va = va};
    long rc = hc_grant(GNTTABOP_unmap_grant_ref, &u, 1);

    return pv_err(rc ? rc : u.status);
}

/* --- Domain control ------------------------------------------------------- */

int arch_domctl_getdomaininfo(uint32_t first, struct arch_domaininfo *out)
{
    struct domctl_domaininfo d;
    long rc;

    memset(&d, 0, sizeof(d));
    d.domid = first;
    rc = hc2(HC_domctl, DOMCTL_getdomaininfo, &d);
    if (rc)
        return pv_err(rc);
    memset(out, 0, sizeof(*out));
    out->domid = d.domid;
    out->state = d.state;
    out->memory_bytes = d.memory_bytes;
    out->cpu_time_ns = d.cpu_time_ns;
    out->console_port = d.console_port;
    out->console_gref = d.console_gref;
    memcpy(out->name, d.name, sizeof(out->name) - 1);
    return 0;
}
