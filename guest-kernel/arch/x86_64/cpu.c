/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The part of arch.h that is the same on every x86_64 backend: system
 * call arguments (the user's registers, whichever way they reached the
 * kernel), the FPU (fxsave/fxrstor are not sensitive: they run in ring 3
 * as in ring 0) and the stack protector's per-CPU block. Compiled once per
 * backend, with that backend's regs.h (struct arch_regs) on the path.
 */
#include <string.h>

#include <carapace/mmu.h>

#include "arch.h"
#include "cpu.h"
#include "frame.h"
#include "print.h"
#include "regs.h"
#include "uapi/sys.h"

void __stack_chk_fail(void);

static struct {
    uint8_t pad[0x28];
    uint64_t canary;
} cpu_percpu __attribute__((aligned(64))) = {.canary = 0x5ca1ab1e0ddba11ULL};

uint64_t cpu_percpu_base(void)
{
    return (uint64_t)&cpu_percpu;
}

void __stack_chk_fail(void)
{
    panic("stack smashing detected");
}

uint64_t arch_regs_pc(const struct arch_regs *r)
{
    return r->rip;
}

uint64_t arch_syscall_nr(const struct arch_regs *r)
{
    return r->rax;
}

uint64_t arch_syscall_arg(const struct arch_regs *r, unsigned int n)
{
    const uint64_t args[6] = {r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9};

    return n < 6 ? args[n] : 0;
}

void arch_syscall_ret(struct arch_regs *r, int64_t value)
{
    r->rax = (uint64_t)value;
}

void arch_fpu_init(struct arch_fpu *f)
{
    memset(f, 0, sizeof(*f));
    f->area[0] = 0x7f; /* FCW 0x037f: all x87 exceptions masked */
    f->area[1] = 0x03;
    f->area[24] = 0x80; /* MXCSR 0x1f80: all SSE exceptions masked */
    f->area[25] = 0x1f;
}

void arch_fpu_save(struct arch_fpu *f)
{
    asm volatile("fxsave64 %0" : "=m"(*f));
}

void arch_fpu_restore(const struct arch_fpu *f)
{
    asm volatile("fxrstor64 %0" : : "m"(*f));
}

/* --- User address spaces -------------------------------------------------- */

int cpu_space_tables(struct arch_space *s)
{
    memset(s, 0, sizeof(*s));
    s->l4 = frame_alloc();
    s->l3 = frame_alloc();
    s->l2 = frame_alloc();
    if (s->l4 && s->l3 && s->l2)
        return 0;
    if (s->l4)
        frame_free(s->l4);
    if (s->l3)
        frame_free(s->l3);
    if (s->l2)
        frame_free(s->l2);
    memset(s, 0, sizeof(*s));
    return -SYS_ENOMEM;
}

void cpu_space_free(struct arch_space *s)
{
    for (unsigned int i2 = 0; i2 < ARCH_SPACE_L1S; i2++) {
        if (s->l1[i2])
            frame_free(s->l1[i2]);
    }
    frame_free(s->l2);
    frame_free(s->l3);
    frame_free(s->l4);
    memset(s, 0, sizeof(*s));
}

uint32_t cpu_space_lookup(struct arch_space *s, uint64_t va,
                          unsigned int *flags)
{
    uint32_t l1 = va < ARCH_USER_END ? s->l1[(va >> 21) & 511] : 0;
    uint64_t e;

    if (!l1)
        return 0;
    e = ((const uint64_t *)frame_va(l1))[(va >> 12) & 511];
    if (!(e & MMU_PTE_PRESENT))
        return 0;
    if (flags) {
        *flags = (e & MMU_PTE_WRITE) ? ARCH_MAP_WRITE : 0;
        *flags |= (e & MMU_PTE_NX) ? 0 : ARCH_MAP_EXEC;
    }
    return frame_of_mfn((e & MMU_PTE_ADDR) >> ARCH_PAGE_SHIFT);
}

void cpu_space_each(struct arch_space *s, void (*fn)(uint32_t gfn))
{
    for (unsigned int i2 = 0; i2 < ARCH_SPACE_L1S; i2++) {
        const uint64_t *l1;

        if (!s->l1[i2])
            continue;
        l1 = frame_va(s->l1[i2]);
        for (unsigned int i1 = 0; i1 < 512; i1++) {
            if (l1[i1] & MMU_PTE_PRESENT)
                fn(frame_of_mfn((l1[i1] & MMU_PTE_ADDR) >> ARCH_PAGE_SHIFT));
        }
    }
}
