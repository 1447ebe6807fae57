/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one-shot timer: HC_set_timer(now + 1 ms) and SCHED_block wake the
 * guest through its event callback with VIRQ_TIMER pending, once, after
 * at least 1 ms of system time; a deadline in the past fires at once; bad
 * callback addresses are refused.
 */
#include "guest.h"

const char test_title[] = "timer: set_timer, block, event callback";

#define MS 1000000ULL

static volatile unsigned int events;
static struct trap_frame event_frame;
static volatile uint32_t virqs_seen;
static volatile uint8_t mask_in_callback;

static void event_handler(struct trap_frame *f)
{
    struct vcpu_info *v = &shared_info->vcpu[0];

    events++;
    event_frame = *f;
    mask_in_callback = READ_ONCE(v->upcall_mask);
    WRITE_ONCE(v->upcall_pending, 0);
    virqs_seen |= __atomic_fetch_and(&v->pending_virqs, ~(1u << VIRQ_TIMER),
                                     __ATOMIC_SEQ_CST);
}

static void set_mask(uint8_t mask)
{
    barrier();
    WRITE_ONCE(shared_info->vcpu[0].upcall_mask, mask);
    barrier();
}

static void bad_callbacks(void)
{
    const uint64_t entry = (uint64_t)trap_entry;

    test_expect_eq(hc_set_callbacks(HYP_VA_EXAMPLE, entry, 0), -CARAPACE_EINVAL,
                   "event callback in the hypervisor half");
    test_expect_eq(hc_set_callbacks(GUEST_VA_END, entry, 0), -CARAPACE_EINVAL,
                   "event callback at 0x0000800000000000");
    test_expect_eq(hc_set_callbacks(entry, HYP_VA_EXAMPLE, 0), -CARAPACE_EINVAL,
                   "failsafe callback in the hypervisor half");
    test_expect_eq(hc_set_callbacks(entry, 0x8000000000000000ULL, 0),
                   -CARAPACE_EINVAL, "failsafe callback at 0x8000000000000000");
    test_expect_eq(hc_set_callbacks(entry, entry, HYP_VA_EXAMPLE),
                   -CARAPACE_EINVAL, "syscall callback in the hypervisor half");
}

static void one_ms(void)
{
    uint64_t start, deadline, end;
    unsigned int blocks = 0;
    long rc = 0;

    start = system_time_ns();
    deadline = start + MS;
    printf("system time %lu ns, deadline %lu ns\n", (unsigned long)start,
           (unsigned long)deadline);
    set_mask(0);
    test_expect_eq(hc_set_timer(deadline), 0, "set_timer(now + 1 ms)");
    while (events == 0 && blocks < 100) {
        rc = hc_sched_op(SCHED_block, 0);
        blocks++;
    }
    set_mask(1);
    end = system_time_ns();
    test_expect_eq(rc, 0, "SCHED_block returns 0");
    printf("woke after %u block(s), %lu ns later\n", blocks,
           (unsigned long)(end - start));
    test_expect_eq(events, 1, "the event callback ran once");
    test_expect_eq(event_frame.vector, TRAP_VECTOR_EVENT,
                   "frame->vector == TRAP_VECTOR_EVENT");
    test_expect_eq(event_frame.rflags & 0x200, 0x200,
                   "frame->rflags.IF set: events were unmasked");
    test_expect_eq(event_frame.flags, 0, "frame->flags (kernel mode)");
    printf("upcall_mask in the callback: %u\n", mask_in_callback);
    test_expect_eq(virqs_seen & (1u << VIRQ_TIMER), 1u << VIRQ_TIMER,
                   "VIRQ_TIMER was pending");
    test_check(end >= deadline, "system time %lu reached the deadline %lu",
               (unsigned long)end, (unsigned long)deadline);
    test_check(end - start >= MS, "system time advanced by >= 1 ms (%lu ns)",
               (unsigned long)(end - start));
}

/* Wait with events unmasked until the callback has run `want` times (at
 * most `tries` blocks). */
static void block_until(unsigned int want, unsigned int tries)
{
    set_mask(0);
    while (events < want && tries--)
        hc_sched_op(SCHED_block, 0);
    set_mask(1);
}

/*
 * A deadline in the past fires at once: it must not be lost, nor wait for
 * some later deadline. With events masked, whether the event is already
 * pending when HC_set_timer returns is printed; then, unmasked, SCHED_block
 * must return with the callback run well within a timer tick or two.
 */
static void in_the_past(void)
{
    const struct vcpu_info *v = &shared_info->vcpu[0];
    unsigned int before = events;
    uint64_t start, end;

    virqs_seen = 0;
    start = system_time_ns();
    test_expect_eq(hc_set_timer(start / 2), 0,
                   "set_timer(a deadline in the past)");
    printf("right after set_timer: pending_virqs %#x, upcall_pending %u\n",
           READ_ONCE(v->pending_virqs), READ_ONCE(v->upcall_pending));
    test_expect_eq(events, before, "no callback while masked");
    block_until(before + 1, 100);
    end = system_time_ns();
    printf("delivered %lu ns after set_timer\n", (unsigned long)(end - start));
    test_expect_eq(events - before, 1, "delivered once, unmasked");
    test_expect_eq(virqs_seen & (1u << VIRQ_TIMER), 1u << VIRQ_TIMER,
                   "the callback saw VIRQ_TIMER");
    test_check(end - start < 50 * MS, "fired within 50 ms (%lu ns)",
               (unsigned long)(end - start));
}

void test_main(void)
{
    bad_callbacks();
    trap_set_handler(TRAP_VECTOR_EVENT, event_handler);
    test_expect_eq(trap_install_callbacks(), 0,
                   "set_callbacks(trap_entry, trap_entry, 0)");
    one_ms();
    in_the_past();
}
