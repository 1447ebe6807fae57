/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dom0's console back end (kernel/conback.c): connects to every domU's
 * console ring, keeps the last CONBACK_HISTORY bytes of its output, and
 * serves /dev/dom/N/console (N = domain id): reads return the history and
 * then wait for more (0 once the domain is gone; -SYS_EAGAIN instead of
 * waiting with SYS_O_NONBLOCK); writes go to the domU's input.
 */
#ifndef GK_CONBACK_H
#define GK_CONBACK_H

#include <stdint.h>

#include "uapi/sys.h"
#include "vm.h"

#define CONBACK_HISTORY (64u * 1024)
#define CONBACK_DOMAINS SYS_DOMCONS_MAX /* domains with a history at once */

void conback_init(void);
/* After DOMCTL_console_setup of domid: connects to its console now. 0, or
 * -SYS_ENOSPC (CONBACK_DOMAINS domains connected), -SYS_ENOMEM (no frames
 * for its history) or -SYS_EIO (its ring could not be mapped or bound). */
int conback_setup(uint32_t domid);
/* SYS_domcons: connect to domid's console now (a domain made with
 * SYS_DOMCTL_CONSOLE_LATER, or one whose slot was taken), or disconnect
 * and free its slot. Errors: uapi/sys.h, SYS_DOMCONS_*. -SYS_EPERM
 * where there is no back end (a domU's kernel). */
int conback_attach(uint32_t domid);
int conback_detach(uint32_t domid);
/* dev: the fs node's device number (FS_DEV_DOMCONS + domid). */
long conback_read(uint32_t domid, uint64_t *pos, int flags, struct vm *vm,
                  uint64_t ubuf, uint64_t len);
long conback_write(uint32_t domid, struct vm *vm, uint64_t ubuf, uint64_t len);

#endif /* GK_CONBACK_H */
