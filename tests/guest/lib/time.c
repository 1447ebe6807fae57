/* SPDX-License-Identifier: BSD-2-Clause */
/* System time from the shared-info page (the formula is in shared.h). */
#include "guest.h"

uint64_t system_time_ns(void)
{
    const volatile struct vcpu_time_info *t = &shared_info->vcpu[0].time;
    uint64_t stamp, base, tsc, delta;
    uint32_t version, mul;
    int8_t shift;

    do {
        version = t->version;
        barrier();
        stamp = t->tsc_timestamp;
        base = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        tsc = rdtsc();
        barrier();
    } while ((version & 1) || version != t->version);

    delta = tsc > stamp ? tsc - stamp : 0;
    if (shift >= 0)
        delta <<= shift;
    else
        delta >>= -shift;
    return base + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

volatile unsigned int timer_events;

void timer_event_handler(struct trap_frame *f)
{
    struct vcpu_info *v = &shared_info->vcpu[0];

    (void)f;
    WRITE_ONCE(v->upcall_pending, 0);
    if (__atomic_exchange_n(&v->pending_virqs, 0, __ATOMIC_SEQ_CST) &
        (1u << VIRQ_TIMER))
        timer_events++;
}

uint64_t timer_sleep_until(uint64_t deadline)
{
    unsigned int want = timer_events + 1;

    hc_set_timer(deadline);
    WRITE_ONCE(shared_info->vcpu[0].upcall_mask, 0);
    while (timer_events < want)
        hc_sched_op(SCHED_block, 0);
    WRITE_ONCE(shared_info->vcpu[0].upcall_mask, 1);
    return system_time_ns();
}
