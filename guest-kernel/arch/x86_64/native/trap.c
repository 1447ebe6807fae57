/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The native backend's traps, events, time and console.
 *
 * The kernel runs with interrupts off (IF clear) at all times, as the pv
 * kernel runs with events masked; user mode runs with them on. An
 * interrupt is therefore taken either from user mode, where it becomes
 * trap_event() exactly like a pv event upcall, or in arch_idle's sti; hlt,
 * where it only records its ARCH_EVENT_* bit for the scheduler to take.
 * The pending bits are the native counterpart of the shared-info page's
 * pending VIRQs.
 */
#include "arch.h"
#include "native.h"
#include "print.h"
#include "regs.h"
#include "trapname.h"

static uint32_t trap_pending;  /* ARCH_EVENT_*: set by interrupts */
static uint64_t trap_deadline; /* the one-shot timer's, 0: none */

static void trap_timer(void)
{
    uint64_t now = native_tsc_ns();

    native_dev_eoi(0);
    if (!trap_deadline)
        return;
    if (now < trap_deadline) {
        /* Beyond the PIT's 16-bit reach: the next stretch. */
        native_pit_oneshot(trap_deadline - now);
        return;
    }
    trap_deadline = 0;
    trap_pending |= ARCH_EVENT_TIMER;
}

static void trap_fault_of(struct arch_regs *r)
{
    struct arch_fault f = {0};

    f.name = trapname(r->vector);
    f.error_code = r->error_code;
    if (r->vector == 14) {
        asm volatile("mov %%cr2, %0" : "=r"(f.addr));
        f.page_fault = true;
        f.present = r->error_code & 1;
        f.write = r->error_code & 2;
        f.exec = r->error_code & 16;
    }
    trap_fault(r, &f);
}

void native_trap(struct arch_regs *r)
{
    switch (r->vector) {
    case NATIVE_VEC_SYSCALL:
        trap_syscall(r);
        return;
    case NATIVE_VEC_TIMER:
        trap_timer();
        break;
    case NATIVE_VEC_SERIAL:
        if (native_serial_rx())
            trap_pending |= ARCH_EVENT_CONSOLE;
        native_dev_eoi(4);
        break;
    default:
        if (r->vector < NATIVE_VEC_IRQ0) {
            trap_fault_of(r);
            return;
        }
        /* A spurious IRQ 7 or 15, or a masked line: nothing to do. */
        return;
    }
    if (trap_pending && arch_regs_user(r))
        trap_event(r);
}

/* --- Events and time ------------------------------------------------------ */

void arch_events_mask(void)
{
    asm volatile("cli" ::: "memory");
}

void arch_events_unmask(void)
{
    /* The kernel takes interrupts only in arch_idle: let one that is
     * waiting in the PIC record its bit, then mask again. */
    asm volatile("sti; nop; cli" ::: "memory");
}

uint32_t arch_events_take(void)
{
    uint32_t out = trap_pending;

    trap_pending = 0;
    return out;
}

void arch_idle(void)
{
    /* sti takes effect after the next instruction, so an interrupt that
     * is already waiting is taken in hlt, not lost before it. */
    if (!trap_pending)
        asm volatile("sti; hlt; cli" ::: "memory");
}

void arch_yield(void)
{
    /* No other domain: nothing to yield to. */
}

uint64_t arch_time_ns(void)
{
    return native_tsc_ns();
}

void arch_timer_set(uint64_t deadline)
{
    uint64_t now = native_tsc_ns();

    trap_deadline = deadline ? deadline : 1;
    native_pit_oneshot(trap_deadline > now ? trap_deadline - now : 0);
}

/* --- Console and power ------------------------------------------------- */

void arch_console_write(const char *s, size_t len)
{
    native_serial_write(s, len);
}

bool arch_console_can_read(void)
{
    return true;
}

long arch_console_read(char *buf, size_t len)
{
    return native_serial_read(buf, len);
}

/* isa-debug-exit: QEMU exits with (value << 1) | 1, which run.sh reads as
 * the pv hypervisor's: 1 powered off, 5 crashed (the value 2 dom0's crash
 * gives). */
void arch_poweroff(void)
{
    native_exit(0);
}

void arch_crash(void)
{
    native_exit(2);
}
