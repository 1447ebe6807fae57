/* SPDX-License-Identifier: BSD-2-Clause */
/* HC_domctl, the toolstack's hypercall (domctl.c; its handler,
 * hypercall_domctl, is dom0's only: else -EPERM). */
#ifndef CARAPACE_DOMCTL_H
#define CARAPACE_DOMCTL_H

#include <stdint.h>

#include <carapace/domctl.h>

struct domain;
struct vcpu;

/* domctl_mem.c: building a domain's memory and first vCPU state. Each is
 * DOMCTL_<name>'s handler in domctl.c's table; arg is the command's. */
long domctl_populate(struct vcpu *v, uint64_t arg);
long domctl_release(struct vcpu *v, uint64_t arg);
long domctl_set_max_mem(struct vcpu *v, uint64_t arg);
long domctl_getp2m(struct vcpu *v, uint64_t arg);
long domctl_write_memory(struct vcpu *v, uint64_t arg);
long domctl_copy(struct vcpu *v, uint64_t arg);
long domctl_console_setup(struct vcpu *v, uint64_t arg);
long domctl_setvcpucontext(struct vcpu *v, uint64_t arg);
/* Its part for a trap domain (trap_build.c), c read and d still building. */
struct domctl_vcpucontext;
long domctl_setvcpucontext_trap(struct domain *d,
                                const struct domctl_vcpucontext *c);
/* What getdomaininfo reports for d. */
void domctl_info_fill(const struct domain *d, struct domctl_domaininfo *i);

#endif /* CARAPACE_DOMCTL_H */
