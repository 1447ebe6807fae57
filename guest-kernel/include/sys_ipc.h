/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels and grants for user programs (kernel/sys_ipc.c):
 * SYS_evtchn and SYS_grant, on event.h and grant.h, with what each
 * process opened undone when it exits.
 */
#ifndef GK_SYS_IPC_H
#define GK_SYS_IPC_H

#include <stdbool.h>
#include <stdint.h>

struct proc;

long sys_ipc_evtchn(struct proc *p, uint64_t op, uint64_t arg);
long sys_ipc_grant(struct proc *p, uint64_t op, uint64_t arg);
/* Closes p's ports, unmaps its foreign pages and ends its grants (a grant
 * the peer still maps is kept, with its frame, until it can be ended). */
void sys_ipc_exit(struct proc *p);
/* Is gfn kept for a grant of a process that exited? (vm_destroy must not
 * free it.) */
bool sys_ipc_frame_kept(uint32_t gfn);

#endif /* GK_SYS_IPC_H */
