/* SPDX-License-Identifier: BSD-2-Clause */
/* HC_domctl, the toolstack's hypercall (domctl.c). */
#ifndef CARAPACE_DOMCTL_H
#define CARAPACE_DOMCTL_H

#include <stdint.h>

#include <carapace/domctl.h>

struct domain;
struct vcpu;

/* The hypercall: dom0's (DOMAIN_F_PRIVILEGED) only, else -EPERM. */
long domctl_hypercall(struct vcpu *v, const uint64_t a[5]);
/* domctl_mem.c: building a domain's memory and first vCPU state. */
long domctl_memory(uint32_t cmd, uint64_t va);
long domctl_getp2m(uint64_t va);
long domctl_write_memory(uint64_t va);
long domctl_console_setup(uint64_t va);
long domctl_setvcpucontext(uint64_t va);
/* What getdomaininfo reports for d. */
void domctl_info_fill(const struct domain *d, struct domctl_domaininfo *i);

#endif /* CARAPACE_DOMCTL_H */
