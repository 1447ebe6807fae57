/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Console input for dom0: bytes typed on the serial line raise VIRQ_CONSOLE
 * and come back, in order and once, from HC_console_read; bad buffers get
 * -EFAULT and lose nothing that was not asked for.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "console-read: serial input through HC_console_read";

/* What test.cfg types: read back in pieces of at most 5 bytes. */
static const char typed[] = "hello, dom0\n";

static volatile unsigned int console_events, timeout_events;

static void event_handler(struct trap_frame *f)
{
    struct vcpu_info *v = &shared_info->vcpu[0];
    uint32_t virqs;

    (void)f;
    WRITE_ONCE(v->upcall_pending, 0);
    virqs = __atomic_exchange_n(&v->pending_virqs, 0, __ATOMIC_SEQ_CST);
    if (virqs & (1u << VIRQ_CONSOLE))
        console_events++;
    if (virqs & (1u << VIRQ_TIMER))
        timeout_events++;
}

/* Block until VIRQ_CONSOLE number `want` (the line may arrive in pieces,
 * as QEMU feeds the UART), for at most 2 s of system time. */
static bool wait_for_input(unsigned int want)
{
    unsigned int timeouts = timeout_events;

    hc_set_timer(system_time_ns() + 2000000000ULL);
    WRITE_ONCE(shared_info->vcpu[0].upcall_mask, 0);
    while (console_events < want && timeout_events == timeouts)
        hc_sched_op(SCHED_block, 0);
    hc_set_timer(0);
    WRITE_ONCE(shared_info->vcpu[0].upcall_mask, 1);
    return console_events >= want;
}

static void read_back(void)
{
    char got[sizeof(typed)] = {0};
    size_t have = 0;
    unsigned int tries = 0;

    test_check(wait_for_input(1), "VIRQ_CONSOLE arrived");
    while (have < sizeof(typed) - 1 && tries++ < 100) {
        long n = hc_console_read(got + have, 5);

        if (n < 0 || n > 5) {
            test_check(false, "read of at most 5 returned %ld", n);
            return;
        }
        have += (size_t)n;
        if (n == 0 && !wait_for_input(console_events + 1))
            break; /* more was on the wire, and never came */
    }
    printf("read back %zu bytes in %u reads: %s", have, tries, got);
    test_check(have == sizeof(typed) - 1 && !memcmp(got, typed, have),
               "read back exactly what was typed, once");
    test_expect_eq(hc_console_read(got, sizeof(got)), 0,
                   "nothing more to read");
}

void test_main(void)
{
    char buf[8];

    test_check(hc_version(VERSION_FEATURES) & CARAPACE_FEAT_CONSOLE_IN,
               "VERSION_FEATURES has CARAPACE_FEAT_CONSOLE_IN");
    test_expect_eq(hc_console_read(buf, 0), 0, "length 0 reads nothing");
    test_expect_eq(hc_console_read(NULL, 8), -CARAPACE_EFAULT, "NULL buffer");
    test_expect_eq(hc_console_read((void *)HYP_VA_EXAMPLE, 8), -CARAPACE_EFAULT,
                   "buffer in the hypervisor's direct map");
    test_expect_eq(hc_console_read((void *)(GUEST_VA_END - 4), 8),
                   -CARAPACE_EFAULT, "buffer running off the lower half");
    trap_set_handler(TRAP_VECTOR_EVENT, event_handler);
    test_expect_eq(trap_install_callbacks(), 0, "install the event callback");
    read_back();
}
