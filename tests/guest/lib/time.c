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
