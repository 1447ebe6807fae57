/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The domU of bench-evtchn: binds the port dom0 allocated for it (see
 * evtchn-pingpong/domu.c) and answers each event with one, BENCH_ROUNDS
 * times.
 */
#include "bench.h"

const char test_title[] = "bench-evtchn: the echo domU";

void test_main(void)
{
    uint32_t remote = 0, port = evtchn_guest_find_dom0(8, &remote);

    if (!test_check(port != 0, "found the port dom0 allocated for us"))
        return;
    for (uint32_t i = 0; i < BENCH_WARMUP + BENCH_ROUNDS; i++) {
        evtchn_guest_wait(port, i);
        hc_evtchn_send(port);
    }
}
