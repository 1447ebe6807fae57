/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pv backend of arch.h for domain control: HC_domctl as it is (for
 * kernel/domctl.c, which has already copied everything into the kernel)
 * and the toolstack's shutdown requests (vcpu_info.shutdown_request).
 */
#include <carapace/errno.h>
#include <carapace/sched.h>
#include <carapace/shared.h>

#include "arch.h"
#include "hypercall.h"
#include "pv.h"
#include "uapi/sys.h"

long arch_domctl(uint64_t cmd, uint64_t arg)
{
    long rc = hc2(HC_domctl, cmd, arg);

    if (rc >= 0)
        return rc;
    /* Hypervisor codes are Linux's, the kernel's newlib's: they differ
     * only above ESPIPE. */
    switch (-rc) {
    case CARAPACE_ENOSYS:
        return -SYS_ENOSYS;
    case CARAPACE_ERANGE:
        return -SYS_EINVAL;
    default:
        return -rc <= SYS_ESPIPE ? rc : -SYS_EIO;
    }
}

long arch_hv_entries(void)
{
    long n = hc_version(VERSION_ENTRIES);

    return n < 0 ? -SYS_ENOSYS : n; /* an older hypervisor: not counted */
}

uint32_t arch_shutdown_request(void)
{
    return __atomic_load_n(&pv_shared_info()->vcpu[0].shutdown_request,
                           __ATOMIC_ACQUIRE);
}

void arch_shutdown(uint32_t reason)
{
    hc_sched_op(SCHED_shutdown, reason);
    for (;;)
        hc_sched_op(SCHED_block, 0);
}
