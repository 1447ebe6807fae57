/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SYS_evtchn and SYS_grant: event channels and grants for user programs
 * (the vchan library), on the kernel's event dispatcher and grant
 * allocator. Every argument is hostile. The kernel remembers which process
 * owns each port, grant and foreign mapping: nobody else may use them, and
 * they are undone when it exits.
 *
 * A granted page stays the process's frame while granted. When the process
 * exits, its grants are ended; one the peer still maps cannot be (the
 * hypervisor holds GTF_reading/GTF_writing): it becomes an orphan, whose
 * frame vm_destroy leaves alone, and every later SYS_grant (and exit) tries
 * to end it again and frees the frame once it can.
 */
#include "sys_ipc.h"
#include "arch.h"
#include "event.h"
#include "frame.h"
#include "grant.h"
#include "print.h"
#include "proc.h"
#include "uapi/sys.h"
#include "vm.h"

#define IPC_MAPS (2 * SYS_GRANT_MAX)

struct ipc_grant {
    int pid;     /* owner; 0 with orphan set: its process is gone */
    bool orphan; /* ending it failed at exit: retried, frame kept */
    uint32_t gfn;
};

struct ipc_map {
    int pid; /* 0: free */
    uint32_t handle;
    uint64_t va;
};

static int ipc_port_pid[ARCH_EVTCHN_PORTS];
static struct ipc_grant ipc_grants[ARCH_GRANT_PER_FRAME];
static struct ipc_map ipc_maps[IPC_MAPS];

/* --- Event channels --------------------------------------------------- */

static unsigned int ipc_ports_of(int pid)
{
    unsigned int n = 0;

    for (unsigned int i = 1; i < ARCH_EVTCHN_PORTS; i++)
        n += ipc_port_pid[i] == pid;
    return n;
}

static long ipc_port_opened(struct proc *p, int port)
{
    if (port > 0 && port < ARCH_EVTCHN_PORTS)
        ipc_port_pid[port] = p->pid;
    return port;
}

static bool ipc_port_mine(struct proc *p, uint64_t port)
{
    return port > 0 && port < ARCH_EVTCHN_PORTS && ipc_port_pid[port] == p->pid;
}

long sys_ipc_evtchn(struct proc *p, uint64_t op, uint64_t arg)
{
    struct sys_evtchn_bind b;

    switch (op) {
    case SYS_EVTCHN_ALLOC_UNBOUND:
    case SYS_EVTCHN_BIND:
        if (ipc_ports_of(p->pid) >= SYS_EVTCHN_MAX)
            return -SYS_ENOSPC;
        if (op == SYS_EVTCHN_ALLOC_UNBOUND) {
            if (arg > 0xffff)
                return -SYS_EINVAL;
            return ipc_port_opened(
                p, event_alloc_unbound((uint32_t)arg, NULL, NULL));
        }
        if (vm_copy_in(&p->vm, &b, arg, sizeof(b)))
            return -SYS_EFAULT;
        if (b.dom > 0xffff || b.port == 0 || b.port >= ARCH_EVTCHN_PORTS)
            return -SYS_EINVAL;
        return ipc_port_opened(
            p, event_bind_interdomain(b.dom, b.port, NULL, NULL));
    case SYS_EVTCHN_NOTIFY:
        if (!ipc_port_mine(p, arg))
            return -SYS_EBADF;
        return event_notify((uint32_t)arg);
    case SYS_EVTCHN_WAIT:
        if (!ipc_port_mine(p, arg))
            return -SYS_EBADF;
        return event_wait((uint32_t)arg);
    case SYS_EVTCHN_CLOSE:
        if (!ipc_port_mine(p, arg))
            return -SYS_EBADF;
        event_close((uint32_t)arg);
        ipc_port_pid[arg] = 0;
        return 0;
    default:
        return -SYS_EINVAL;
    }
}

/* --- Grants ------------------------------------------------------------ */

static bool ipc_gfn_orphaned(uint32_t gfn, unsigned int except)
{
    for (unsigned int r = 1; r < ARCH_GRANT_PER_FRAME; r++) {
        if (r != except && ipc_grants[r].orphan && ipc_grants[r].gfn == gfn)
            return true;
    }
    return false;
}

/* Ends the orphans the peer no longer maps, and frees their frames. */
static void ipc_reap(void)
{
    for (unsigned int r = 1; r < ARCH_GRANT_PER_FRAME; r++) {
        struct ipc_grant *g = &ipc_grants[r];

        if (!g->orphan || grant_end(r))
            continue;
        if (!ipc_gfn_orphaned(g->gfn, r))
            frame_free(g->gfn);
        *g = (struct ipc_grant){0};
    }
}

bool sys_ipc_frame_kept(uint32_t gfn)
{
    return ipc_gfn_orphaned(gfn, 0);
}

static long ipc_grant_access(struct proc *p, uint64_t arg)
{
    struct sys_grant_access a;
    unsigned int n = 0, flags = 0;
    uint32_t gfn;
    uint8_t byte;
    long rc;

    if (vm_copy_in(&p->vm, &a, arg, sizeof(a)))
        return -SYS_EFAULT;
    if (a.pad || (a.flags & ~SYS_GRANT_RO) || a.dom > 0xffff || a.ref == 0 ||
        a.ref >= SYS_GRANT_REF_MAX || (a.addr & (ARCH_PAGE_SIZE - 1)))
        return -SYS_EINVAL;
    if (a.addr < SYS_USER_BASE || a.addr >= SYS_USER_TOP ||
        (a.addr >= SYS_GRANT_MAP_BASE &&
         a.addr < SYS_GRANT_MAP_BASE + SYS_GRANT_MAX * ARCH_PAGE_SIZE))
        return -SYS_EFAULT;
    for (unsigned int r = 1; r < ARCH_GRANT_PER_FRAME; r++)
        n += ipc_grants[r].pid == p->pid;
    if (n >= SYS_GRANT_MAX)
        return -SYS_ENOSPC;
    /* Touch the page (a heap or stack page may not be there yet). */
    if (vm_copy_in(&p->vm, &byte, a.addr, 1))
        return -SYS_EFAULT;
    gfn = arch_space_lookup(&p->vm.space, a.addr, &flags);
    if (!gfn || (!(a.flags & SYS_GRANT_RO) && !(flags & ARCH_MAP_WRITE)))
        return -SYS_EFAULT;
    rc = grant_access_ref(a.ref, a.dom, gfn, a.flags & SYS_GRANT_RO);
    if (rc < 0)
        return rc;
    ipc_grants[a.ref] = (struct ipc_grant){.pid = p->pid, .gfn = gfn};
    return rc;
}

static long ipc_grant_end(struct proc *p, uint64_t ref)
{
    long rc;

    if (ref == 0 || ref >= ARCH_GRANT_PER_FRAME ||
        ipc_grants[ref].pid != p->pid)
        return -SYS_EINVAL;
    rc = grant_end((uint32_t)ref);
    if (rc == 0)
        ipc_grants[ref] = (struct ipc_grant){0};
    return rc;
}

static long ipc_grant_map(struct proc *p, uint64_t arg)
{
    struct ipc_map *free = NULL;
    struct sys_grant_map m;
    uint64_t used = 0, va;
    unsigned int slot;
    uint32_t handle;
    int rc;

    if (vm_copy_in(&p->vm, &m, arg, sizeof(m)))
        return -SYS_EFAULT;
    if (m.pad || (m.flags & ~SYS_GRANT_RO) || m.dom > 0xffff ||
        m.ref >= ARCH_GRANT_PER_FRAME * 4)
        return -SYS_EINVAL;
    _Static_assert(SYS_GRANT_MAX <= 64, "slots in a uint64_t");
    for (unsigned int i = 0; i < IPC_MAPS; i++) {
        if (ipc_maps[i].pid == p->pid)
            used |= 1ull << ((ipc_maps[i].va - SYS_GRANT_MAP_BASE) >>
                             ARCH_PAGE_SHIFT);
        else if (!ipc_maps[i].pid && !free)
            free = &ipc_maps[i];
    }
    for (slot = 0; slot < SYS_GRANT_MAX && (used & (1ull << slot)); slot++)
        ;
    if (slot == SYS_GRANT_MAX || !free)
        return -SYS_ENOSPC;
    va = SYS_GRANT_MAP_BASE + slot * ARCH_PAGE_SIZE;
    rc = arch_grant_map_user(&p->vm.space, va, m.dom, m.ref,
                             m.flags & SYS_GRANT_RO, &handle);
    if (rc)
        return rc;
    *free = (struct ipc_map){.pid = p->pid, .handle = handle, .va = va};
    return (long)va;
}

static long ipc_unmap(struct ipc_map *m)
{
    long rc = arch_grant_unmap_user(m->va, m->handle);

    if (rc == 0)
        *m = (struct ipc_map){0};
    return rc;
}

static long ipc_grant_unmap(struct proc *p, uint64_t va)
{
    for (unsigned int i = 0; i < IPC_MAPS; i++) {
        if (ipc_maps[i].pid == p->pid && ipc_maps[i].va == va)
            return ipc_unmap(&ipc_maps[i]);
    }
    return -SYS_EINVAL;
}

long sys_ipc_grant(struct proc *p, uint64_t op, uint64_t arg)
{
    ipc_reap();
    switch (op) {
    case SYS_GRANT_ACCESS:
        return ipc_grant_access(p, arg);
    case SYS_GRANT_END:
        return ipc_grant_end(p, arg);
    case SYS_GRANT_MAP:
        return ipc_grant_map(p, arg);
    case SYS_GRANT_UNMAP:
        return ipc_grant_unmap(p, arg);
    default:
        return -SYS_EINVAL;
    }
}

void sys_ipc_exit(struct proc *p)
{
    ipc_reap();
    for (unsigned int i = 1; i < ARCH_EVTCHN_PORTS; i++) {
        if (ipc_port_pid[i] == p->pid) {
            event_close(i);
            ipc_port_pid[i] = 0;
        }
    }
    for (unsigned int i = 0; i < IPC_MAPS; i++) {
        if (ipc_maps[i].pid == p->pid && ipc_unmap(&ipc_maps[i]))
            panic("pid %d: unmapping grant handle %u refused", p->pid,
                  ipc_maps[i].handle);
    }
    for (unsigned int r = 1; r < ARCH_GRANT_PER_FRAME; r++) {
        struct ipc_grant *g = &ipc_grants[r];

        if (g->pid != p->pid)
            continue;
        if (grant_end(r) == 0) {
            *g = (struct ipc_grant){0}; /* vm_destroy frees the frame */
        } else {
            g->pid = 0;
            g->orphan = true;
        }
    }
}
