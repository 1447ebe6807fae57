/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The local APIC timer: the hypervisor's tick. Its frequency is unknown, so
 * it is measured against the PIT (channel 2, 1.193182 MHz, a fixed clock on
 * every PC) over 10 ms, and so is the TSC, which then gives arch_time_ns().
 * It runs one-shot: each interrupt arms it for the next scheduler tick
 * (TIMER_HZ) or the earliest guest deadline, whichever comes first, so that
 * guest timers fire on time rather than at the next tick.
 * The legacy 8259 PICs are remapped away from the exception vectors and
 * masked: the hypervisor takes no interrupt from them.
 */
#include <stdbool.h>
#include <stdint.h>

#include <carapace/shared.h>

#include "arch.h"
#include "log.h"
#include "console.h"
#include "sched.h"
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/percpu.h>
#include <arch/setup.h>
#include <arch/trap.h>

#define TIMER_HZ 100

#define APIC_EOI       0x0b0
#define APIC_SVR       0x0f0
#define APIC_LVT_TIMER 0x320
#define APIC_TMR_INIT  0x380
#define APIC_TMR_CUR   0x390
#define APIC_TMR_DIV   0x3e0
#define SVR_ENABLE     (1u << 8)
#define LVT_MASKED     (1u << 16)
#define TMR_DIV_16     0x3

#define PIT_HZ        1193182u
#define PIT_CALIB_MS  10u
#define PIT_CH2       0x42
#define PIT_CMD       0x43
#define PIT_GATE_PORT 0x61

#define TICK_NS       (1000000000ULL / TIMER_HZ)
#define ARM_MIN_COUNT 16 /* never arm for less: the interrupt must come */

static volatile uint32_t *apic_regs;
static uint64_t apic_tsc_per_ms;
static uint32_t apic_count_per_tick;        /* APIC counts in TICK_NS */
static uint64_t apic_next_tick, apic_armed; /* system time, ns */

static uint32_t apic_read(unsigned reg)
{
    return apic_regs[reg / 4];
}

static void apic_write(unsigned reg, uint32_t v)
{
    apic_regs[reg / 4] = v;
}

uint64_t apic_phys_base(void)
{
    return rdmsr(MSR_APIC_BASE) & 0xffffff000ULL;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

/* Arm the one-shot timer to fire at system time `at` (soon if past). */
static void apic_arm(uint64_t at)
{
    uint64_t now = arch_time_ns();
    uint64_t count = at > now ? (at - now) * apic_count_per_tick / TICK_NS : 0;

    if (count < ARM_MIN_COUNT)
        count = ARM_MIN_COUNT;
    if (count > 0xffffffffu)
        count = 0xffffffffu;
    apic_armed = at;
    apic_write(APIC_TMR_INIT, (uint32_t)count);
}

void apic_timer_interrupt(void)
{
    uint64_t now = arch_time_ns(), next;
    bool tick = false;

    apic_eoi();
    while (apic_next_tick <= now) {
        this_cpu()->ticks++;
        apic_next_tick += TICK_NS;
        tick = true;
    }
    next = sched_timer_interrupt(now, tick);
    if (tick)
        console_tick();
    apic_arm(next < apic_next_tick ? next : apic_next_tick);
}

void arch_timer_kick(uint64_t deadline_ns)
{
    if (apic_count_per_tick && deadline_ns < apic_armed)
        apic_arm(deadline_ns);
}

uint64_t arch_timer_ticks(void)
{
    return this_cpu()->ticks;
}

uint64_t arch_time_ns(void)
{
    if (!apic_tsc_per_ms)
        return 0;
    uint64_t d = rdtsc() - setup_boot_tsc;

    /* Split so that d * 1000000 cannot overflow. */
    return d / apic_tsc_per_ms * 1000000 +
           d % apic_tsc_per_ms * 1000000 / apic_tsc_per_ms;
}

void arch_vcpu_time_update(struct vcpu_time_info *t)
{
    /* ns = ((tsc - tsc_timestamp) << shift) * mul >> 32, with mul < 2^32. */
    uint64_t mul = apic_tsc_per_ms ? (1000000ULL << 32) / apic_tsc_per_ms : 0;
    int8_t shift = 0;

    while (mul >> 32) {
        mul >>= 1;
        shift++;
    }
    __atomic_add_fetch(&t->version, 1, __ATOMIC_SEQ_CST); /* odd: updating */
    t->tsc_timestamp = rdtsc();
    t->system_time = arch_time_ns();
    t->tsc_to_system_mul = (uint32_t)mul;
    t->tsc_shift = shift;
    __atomic_add_fetch(&t->version, 1, __ATOMIC_SEQ_CST);
}

static void apic_pic_disable(void)
{
    /* ICW1..4: remap master to 0x20, slave to 0x28, then mask everything. */
    static const uint8_t seq[][2] = {
        {0x20, 0x11}, {0xa0, 0x11}, {0x21, 0x20}, {0xa1, 0x28}, {0x21, 0x04},
        {0xa1, 0x02}, {0x21, 0x01}, {0xa1, 0x01}, {0x21, 0xff}, {0xa1, 0xff}};

    for (unsigned i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
        outb(seq[i][0], seq[i][1]);
}

/* Count APIC timer ticks (and TSC ticks) over PIT_CALIB_MS. */
static uint32_t apic_calibrate(void)
{
    uint32_t pit_count = PIT_HZ * PIT_CALIB_MS / 1000;
    uint8_t gate = inb(PIT_GATE_PORT);
    uint64_t tsc0;
    uint32_t apic_elapsed;

    /* Channel 2, mode 0 (interrupt on terminal count), binary. Its output
     * appears in bit 5 of port 0x61 once the count runs out. */
    outb(PIT_GATE_PORT, (gate & ~0x02) & ~0x01); /* speaker off, gate low */
    outb(PIT_CMD, 0xb0);
    outb(PIT_CH2, pit_count & 0xff);
    outb(PIT_CH2, pit_count >> 8);

    apic_write(APIC_TMR_DIV, TMR_DIV_16);
    apic_write(APIC_LVT_TIMER, LVT_MASKED);
    outb(PIT_GATE_PORT, (gate & ~0x02) | 0x01); /* gate high: count */
    apic_write(APIC_TMR_INIT, 0xffffffff);
    tsc0 = rdtsc();
    while (!(inb(PIT_GATE_PORT) & 0x20))
        cpu_relax();
    apic_elapsed = 0xffffffff - apic_read(APIC_TMR_CUR);
    apic_tsc_per_ms = (rdtsc() - tsc0) / PIT_CALIB_MS;
    apic_write(APIC_TMR_INIT, 0);
    outb(PIT_GATE_PORT, gate);
    return apic_elapsed;
}

unsigned arch_timer_init(void)
{
    uint32_t per_calib, init_count;

    apic_regs = (volatile uint32_t *)(FIXMAP_BASE + FIXMAP_LAPIC * 4096);
    apic_pic_disable();
    apic_write(APIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
    per_calib = apic_calibrate();
    init_count = per_calib / (PIT_CALIB_MS * TIMER_HZ / 1000);
    if (init_count == 0)
        init_count = 1;
    apic_count_per_tick = init_count;
    apic_write(APIC_TMR_DIV, TMR_DIV_16);
    apic_write(APIC_LVT_TIMER, VECTOR_TIMER); /* one-shot */
    apic_next_tick = arch_time_ns() + TICK_NS;
    apic_arm(apic_next_tick);
    log_info("APIC timer: %u Hz (bus %lu kHz / 16, count %u); TSC %lu kHz\n",
             TIMER_HZ, (uint64_t)per_calib * 16 / PIT_CALIB_MS, init_count,
             apic_tsc_per_ms);
    return TIMER_HZ;
}
