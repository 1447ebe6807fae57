/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-CPU data, reached through the GS base. While a guest runs, GS holds
 * the guest's base and the per-CPU block sits in MSR_KERNEL_GS_BASE; every
 * entry from ring 3 begins with swapgs. The hypervisor's stack canary is at
 * %gs:0x28 (-mstack-protector-guard-reg=gs). Debian's prebuilt libfdt reads
 * its canary at %fs:0x28 instead, so whenever libfdt runs the FS base must
 * point at this block too (percpu_fs_enter/leave). Only the CPU that owns a
 * block writes it, so it needs no lock.
 */
#ifndef CARAPACE_ARCH_PERCPU_H
#define CARAPACE_ARCH_PERCPU_H

#define PERCPU_CANARY_OFFSET    0x28
#define PERCPU_STACK_TOP_OFFSET 0x30
#define PERCPU_SCRATCH_OFFSET   0x38

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vcpu;

struct percpu {
    struct percpu *self;   /* 0x00: for %gs:0 loads of the block address */
    uint32_t cpu_id;       /* 0x08 */
    uint32_t in_fatal;     /* 0x0c: nesting depth of the fatal-error path */
    uint64_t ticks;        /* 0x10: APIC timer interrupts taken */
    uint64_t irq_count;    /* 0x18: interrupts taken, all vectors */
    uint64_t reserved0;    /* 0x20 */
    uint64_t stack_canary; /* 0x28: fixed by the compiler ABI */
    uint64_t stack_top;    /* 0x30: hypervisor stack for entries from ring 3 */
    uint64_t scratch_rsp;  /* 0x38: guest rsp during syscall entry */
    struct vcpu *current;  /* the vCPU whose state is in the entry frame */
    bool need_resched;     /* set by the timer, acted on at exit to guest */
};

_Static_assert(offsetof(struct percpu, stack_canary) == PERCPU_CANARY_OFFSET,
               "the canary must sit at %gs:0x28 and %fs:0x28");
_Static_assert(offsetof(struct percpu, stack_top) == PERCPU_STACK_TOP_OFFSET,
               "entry.S");
_Static_assert(offsetof(struct percpu, scratch_rsp) == PERCPU_SCRATCH_OFFSET,
               "entry.S");

extern struct percpu percpu_boot;

/* libfdt reads its canary at %fs:0x28: point FS at the per-CPU block around
 * libfdt calls made while a guest's FS base may be loaded. */
static inline uint64_t percpu_fs_enter(void)
{
    uint32_t lo, hi;
    uint64_t self;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000100));
    __asm__ volatile("mov %%gs:0, %0" : "=r"(self));
    __asm__ volatile("wrmsr"
                     :
                     : "c"(0xc0000100), "a"((uint32_t)self),
                       "d"((uint32_t)(self >> 32)));
    return ((uint64_t)hi << 32) | lo;
}

static inline void percpu_fs_leave(uint64_t old)
{
    __asm__ volatile("wrmsr"
                     :
                     : "c"(0xc0000100), "a"((uint32_t)old),
                       "d"((uint32_t)(old >> 32)));
}

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}
#endif

#endif /* CARAPACE_ARCH_PERCPU_H */
