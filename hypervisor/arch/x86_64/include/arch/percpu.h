/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-CPU data, reached through the GS base (our own fields) and the FS base
 * (the stack-protector canary at %fs:0x28, where gcc's -fstack-protector and
 * the prebuilt libfdt look for it). Both bases point at the same block.
 * Only the CPU that owns a block writes it, so it needs no lock.
 */
#ifndef CARAPACE_ARCH_PERCPU_H
#define CARAPACE_ARCH_PERCPU_H

#define PERCPU_CANARY_OFFSET 0x28

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

struct percpu {
    struct percpu *self;   /* 0x00: for %gs:0 loads of the block address */
    uint32_t cpu_id;       /* 0x08 */
    uint32_t in_fatal;     /* 0x0c: nesting depth of the fatal-error path */
    uint64_t ticks;        /* 0x10: APIC timer interrupts taken */
    uint64_t irq_count;    /* 0x18: interrupts taken, all vectors */
    uint64_t reserved0;    /* 0x20 */
    uint64_t stack_canary; /* 0x28: fixed by the compiler ABI */
};

_Static_assert(offsetof(struct percpu, stack_canary) == PERCPU_CANARY_OFFSET,
               "the canary must sit at %fs:0x28");

extern struct percpu percpu_boot;

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(p));
    return p;
}
#endif

#endif /* CARAPACE_ARCH_PERCPU_H */
