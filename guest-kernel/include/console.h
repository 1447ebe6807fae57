/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's console (kernel/console.c): the hypervisor console (dom0,
 * or a domU without a ring), or the front end of the split console ring
 * (a domU whose start info says console = "ring"). The tty sits on top.
 */
#ifndef GK_CONSOLE_H
#define GK_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* kind: the start info's "console" (NULL: "hypervisor"). */
void console_init(const char *kind, uint64_t ring_gfn, uint32_t port);
bool console_has_input(void);
bool console_is_ring(void);
/* Kernel output: never sleeps; if the ring stays full it waits a bounded
 * time for the back end, then drops what does not fit. */
void console_write(const char *s, size_t len);
/* Output of a process (tty_write): sleeps while the ring is full. Returns
 * the bytes written (fewer only if the process was killed). */
size_t console_write_proc(const char *s, size_t len);
long console_read(char *buf, size_t len); /* 0: nothing waiting */
/* Before the domain stops: waits (bounded) until the back end has taken
 * all output. */
void console_flush(void);

#endif /* GK_CONSOLE_H */
