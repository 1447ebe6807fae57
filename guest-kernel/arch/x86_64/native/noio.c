/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What only a hypervisor offers: event channels, grants, domain control
 * and the toolstack's shutdown requests. On the bare machine there is no
 * other domain, so each answers -SYS_ENOSYS, as arch.h allows; the kernel
 * then runs with its console on the serial port and no back ends.
 */
#include "arch.h"
#include "native.h"
#include "uapi/sys.h"

int arch_evtchn_alloc_unbound(uint32_t remote_dom)
{
    (void)remote_dom;
    return -SYS_ENOSYS;
}

int arch_evtchn_bind_interdomain(uint32_t remote_dom, uint32_t remote_port)
{
    (void)remote_dom;
    (void)remote_port;
    return -SYS_ENOSYS;
}

int arch_evtchn_bind_virq(uint32_t virq)
{
    (void)virq;
    return -SYS_ENOSYS;
}

int arch_evtchn_send(uint32_t port)
{
    (void)port;
    return -SYS_ENOSYS;
}

int arch_evtchn_close(uint32_t port)
{
    (void)port;
    return -SYS_ENOSYS;
}

void arch_evtchn_mask(uint32_t port)
{
    (void)port;
}

int arch_evtchn_unmask(uint32_t port)
{
    (void)port;
    return -SYS_ENOSYS;
}

void arch_evtchn_take(void (*fn)(uint32_t port))
{
    (void)fn;
}

struct arch_grant_entry *arch_grant_setup(int *err)
{
    *err = -SYS_ENOSYS;
    return NULL;
}

int arch_grant_map(uint32_t dom, uint32_t ref, bool readonly, void **va,
                   uint32_t *handle)
{
    (void)dom;
    (void)ref;
    (void)readonly;
    (void)va;
    (void)handle;
    return -SYS_ENOSYS;
}

int arch_grant_unmap(void *va, uint32_t handle)
{
    (void)va;
    (void)handle;
    return -SYS_ENOSYS;
}

int arch_grant_map_user(struct arch_space *s, uint64_t va, uint32_t dom,
                        uint32_t ref, bool readonly, uint32_t *handle)
{
    (void)s;
    (void)va;
    (void)dom;
    (void)ref;
    (void)readonly;
    (void)handle;
    return -SYS_ENOSYS;
}

int arch_grant_unmap_user(uint64_t va, uint32_t handle)
{
    (void)va;
    (void)handle;
    return -SYS_ENOSYS;
}

int arch_domctl_getdomaininfo(uint32_t first, struct arch_domaininfo *out)
{
    (void)first;
    (void)out;
    return -SYS_ENOSYS;
}

long arch_domctl(uint64_t cmd, uint64_t arg)
{
    (void)cmd;
    (void)arg;
    return -SYS_ENOSYS;
}

long arch_hv_entries(void)
{
    return -SYS_ENOSYS; /* no hypervisor (hvm counts its exits itself) */
}

uint32_t arch_shutdown_request(void)
{
    return 0;
}

/* A domU's shutdown: on the bare machine, the machine's. isa-debug-exit
 * value 3 is what run.sh reads as a reboot request. */
void arch_shutdown(uint32_t reason)
{
    native_exit(reason == ARCH_SHUTDOWN_REBOOT ? 3 : 0);
}
