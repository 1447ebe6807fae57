/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Round-robin scheduler. It owns the boot stack: a process gives up the
 * CPU by switching to the scheduler's context (sched_yield), and the
 * scheduler switches to the next runnable one, with a fresh 10 ms one-shot
 * timer. When the timer fires in user mode the event callback sets
 * sched_resched and the trap path yields (trap.c); the kernel itself is
 * never preempted, so it needs no locks. With nothing to run the
 * scheduler blocks the vCPU until an event is pending.
 */
#include "arch.h"
#include "domctl.h"
#include "event.h"
#include "proc.h"
#include "sched.h"
#include "tty.h"

static uint64_t sched_sp; /* the scheduler's context, while a process runs */
static bool sched_resched;
static uint64_t sched_boot_ns;
static unsigned int sched_last;

void sched_init(void)
{
    sched_boot_ns = arch_time_ns();
}

uint64_t sched_uptime_ns(void)
{
    return arch_time_ns() - sched_boot_ns;
}

bool sched_need_resched(void)
{
    return sched_resched;
}

void sched_events(void)
{
    uint32_t ev = arch_events_take();

    if (ev & ARCH_EVENT_TIMER)
        sched_resched = true;
    /* Input is polled on every tick as well: a console that raises no
     * event (ABI 1.0) is still read. */
    if (ev & (ARCH_EVENT_TIMER | ARCH_EVENT_CONSOLE))
        tty_poll();
    event_dispatch(ev); /* event-channel ports, VIRQ_DOM_EXC */
    if (ev & ARCH_EVENT_SHUTDOWN)
        domctl_shutdown_check();
}

/* Wakes the timed sleepers that are due; the next deadline (0: none). */
static uint64_t sched_timers(void)
{
    uint64_t now = arch_time_ns(), next = 0;

    for (unsigned int i = 0; i < SYS_PROC_MAX; i++) {
        struct proc *p = proc_slot(i);

        if (p->state != PROC_SLEEPING || !p->wake_ns)
            continue;
        if (p->wake_ns <= now)
            sched_wakeup(&p->wake_ns);
        else if (!next || p->wake_ns < next)
            next = p->wake_ns;
    }
    return next;
}

static struct proc *sched_pick(void)
{
    for (unsigned int i = 1; i <= SYS_PROC_MAX; i++) {
        unsigned int slot = (sched_last + i) % SYS_PROC_MAX;
        struct proc *p = proc_slot(slot);

        if (p->state == PROC_RUNNABLE) {
            sched_last = slot;
            return p;
        }
    }
    return NULL;
}

static void sched_dispatch(struct proc *p)
{
    uint64_t start;

    proc_current = p;
    arch_space_switch(&p->vm.space, p->kstack_top);
    arch_fpu_restore(&p->fpu);
    start = arch_time_ns();
    arch_timer_set(start + SCHED_SLICE_NS);
    sched_resched = false;
    arch_context_switch(&sched_sp, p->ctx_sp);
    /* Back on the scheduler's stack. The kernel never touches the FPU
     * (-mgeneral-regs-only), so it still holds p's state. */
    p->cpu_ns += arch_time_ns() - start;
    proc_current = NULL;
    if (p->state == PROC_ZOMBIE)
        proc_release(p);
    else
        arch_fpu_save(&p->fpu);
}

void sched_run(void)
{
    for (;;) {
        struct proc *p;
        uint64_t wake;

        sched_events();
        wake = sched_timers();
        p = sched_pick();
        if (p) {
            sched_dispatch(p);
            continue;
        }
        /* Idle. Without console events, a tick keeps input polled. */
        if (!arch_console_can_read() &&
            (!wake || wake > arch_time_ns() + SCHED_SLICE_NS))
            wake = arch_time_ns() + SCHED_SLICE_NS;
        if (wake) /* and timed sleepers wake on time */
            arch_timer_set(wake);
        arch_idle();
    }
}

void sched_yield(void)
{
    struct proc *p = proc_current;

    arch_context_switch(&p->ctx_sp, sched_sp);
}

void sched_sleep(const void *chan)
{
    struct proc *p = proc_current;

    p->wchan = chan;
    p->state = PROC_SLEEPING;
    sched_yield();
    p->wchan = NULL;
}

void sched_wakeup(const void *chan)
{
    for (unsigned int i = 0; i < SYS_PROC_MAX; i++) {
        struct proc *p = proc_slot(i);

        if (p->state == PROC_SLEEPING && p->wchan == chan)
            p->state = PROC_RUNNABLE;
    }
}

void sched_sleep_until(uint64_t deadline_ns)
{
    struct proc *p = proc_current;

    while (arch_time_ns() < deadline_ns && !p->killed) {
        p->wake_ns = deadline_ns;
        sched_sleep(&p->wake_ns);
        p->wake_ns = 0;
    }
}
