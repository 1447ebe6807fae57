/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercall numbers and the calling convention (x86_64).
 *
 * A guest kernel makes hypercall N by calling the 32-byte stub at
 * hypercall_page + 32 * N. The hypervisor writes the stubs into the page
 * named by the CARAPACE_NOTE_HYPERCALL_PAGE ELF note before the guest
 * starts. Arguments go in rdi, rsi, rdx, r10, r8 (in that order); the result
 * comes back in rax. rcx and r11 are clobbered (the stub uses `syscall`);
 * every other register is preserved. Hypercalls are for the guest kernel:
 * a `syscall` from guest user mode is bounced to the guest kernel instead.
 */
#ifndef CARAPACE_ABI_HYPERCALL_H
#define CARAPACE_ABI_HYPERCALL_H

#define HYPERCALL_STUB_SIZE 32

#define HC_console_write     0  /* (const char *buf, uint64_t len) */
#define HC_version           1  /* (uint64_t cmd) */
#define HC_sched_op          2  /* (uint64_t cmd, uint64_t arg) */
#define HC_set_timer         3  /* (uint64_t deadline_ns) */
#define HC_set_trap_table    4  /* (const struct trap_info *table) */
#define HC_set_callbacks     5  /* (uint64_t event, failsafe, syscall) */
#define HC_iret              6  /* (struct iret_frame *frame) */
#define HC_stack_switch      7  /* (uint64_t kernel_rsp) */
#define HC_mmu_update        8  /* (const struct mmu_update *, count, done*) */
#define HC_update_va_mapping 9  /* (uint64_t va, uint64_t pte, flags) */
#define HC_mmuext_op         10 /* (const struct mmuext_op *, count, done*) */
#define HC_multicall         11 /* (struct multicall_entry *, count) */
#define HC_set_segment_base  12 /* (uint64_t which, uint64_t base) */
#define HC_event_channel_op  13 /* (cmd, arg): event_channel.h */
#define HC_grant_table_op    14 /* (cmd, args, count): grant_table.h */
#define HC_domctl            15 /* (cmd, arg): domctl.h, dom0 only */
#define HC_console_read      16 /* (char *buf, uint64_t len): dom0 only */
#define HC_NR                17

/* HC_version commands. */
#define VERSION_ABI      0 /* returns CARAPACE_ABI_VERSION */
#define VERSION_FEATURES 1 /* returns a mask of CARAPACE_FEAT_* */
/* (ABI 1.11) returns how many times the calling vCPU has entered the
 * hypervisor from the guest (system calls, hypercalls, exceptions,
 * interrupts; this call included): the tradeoff table's pv column */
#define VERSION_ENTRIES 2

#define CARAPACE_FEAT_MULTICALL  (1u << 0)
#define CARAPACE_FEAT_TIMER      (1u << 1)
#define CARAPACE_FEAT_CONSOLE_IN (1u << 2) /* HC_console_read, VIRQ_CONSOLE */
#define CARAPACE_FEAT_GRANT      (1u << 4) /* HC_grant_table_op */
#define CARAPACE_FEAT_EVTCHN     (1u << 3) /* HC_event_channel_op */

/* HC_console_write: at most this many bytes per call. */
#define CONSOLE_WRITE_MAX 4096

#endif /* CARAPACE_ABI_HYPERCALL_H */
