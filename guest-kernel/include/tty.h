/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console tty (kernel/tty.c): output to the hypervisor console, input
 * (dom0 only) through a cooked line discipline.
 */
#ifndef GK_TTY_H
#define GK_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

void tty_init(bool has_input);
void tty_poll(void); /* take the hypervisor's pending input */
long tty_read(struct vm *vm, uint64_t ubuf, size_t len);
long tty_write(struct vm *vm, uint64_t ubuf, size_t len);
void tty_set_foreground(int pid);
void tty_proc_gone(int pid);
/* SYS_ttymode for process pid: 0 or -SYS_EINVAL. */
long tty_set_mode(int pid, int mode);

#endif /* GK_TTY_H */
