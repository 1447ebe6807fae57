/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event dispatcher. The scheduler takes pending events between
 * processes and while idle (sched_events); the arch layer hands each
 * pending port here and this calls the port's handler, or marks it fired
 * and wakes the process waiting for it. The kernel runs with events
 * masked, so a handler never interrupts kernel code: a process that checks
 * a condition and then sleeps on it (sched_sleep) cannot miss the event
 * that changes it, which is only dispatched once it sleeps.
 */
#include "event.h"
#include "arch.h"
#include "print.h"
#include "proc.h"
#include "sched.h"

struct event_port {
    bool bound;
    bool fired;
    event_fn fn;
    void *arg;
};

static struct event_port event_ports[ARCH_EVTCHN_PORTS];
static void (*event_dom_exc_fn)(void);
static uint64_t event_total;

static int event_attach(int port, event_fn fn, void *arg)
{
    struct event_port *e;

    if (port < 0)
        return port;
    if (port == 0 || port >= ARCH_EVTCHN_PORTS) {
        kprintf("kernel: event channel port %d out of range\n", port);
        return -SYS_EINVAL;
    }
    e = &event_ports[port];
    *e = (struct event_port){.bound = true, .fn = fn, .arg = arg};
    event_unmask((uint32_t)port);
    return port;
}

int event_alloc_unbound(uint32_t remote_dom, event_fn fn, void *arg)
{
    return event_attach(arch_evtchn_alloc_unbound(remote_dom), fn, arg);
}

int event_bind_interdomain(uint32_t remote_dom, uint32_t remote_port,
                           event_fn fn, void *arg)
{
    return event_attach(arch_evtchn_bind_interdomain(remote_dom, remote_port),
                        fn, arg);
}

int event_bind_virq(uint32_t virq, event_fn fn, void *arg)
{
    return event_attach(arch_evtchn_bind_virq(virq), fn, arg);
}

int event_bind_port(uint32_t port, event_fn fn, void *arg)
{
    return event_attach((int)port, fn, arg);
}

void event_close(uint32_t port)
{
    if (port == 0 || port >= ARCH_EVTCHN_PORTS)
        return;
    arch_evtchn_mask(port);
    arch_evtchn_close(port);
    /* A waiter learns through the wake-up; event_wait sees !bound. */
    event_ports[port] = (struct event_port){0};
    sched_wakeup(&event_ports[port]);
}

int event_notify(uint32_t port)
{
    return arch_evtchn_send(port);
}

void event_mask(uint32_t port)
{
    arch_evtchn_mask(port);
}

void event_unmask(uint32_t port)
{
    arch_evtchn_unmask(port);
}

int event_wait(uint32_t port)
{
    struct event_port *e;

    if (port == 0 || port >= ARCH_EVTCHN_PORTS)
        return -SYS_EINVAL;
    e = &event_ports[port];
    while (e->bound && !e->fired) {
        if (proc_current->killed)
            return -SYS_EINTR;
        sched_sleep(e);
    }
    if (!e->bound)
        return -SYS_EIO;
    e->fired = false;
    return 0;
}

static void event_port_fire(uint32_t port)
{
    struct event_port *e = &event_ports[port];

    event_total++;
    if (!e->bound)
        return; /* closed since: nothing to do */
    if (e->fn) {
        e->fn(port, e->arg);
    } else {
        e->fired = true;
        sched_wakeup(e);
    }
}

static void event_dom_exc(uint32_t port, void *arg)
{
    (void)port;
    (void)arg;
    if (event_dom_exc_fn)
        event_dom_exc_fn();
}

int event_on_dom_exc(void (*fn)(void))
{
    int port;

    event_dom_exc_fn = fn;
    port = event_bind_virq(ARCH_VIRQ_DOM_EXC, event_dom_exc, NULL);
    return port > 0 ? port : 0; /* else the legacy bit */
}

void event_dispatch(uint32_t legacy)
{
    if ((legacy & ARCH_EVENT_DOM_EXC) && event_dom_exc_fn)
        event_dom_exc_fn();
    arch_evtchn_take(event_port_fire);
}

uint64_t event_count(void)
{
    return event_total;
}
