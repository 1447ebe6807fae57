/* SPDX-License-Identifier: BSD-2-Clause */
/* HC_sched_op: give up the CPU, wait for events, or stop the domain. */
#ifndef CARAPACE_ABI_SCHED_H
#define CARAPACE_ABI_SCHED_H

#define SCHED_yield    0 /* arg ignored: let other vCPUs run */
#define SCHED_block    1 /* arg ignored: sleep until an event is pending */
#define SCHED_shutdown 2 /* arg = SHUTDOWN_*: stop the domain for good */
/* SCHED_poll: arg = deadline in ns of system time, 0 = none: SCHED_block
 * that also ends at the deadline */
#define SCHED_poll 3

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot   1
#define SHUTDOWN_crash    2

#endif /* CARAPACE_ABI_SCHED_H */
