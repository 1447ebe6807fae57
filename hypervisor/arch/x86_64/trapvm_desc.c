/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trapvm_emulate's second half (trapvm_emul.c says how they fit): the
 * descriptor tables (LGDT, LIDT, LTR, LLDT, and SGDT, SIDT, SLDT, STR
 * when UMIP makes them fault), segment loads, far CALL, JMP and RET,
 * IRET, INT n. Return values as there: 1 done (rip advances), 2 done (rip
 * set), 0 not emulated (the guest's #GP), -1 delivered or crashed.
 *
 * The guest's GDT is its own business: the CPU runs it on the
 * hypervisor's, with the real selectors of a guest (ring 3). So a segment
 * load checks the descriptor the guest's GDT has for it as the CPU would
 * (present, privilege) and records the selector (and, for FS and GS, the
 * base the descriptor holds: a flat 64-bit kernel's is 0); a far transfer
 * and IRET check only what the virtual ring needs (the target's RPL), as
 * a 64-bit kernel with flat segments never sees the difference. LTR reads
 * the TSS descriptor (its base is where rsp0 and the IST are) and marks
 * it busy, as the CPU does.
 */
#include <carapace/errno.h>

#include "domain.h"
#include <arch/cpu.h>
#include <arch/insn.h>
#include <arch/trapvm.h>

#define MSR_KERNEL_GS_BASE 0xc0000102
#define CR4_UMIP           (1UL << 11)
#define RFLAGS_GUEST       0x40dd5UL
#define RFLAGS_FIXED       0x202UL

struct __attribute__((packed)) desc_ptr {
    uint16_t limit;
    uint64_t base;
};

static bool desc_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* SGDT, SIDT, LGDT, LIDT (0f 01 /0 .. /3, memory forms). */
static int desc_table(struct vcpu *v, struct cpu_regs *r, const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    unsigned op = in->reg & 7;
    bool idt = op & 1;
    struct desc_ptr p;
    uint64_t ea = trapvm_ea(r, in);

    if (in->mod == 3 || op > 3)
        return 0;
    if (op < 2) { /* a store: faults only with UMIP from user mode */
        if (t->cpl && (t->cr4 & CR4_UMIP))
            return 0;
        p.limit = idt ? t->idt_limit : t->gdt_limit;
        p.base = idt ? t->idt_base : t->gdt_base;
        return trapvm_mem(v, r, ea, &p, sizeof(p), true) ? -1 : 1;
    }
    if (t->cpl)
        return 0;
    if (trapvm_mem(v, r, ea, &p, sizeof(p), false))
        return -1;
    if (!desc_canonical(p.base))
        return 0;
    if (idt) {
        t->idt_base = p.base;
        t->idt_limit = p.limit;
    } else {
        t->gdt_base = p.base;
        t->gdt_limit = p.limit;
    }
    return 1;
}

/* The 8 bytes of GDT entry sel (at byte offset k of it): 0 or -1. Until
 * the guest loads a GDT, it has the one its boot code would have loaded
 * (docs/abi.md, "trap domains"): 0x08 flat 64-bit code, 0x10 flat data,
 * both ring 0. */
static int desc_read(struct vcpu *v, struct cpu_regs *r, uint16_t sel,
                     unsigned k, uint64_t *d)
{
    struct trapvm_vcpu *t = v->arch.trapvm;

    if (!t->gdt_base && !t->gdt_limit) {
        *d = k                     ? 0
             : (sel & ~7u) == 0x08 ? 0x00af9a000000ffffULL
             : (sel & ~7u) == 0x10 ? 0x00cf92000000ffffULL
                                   : 0;
        if (*d || k)
            return 0;
        trapvm_deliver(v, r, 13, sel & ~3u, false);
        return -1;
    }

    if ((sel & ~7u) + k + 7 > t->gdt_limit || (sel & 4)) {
        trapvm_deliver(v, r, 13, sel & ~3u, false);
        return -1;
    }
    return trapvm_mem(v, r, t->gdt_base + (sel & ~7u) + k, d, 8, false);
}

/* LTR: an available TSS descriptor becomes busy and the TR. */
static int desc_ltr(struct vcpu *v, struct cpu_regs *r, uint16_t sel)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint64_t lo, hi;

    if (desc_read(v, r, sel, 0, &lo) || desc_read(v, r, sel, 8, &hi))
        return -1;
    if (((lo >> 40) & 0x9f) != 0x89) { /* present, system, type 9 */
        trapvm_deliver(v, r, 13, sel & ~3u, false);
        return -1;
    }
    lo |= 1UL << 41; /* busy */
    if (trapvm_mem(v, r, t->gdt_base + (sel & ~7u), &lo, 8, true))
        return -1;
    t->tss_base = ((lo >> 16) & 0xffffff) | ((lo >> 56) << 24) | (hi << 32);
    t->tss_limit = (uint32_t)((lo & 0xffff) | (((lo >> 48) & 0xf) << 16));
    if (lo & (1UL << 55)) /* 4 KiB granularity */
        t->tss_limit = (t->tss_limit << 12) | 0xfff;
    t->tr = sel;
    return 1;
}

/* SLDT, STR, LLDT, LTR (0f 00 /0 .. /3). */
static int desc_group6(struct vcpu *v, struct cpu_regs *r,
                       const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    unsigned op = in->reg & 7;
    uint16_t sel;

    if (op > 3)
        return 0; /* verr, verw do not fault */
    if (op < 2) {
        if (t->cpl && (t->cr4 & CR4_UMIP))
            return 0;
        sel = op ? t->tr : t->ldtr;
        if (in->mod == 3) {
            *trapvm_gpr(r, in->rm) = sel; /* zero-extended */
            return 1;
        }
        return trapvm_mem(v, r, trapvm_ea(r, in), &sel, 2, true) ? -1 : 1;
    }
    if (t->cpl)
        return 0;
    if (in->mod == 3)
        sel = (uint16_t)*trapvm_gpr(r, in->rm);
    else if (trapvm_mem(v, r, trapvm_ea(r, in), &sel, 2, false))
        return -1;
    if (op == 3)
        return desc_ltr(v, r, sel);
    t->ldtr = sel;
    return 1;
}

/* May descriptor d (of selector sel) be loaded into a data segment
 * register at ring cpl (into SS: ss)? Present, code or data, and as the
 * CPU checks privilege: DPL >= max(CPL, RPL); SS wants writable data with
 * RPL = DPL = CPL. */
static bool desc_data_ok(uint64_t d, uint16_t sel, unsigned cpl, bool ss)
{
    unsigned access = (d >> 40) & 0xff, dpl = (access >> 5) & 3;
    unsigned rpl = sel & 3, max = rpl > cpl ? rpl : cpl;
    bool code = access & 0x08, readable_or_writable = access & 0x02;

    if (!(access & 0x80) || !(access & 0x10)) /* not present, system */
        return false;
    if (ss)
        return !code && readable_or_writable && rpl == cpl && dpl == cpl;
    if (code && !readable_or_writable)
        return false;                               /* execute-only code */
    return (code && (access & 0x04)) || dpl >= max; /* conforming: any */
}

/* Load segment register n (0 es, 2 ss, 3 ds, 4 fs, 5 gs) with sel. */
static int desc_load_seg(struct vcpu *v, struct cpu_regs *r, unsigned n,
                         uint16_t sel)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint16_t *seg[6] = {&t->es, NULL, &t->ss, &t->ds, &t->fs, &t->gs};
    uint64_t d;

    if (n > 5 || !seg[n])
        return 0;       /* mov to CS is a #UD */
    if (!(sel & ~3u)) { /* null: SS only in ring 0 */
        if (n == 2 && t->cpl) {
            trapvm_deliver(v, r, 13, 0, false);
            return -1;
        }
        *seg[n] = sel;
        return 1;
    }
    if (desc_read(v, r, sel, 0, &d))
        return -1;
    if (!desc_data_ok(d, sel, t->cpl, n == 2)) {
        trapvm_deliver(v, r, 13, sel & ~3u, false);
        return -1;
    }
    if (n == 4 || n == 5)
        wrmsr(n == 4 ? MSR_FS_BASE : MSR_KERNEL_GS_BASE,
              ((d >> 16) & 0xffffff) | ((d >> 56) << 24));
    *seg[n] = sel;
    return 1;
}

/* Pop `size` bytes (2, 4 or 8) off the guest stack into *val. */
static int desc_pop(struct vcpu *v, struct cpu_regs *r, unsigned size,
                    uint64_t *val)
{
    *val = 0;
    if (trapvm_mem(v, r, r->rsp, val, size, false))
        return -1;
    r->rsp += size;
    return 0;
}

/* POP FS or GS: the stack moves only if the load is done. */
static int desc_pop_seg(struct vcpu *v, struct cpu_regs *r, unsigned n)
{
    uint64_t val = 0;
    int rc;

    if (trapvm_mem(v, r, r->rsp, &val, 8, false))
        return -1;
    rc = desc_load_seg(v, r, n, (uint16_t)val);
    if (rc > 0)
        r->rsp += 8;
    return rc;
}

/* IRET (64-bit) from the guest kernel: rip, cs, rflags, rsp, ss. */
static int desc_iret(struct vcpu *v, struct cpu_regs *r, const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint64_t f[5];
    unsigned cpl;

    if (t->cpl || in->opsize != 8)
        return 0;
    if (trapvm_mem(v, r, r->rsp, f, sizeof(f), false))
        return -1;
    cpl = f[1] & 3;
    if ((cpl != 0 && cpl != 3) || !desc_canonical(f[0]) ||
        !desc_canonical(f[3]))
        return 0;
    r->rip = f[0];
    t->cs = (uint16_t)f[1];
    t->vif = f[2] & RFLAGS_IF;
    r->rflags = (f[2] & RFLAGS_GUEST) | RFLAGS_FIXED;
    r->rsp = f[3];
    t->ss = (uint16_t)f[4];
    trapvm_set_cpl(v, cpl);
    return 2;
}

/* Far RET to the same ring (LRET, LRET imm16). */
static int desc_lret(struct vcpu *v, struct cpu_regs *r, const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint64_t rsp = r->rsp, rip, cs;

    if (desc_pop(v, r, in->opsize, &rip) || desc_pop(v, r, in->opsize, &cs))
        return -1;
    if ((cs & 3) != t->cpl || !desc_canonical(rip)) {
        r->rsp = rsp; /* the #GP of a return to another ring */
        trapvm_deliver(v, r, 13, desc_canonical(rip) ? cs & ~3u : 0, false);
        return -1;
    }
    r->rsp += in->op == 0xca ? in->imm : 0;
    r->rip = rip;
    t->cs = (uint16_t)cs;
    return 2;
}

/* Far CALL or JMP through a pointer in memory (ff /3, ff /5), to the same
 * ring. */
static int desc_far(struct vcpu *v, struct cpu_regs *r, const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    unsigned size = in->opsize;
    uint64_t ea = trapvm_ea(r, in), off = 0, push[2];
    uint16_t sel;

    if (trapvm_mem(v, r, ea, &off, size, false) ||
        trapvm_mem(v, r, ea + size, &sel, 2, false))
        return -1;
    if ((sel & 3) != t->cpl || !desc_canonical(off)) {
        trapvm_deliver(v, r, 13, desc_canonical(off) ? sel & ~3u : 0, false);
        return -1;
    }
    if ((in->reg & 7) == 3) { /* call: CS, then the return address */
        push[0] = r->rip + in->len;
        push[1] = t->cs;
        if (size == 4)
            push[0] = (uint32_t)push[0] | (uint64_t)t->cs << 32;
        if (trapvm_mem(v, r, r->rsp - 2 * size, push, 2 * size, true))
            return -1;
        r->rsp -= 2 * size;
    }
    r->rip = off;
    t->cs = sel;
    return 2;
}

int trapvm_desc(struct vcpu *v, struct cpu_regs *r, const struct insn *in)
{
    uint64_t val = 0;

    switch (in->op) {
    case INSN_0F(0x01):
        return desc_table(v, r, in);
    case INSN_0F(0x00):
        return desc_group6(v, r, in);
    case 0x8e:
        if (in->mod == 3)
            val = *trapvm_gpr(r, in->rm);
        else if (trapvm_mem(v, r, trapvm_ea(r, in), &val, 2, false))
            return -1;
        return desc_load_seg(v, r, in->reg & 7, (uint16_t)val);
    case INSN_0F(0xa1):
    case INSN_0F(0xa9):
        return desc_pop_seg(v, r, in->op == INSN_0F(0xa1) ? 4 : 5);
    case 0xcb:
    case 0xca:
        return in->opsize == 2 ? 0 : desc_lret(v, r, in);
    case 0xff:
        return in->opsize == 2 ? 0 : desc_far(v, r, in);
    case 0xcf:
        return desc_iret(v, r, in);
    case 0xcd:
        r->rip += in->len; /* the frame's rip is the next instruction */
        return trapvm_deliver(v, r, (unsigned)in->imm, -1, true) ? 2 : -1;
    }
    return 0;
}
