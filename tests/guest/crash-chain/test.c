/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 250 domUs crash one after another without a guest instruction between.
 * Each blocks (SCHED_block, events unmasked) with its stack pointer on an
 * unmapped page; once all are blocked, dom0 pauses them all, asks each to
 * shut down (VIRQ_SHUTDOWN: an event pending for each) and unpauses them
 * all. When dom0 then waits, the scheduler picks them in turn, and on the
 * way back to each the hypervisor cannot push the event upcall's frame:
 * it crashes that domain and picks the next. That path once called the
 * scheduler from inside the return to the guest, one nested frame per
 * crash, so enough crashes in a row overflowed the hypervisor's stack;
 * now each crash goes back to the scheduler's loop. dom0 watches them all
 * end and goes on. The same image runs as dom0 and every domU (boot.dts).
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "crash-chain: 250 domUs crash in a row";

#define VICTIMS 250

static void unreachable(struct trap_frame *f)
{
    (void)f;
    test_fail("an event was delivered on an unwritable stack");
}

static void victim(void)
{
    trap_set_handler(TRAP_VECTOR_EVENT, unreachable);
    if (!test_expect_eq(trap_install_callbacks(), 0, "install callbacks"))
        return;
    console_flush();
    WRITE_ONCE(shared_info->vcpu[0].upcall_mask, 0);
    /* A bare syscall touches no stack: block with rsp on an unmapped page,
     * where the upcall's frame would go. */
    asm volatile("movabs $0x00007fff00000000, %%rsp\n\t"
                 "syscall\n"
                 "1: jmp 1b"
                 :
                 : "a"(HC_sched_op), "D"(SCHED_block), "S"(0)
                 : "memory");
}

static long domain_state(uint32_t domid)
{
    struct domctl_domaininfo info;

    memset(&info, 0, sizeof(info));
    info.domid = domid;
    if (hc_domctl(DOMCTL_getdomaininfo, &info) || info.domid != domid)
        return -CARAPACE_ESRCH;
    return info.state;
}

/* Every victim blocked, within 60 s of system time. */
static bool all_blocked(void)
{
    uint64_t t0 = system_time_ns();

    for (uint32_t d = 1; d <= VICTIMS; d++) {
        while (domain_state(d) != DOMCTL_STATE_BLOCKED) {
            if (system_time_ns() - t0 > 60000000000ULL) {
                test_error("domain %u never blocked (state %ld)", d,
                           domain_state(d));
                return false;
            }
            hc_sched_op(SCHED_yield, 0);
        }
    }
    return true;
}

static void crash_them_all(void)
{
    unsigned int paused = 0, told = 0, unpaused = 0, ended = 0;

    for (uint32_t d = 1; d <= VICTIMS; d++)
        paused += hc_domctl(DOMCTL_pause, (void *)(uint64_t)d) == 0;
    for (uint32_t d = 1; d <= VICTIMS; d++) {
        struct domctl_shutdown s = {.domid = d, .reason = SHUTDOWN_poweroff};

        told += hc_domctl(DOMCTL_shutdown, &s) == 0;
    }
    for (uint32_t d = 1; d <= VICTIMS; d++)
        unpaused += hc_domctl(DOMCTL_unpause, (void *)(uint64_t)d) == 0;
    test_expect_eq(paused, VICTIMS, "paused them all");
    test_expect_eq(told, VICTIMS, "asked them all to shut down");
    test_expect_eq(unpaused, VICTIMS, "unpaused them all");
    for (uint32_t d = 1; d <= VICTIMS; d++)
        ended += watch_domain_end(d, 30000) != WATCH_TIMEOUT;
    test_expect_eq(ended, VICTIMS, "every victim ended");
}

void test_main(void)
{
    if (start_info.domid != 0) {
        victim();
        return;
    }
    if (!all_blocked())
        return;
    printf("dom0: all %u victims are blocked\n", VICTIMS);
    crash_them_all();
    printf("dom0: still running after %u crashes in a row\n", VICTIMS);
}
