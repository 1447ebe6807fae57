/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Distinct address types, so that a machine frame, a guest frame, a physical
 * address and a virtual address cannot be mixed without a visible conversion.
 * Each is a one-member struct: the compiler refuses to assign one to another.
 */
#ifndef CARAPACE_ADDR_H
#define CARAPACE_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/* Machine frame number: index of a 4 KiB frame of host physical memory. */
typedef struct {
    uint64_t mfn;
} mfn_t;

/* Guest frame number: a frame as a guest numbers its own memory. */
typedef struct {
    uint64_t gfn;
} gfn_t;

/* Guest virtual address: what the guest's own page tables translate. */
typedef struct {
    uint64_t gva;
} gva_t;

/* Host physical address. */
typedef struct {
    uint64_t pa;
} paddr_t;

/* Hypervisor virtual address. */
typedef struct {
    uintptr_t va;
} vaddr_t;

#define INVALID_MFN_VAL UINT64_MAX

static inline mfn_t mfn_init(uint64_t v)
{
    return (mfn_t){v};
}

static inline uint64_t mfn_val(mfn_t m)
{
    return m.mfn;
}

static inline bool mfn_valid(mfn_t m)
{
    return m.mfn != INVALID_MFN_VAL;
}

static inline mfn_t mfn_add(mfn_t m, uint64_t n)
{
    return (mfn_t){m.mfn + n};
}

static inline gfn_t gfn_init(uint64_t v)
{
    return (gfn_t){v};
}

static inline uint64_t gfn_val(gfn_t g)
{
    return g.gfn;
}

static inline gva_t gva_init(uint64_t v)
{
    return (gva_t){v};
}

static inline uint64_t gva_val(gva_t v)
{
    return v.gva;
}

static inline gva_t gva_add(gva_t v, uint64_t n)
{
    return (gva_t){v.gva + n};
}

static inline paddr_t pa_init(uint64_t v)
{
    return (paddr_t){v};
}

static inline uint64_t pa_val(paddr_t p)
{
    return p.pa;
}

static inline vaddr_t va_init(uintptr_t v)
{
    return (vaddr_t){v};
}

static inline uintptr_t va_val(vaddr_t v)
{
    return v.va;
}

static inline paddr_t mfn_to_pa(mfn_t m)
{
    return (paddr_t){m.mfn << PAGE_SHIFT};
}

/* The frame that holds physical address p (rounds down). */
static inline mfn_t pa_to_mfn(paddr_t p)
{
    return (mfn_t){p.pa >> PAGE_SHIFT};
}

#endif /* CARAPACE_ADDR_H */
