/* SPDX-License-Identifier: BSD-2-Clause */
/* Thin wrappers around x86_64 instructions. Only arch code includes this. */
#ifndef CARAPACE_ARCH_CPU_H
#define CARAPACE_ARCH_CPU_H

#include <stdint.h>

#define MSR_EFER      0xc0000080
#define MSR_FS_BASE   0xc0000100
#define MSR_GS_BASE   0xc0000101
#define MSR_APIC_BASE 0x1b
#define EFER_SCE      (1UL << 0)
#define EFER_LME      (1UL << 8)
#define EFER_NXE      (1UL << 11)
#define CR0_WP        (1UL << 16)
#define CR4_PGE       (1UL << 7)
#define CR4_UMIP      (1UL << 11)
#define CR4_SMEP      (1UL << 20)
#define CR4_SMAP      (1UL << 21)
#define RFLAGS_IF     (1UL << 9)

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr"
                     :
                     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                         uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid"
                     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(sub));
}

#define DEFINE_CR_ACCESS(n)                                                    \
    static inline uint64_t read_cr##n(void)                                    \
    {                                                                          \
        uint64_t v;                                                            \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                      \
        return v;                                                              \
    }                                                                          \
    static inline void write_cr##n(uint64_t v)                                 \
    {                                                                          \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");             \
    }
DEFINE_CR_ACCESS(0)
DEFINE_CR_ACCESS(2)
DEFINE_CR_ACCESS(3)
DEFINE_CR_ACCESS(4)

static inline void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
    uint64_t f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    return f;
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause");
}

/* Enable interrupts and wait for one, atomically (sti's one-insn shadow). */
static inline void cpu_wait_irq(void)
{
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

static inline uint64_t read_rbp(void)
{
    uint64_t v;
    __asm__ volatile("mov %%rbp, %0" : "=r"(v));
    return v;
}

#endif /* CARAPACE_ARCH_CPU_H */
