/* SPDX-License-Identifier: BSD-2-Clause */
/* The system calls of uapi/sys.h (kernel/syscall.c). */
#ifndef GK_SYSCALL_H
#define GK_SYSCALL_H

#include "arch.h"

void syscall_init(bool dom0, const char *hostname);
void syscall_dispatch(struct arch_regs *r);

#endif /* GK_SYSCALL_H */
