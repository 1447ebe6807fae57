/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calling the hypervisor through the hypercall page, for PV guests on
 * x86_64 (the guest kernel and the test guests). hcN(nr, ...) calls the
 * stub at hypercall_page + 32 * nr (nr must be a constant) with the
 * arguments in rdi, rsi, rdx, r10, r8 and returns rax; rcx and r11 are
 * clobbered (docs/abi.md, "Calling convention"). The typed helpers of the
 * hypercalls every guest makes follow; a guest adds its own.
 */
#ifndef CARAPACE_LIB_HYPERCALL_CALL_H
#define CARAPACE_LIB_HYPERCALL_CALL_H

#include <stdint.h>

#include <carapace/hypercall.h>
#include <carapace/mmu.h>
#include <carapace/multicall.h>
#include <carapace/sched.h>
#include <carapace/trap.h>

extern char hypercall_page[4096];

#define HC_STUB_    "call hypercall_page + %c[off]"
#define HC_OFF_(nr) [off] "i"((nr)*HYPERCALL_STUB_SIZE)
#define HC_CLOBBER_ "rcx", "r11", "memory"

#define hc0(nr)                                                                \
    ({                                                                         \
        long ret_;                                                             \
        asm volatile(HC_STUB_ : "=a"(ret_) : HC_OFF_(nr) : HC_CLOBBER_);       \
        ret_;                                                                  \
    })

#define hc1(nr, a1)                                                            \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_)                                   \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

#define hc2(nr, a1, a2)                                                        \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        register uint64_t a2_ asm("rsi") = (uint64_t)(a2);                     \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_), "+r"(a2_)                        \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

#define hc3(nr, a1, a2, a3)                                                    \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        register uint64_t a2_ asm("rsi") = (uint64_t)(a2);                     \
        register uint64_t a3_ asm("rdx") = (uint64_t)(a3);                     \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_), "+r"(a2_), "+r"(a3_)             \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

#define hc4(nr, a1, a2, a3, a4)                                                \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        register uint64_t a2_ asm("rsi") = (uint64_t)(a2);                     \
        register uint64_t a3_ asm("rdx") = (uint64_t)(a3);                     \
        register uint64_t a4_ asm("r10") = (uint64_t)(a4);                     \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_), "+r"(a2_), "+r"(a3_), "+r"(a4_)  \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

#define hc5(nr, a1, a2, a3, a4, a5)                                            \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        register uint64_t a2_ asm("rsi") = (uint64_t)(a2);                     \
        register uint64_t a3_ asm("rdx") = (uint64_t)(a3);                     \
        register uint64_t a4_ asm("r10") = (uint64_t)(a4);                     \
        register uint64_t a5_ asm("r8") = (uint64_t)(a5);                      \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_), "+r"(a2_), "+r"(a3_), "+r"(a4_), \
                       "+r"(a5_)                                               \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

/* --- Typed helpers: what the hypervisor returned (0, a documented
 * value, or a negative CARAPACE_E* code) ---------------------------- */

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

#endif /* CARAPACE_LIB_HYPERCALL_CALL_H */
