/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event dispatcher (kernel/event.c): event-channel ports, each bound to
 * a handler (called from the scheduler's event loop, with events masked,
 * never while another kernel path runs) or to a waiting process
 * (event_wait). Ports come from the arch layer; errors are -SYS_E*
 * (-SYS_ENOSYS: the hypervisor has no event channels).
 */
#ifndef GK_EVENT_H
#define GK_EVENT_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*event_fn)(uint32_t port, void *arg);

/* Each returns the local port, bound to fn(arg) (fn NULL: for
 * event_wait) and unmasked, or -SYS_E*. */
int event_alloc_unbound(uint32_t remote_dom, event_fn fn, void *arg);
int event_bind_interdomain(uint32_t remote_dom, uint32_t remote_port,
                           event_fn fn, void *arg);
int event_bind_virq(uint32_t virq, event_fn fn, void *arg);
/* A port someone else bound for us (the builder's console port). */
int event_bind_port(uint32_t port, event_fn fn, void *arg);
void event_close(uint32_t port);
int event_notify(uint32_t port);
void event_mask(uint32_t port);
void event_unmask(uint32_t port);
/* Sleeps the current process until port fires (0) or it is killed
 * (-SYS_EINTR). A firing while nobody waits is remembered once. */
int event_wait(uint32_t port);
/* VIRQ_DOM_EXC for dom0: bound to a port if the hypervisor can, else
 * taken from the legacy pending_virqs bit. Returns the port or 0. */
int event_on_dom_exc(void (*fn)(void));

/* Takes and dispatches pending ports and legacy bits (the scheduler). */
void event_dispatch(uint32_t legacy);
uint64_t event_count(void); /* port events dispatched so far */

#endif /* GK_EVENT_H */
