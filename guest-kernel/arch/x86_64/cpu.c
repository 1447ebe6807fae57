/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The part of arch.h that is the same on every x86_64 backend: system
 * call arguments (the user's registers, whichever way they reached the
 * kernel), the FPU (fxsave/fxrstor are not sensitive: they run in ring 3
 * as in ring 0) and the stack protector's per-CPU block. Compiled once per
 * backend, with that backend's regs.h (struct arch_regs) on the path.
 */
#include <string.h>

#include "arch.h"
#include "cpu.h"
#include "print.h"
#include "regs.h"

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
