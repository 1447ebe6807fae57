/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Domain control for dom0's user programs (kernel/domctl.c): SYS_domctl
 * passes HC_domctl through for the toolstack, copying every argument
 * between the process and the kernel (the hypervisor cannot read user
 * memory: the kernel root does not map it). A domU also obeys the
 * toolstack's shutdown requests here (VIRQ_SHUTDOWN).
 */
#ifndef GK_DOMCTL_H
#define GK_DOMCTL_H

#include <stdbool.h>
#include <stdint.h>

struct proc;

void domctl_init(bool dom0);
bool domctl_is_dom0(void);
/* SYS_domctl(op, arg): the hypervisor's result or -SYS_E*. */
long domctl_syscall(struct proc *p, uint64_t op, uint64_t arg);
/* VIRQ_SHUTDOWN came (or may have): power off or reboot if asked to. */
void domctl_shutdown_check(void);

#endif /* GK_DOMCTL_H */
