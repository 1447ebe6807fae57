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
/* What getdomaininfo reports for d. */
void domctl_info_fill(const struct domain *d, struct domctl_domaininfo *i);

#endif /* CARAPACE_DOMCTL_H */
