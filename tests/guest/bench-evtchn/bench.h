/* SPDX-License-Identifier: BSD-2-Clause */
/* What bench-evtchn's dom0 and its echo domU agree on. */
#ifndef BENCH_EVTCHN_H
#define BENCH_EVTCHN_H

#include "../evtchn-common/evtchn_guest.h"

#define BENCH_WARMUP 100  /* round trips before the clock starts */
#define BENCH_ROUNDS 2000 /* measured round trips */

#endif /* BENCH_EVTCHN_H */
