/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86_64 PV hypercalls: the trap table, callbacks, kernel stack and
 * segment bases (the MMU ones are in pv_mmu.c). Each validates everything
 * before changing anything, so a refused call leaves the vCPU as it was.
 */
#include <string.h>

#include <carapace/errno.h>
#include <carapace/hypercall.h>
#include <carapace/trap.h>

#include "domain.h"
#include "guestmem.h"
#include "hypercall.h"
#include <arch/cpu.h>
#include <arch/pv.h>

#define MSR_KERNEL_GS_BASE 0xc0000102

/* A code or data address a guest may hand us: in its half, canonical. */
static bool pv_hypercall_addr_ok(uint64_t va)
{
    return guestmem_range_ok(gva_init(va), 1);
}

long hypercall_set_trap_table(struct vcpu *v, const uint64_t a[5])
{
    uint64_t addr[ARCH_TRAP_VECTORS] = {0};
    uint8_t flags[ARCH_TRAP_VECTORS] = {0};
    struct trap_info t;

    for (unsigned i = 0; a[0] && i < TRAP_TABLE_MAX; i++) {
        if (guestmem_read(&t, gva_init(a[0] + i * sizeof(t)), sizeof(t)))
            return -CARAPACE_EFAULT;
        if (t.address == 0)
            break;
        for (unsigned k = 0; k < sizeof(t.pad); k++) {
            if (t.pad[k])
                return -CARAPACE_EINVAL;
        }
        if (t.vector >= ARCH_TRAP_VECTORS || (t.flags & ~TRAP_F_MASKEVENTS) ||
            !pv_hypercall_addr_ok(t.address))
            return -CARAPACE_EINVAL;
        addr[t.vector] = t.address;
        flags[t.vector] = t.flags;
    }
    memcpy(v->arch.trap_addr, addr, sizeof(addr));
    memcpy(v->arch.trap_flags, flags, sizeof(flags));
    return 0;
}

long hypercall_set_callbacks(struct vcpu *v, const uint64_t a[5])
{
    for (unsigned i = 0; i < 3; i++) {
        if (a[i] && !pv_hypercall_addr_ok(a[i]))
            return -CARAPACE_EINVAL;
    }
    v->arch.event_cb = a[0];
    v->arch.failsafe_cb = a[1];
    v->arch.syscall_cb = a[2];
    return 0;
}

long hypercall_stack_switch(struct vcpu *v, const uint64_t a[5])
{
    if (!guestmem_range_ok(gva_init(a[0]), 1))
        return -CARAPACE_EINVAL;
    v->arch.kernel_sp = a[0];
    return 0;
}

/* The live bases are in the CPU while v runs (FS in MSR_FS_BASE, the
 * current mode's GS in MSR_KERNEL_GS_BASE, swapped on exit). */
long hypercall_set_segment_base(struct vcpu *v, const uint64_t a[5])
{
    uint64_t base = a[1];

    if (a[0] > SEGBASE_GS_KERNEL || !guestmem_range_ok(gva_init(base), 1))
        return -CARAPACE_EINVAL;
    switch (a[0]) {
    case SEGBASE_FS:
        v->arch.fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        break;
    case SEGBASE_GS_USER:
        v->arch.gs_base_user = base;
        if (!v->arch.in_kernel)
            wrmsr(MSR_KERNEL_GS_BASE, base);
        break;
    case SEGBASE_GS_KERNEL:
        v->arch.gs_base_kernel = base;
        if (v->arch.in_kernel)
            wrmsr(MSR_KERNEL_GS_BASE, base);
        break;
    }
    return 0;
}
