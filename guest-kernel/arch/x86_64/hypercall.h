/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercalls of the guest kernel (arch/x86_64 only: generic code goes
 * through arch.h). hcN(nr, ...) calls the stub at
 * hypercall_page + 32 * nr (nr must be a constant) with the arguments in
 * rdi, rsi, rdx, r10, r8 and returns rax; rcx and r11 are clobbered.
 * The typed helpers below return what the hypervisor returned:
 * 0 or a documented value, or a negative CARAPACE_E* code.
 */
#ifndef GK_PV_HYPERCALL_H
#define GK_PV_HYPERCALL_H

#include <stdint.h>

#include <carapace/errno.h>
#include <carapace/hypercall.h>
#include <carapace/mmu.h>
#include <carapace/multicall.h>
#include <carapace/sched.h>
#include <carapace/trap.h>

#include "hypercall_call.h"

/* --- Typed helpers ------------------------------------------------------- */

static inline long hc_console_write(const void *buf, uint64_t len)
{
    return hc2(HC_console_write, buf, len);
}

static inline long hc_console_read(void *buf, uint64_t len)
{
    return hc2(HC_console_read, buf, len);
}

static inline long hc_version(uint64_t cmd)
{
    return hc2(HC_version, cmd, 0);
}

static inline long hc_sched_op(uint64_t cmd, uint64_t arg)
{
    return hc2(HC_sched_op, cmd, arg);
}

static inline long hc_set_timer(uint64_t deadline_ns)
{
    return hc1(HC_set_timer, deadline_ns);
}

static inline long hc_set_trap_table(const struct trap_info *table)
{
    return hc1(HC_set_trap_table, table);
}

static inline long hc_set_callbacks(uint64_t event, uint64_t failsafe,
                                    uint64_t syscall)
{
    return hc3(HC_set_callbacks, event, failsafe, syscall);
}

/* Returns only on failure (a negative code); on success execution goes on
 * at f->rip with f's registers. */
static inline long hc_iret(const struct iret_frame *f)
{
    return hc1(HC_iret, f);
}

static inline long hc_stack_switch(uint64_t kernel_rsp)
{
    return hc1(HC_stack_switch, kernel_rsp);
}

static inline long hc_mmu_update(const struct mmu_update *reqs, uint64_t count,
                                 uint64_t *done)
{
    return hc3(HC_mmu_update, reqs, count, done);
}

static inline long hc_update_va_mapping(uint64_t va, uint64_t pte,
                                        uint64_t flags)
{
    return hc3(HC_update_va_mapping, va, pte, flags);
}

static inline long hc_mmuext_op(const struct mmuext_op *ops, uint64_t count,
                                uint64_t *done)
{
    return hc3(HC_mmuext_op, ops, count, done);
}

static inline long hc_multicall(struct multicall_entry *calls, uint64_t count)
{
    return hc2(HC_multicall, calls, count);
}

static inline long hc_set_segment_base(uint64_t which, uint64_t base)
{
    return hc2(HC_set_segment_base, which, base);
}

#endif /* GK_PV_HYPERCALL_H */
