/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The instructions a trap guest's kernel faults on in ring 3, emulated
 * against its virtual CPU (arch/trapvm.h): the instruction is read from
 * guest memory at the faulting rip, decoded (insn.c) and, if it is one of
 * those below and the guest's virtual ring allows it, done to the virtual
 * state; rip moves past it. Anything else is the guest's own fault: it
 * gets the #GP or #UD the CPU raised, as it would have on bare metal in
 * ring 3 (from its user mode, a privileged instruction is a #GP there too).
 *
 * Here: CLI, STI, HLT, port I/O through the emulated devices, MOV to and
 * from CR0/CR2/CR3/CR4, CLTS, LMSW, SMSW, INVLPG, INVD, WBINVD, WRMSR and
 * RDMSR (the MSR list below), SWAPGS, SYSRET, and VMMCALL (the hvm
 * domains' interface: rax = 2 counts this vCPU's traps). trapvm_desc.c has the
 * rest (descriptor tables, segment loads, far transfers, IRET, INT n).
 *
 * MSRs: EFER (SCE, NXE; long mode stays on), STAR, LSTAR, CSTAR, SFMASK
 * and KERNEL_GS_BASE are virtual; FS_BASE and GS_BASE are the real ones
 * (canonical, else #GP); TSC reads as the host's, APIC_BASE as the
 * default, PAT as written; any other MSR is a #GP, as on hardware that
 * lacks it.
 */
#include <carapace/errno.h>

#include "domain.h"
#include "sched.h"
#include <arch/cpu.h>
#include <arch/insn.h>
#include <arch/trapvm.h>

#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SFMASK         0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC            0x10
#define MSR_PAT            0x277
#define EFER_GUEST         0x901UL /* SCE, NXE: what a guest may change */
#define CR0_PE             1UL
#define CR0_TS             (1UL << 3)
#define CR0_PG             (1UL << 31)
#define CR4_PAE            (1UL << 5)
#define CR4_UMIP           (1UL << 11)
#define RFLAGS_GUEST       0x40dd5UL /* arithmetic, TF, DF, AC */
#define RFLAGS_FIXED       0x202UL

uint64_t *trapvm_gpr(struct cpu_regs *r, unsigned n)
{
    uint64_t *const map[INSN_GPRS] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8,  &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return map[n & 15];
}

/* Write val to register n as an instruction of `size` bytes would: 32 bits
 * zero-extend, 8 and 16 bits merge. */
static void emul_set(struct cpu_regs *r, unsigned n, uint64_t val,
                     unsigned size)
{
    uint64_t *p = trapvm_gpr(r, n);

    if (size == 8)
        *p = val;
    else if (size == 4)
        *p = (uint32_t)val;
    else if (size == 2)
        *p = (*p & ~0xffffUL) | (val & 0xffff);
    else
        *p = (*p & ~0xffUL) | (val & 0xff);
}

uint64_t trapvm_ea(const struct cpu_regs *r, const struct insn *in)
{
    uint64_t g[INSN_GPRS];
    uint64_t ea;

    for (unsigned i = 0; i < INSN_GPRS; i++)
        g[i] = *trapvm_gpr((struct cpu_regs *)r, i);
    ea = insn_ea(in, g, r->rip);
    if (in->seg == 0x64)
        ea += rdmsr(MSR_FS_BASE);
    else if (in->seg == 0x65) /* the guest's GS base, while we run */
        ea += rdmsr(MSR_KERNEL_GS_BASE);
    return ea;
}

int trapvm_mem(struct vcpu *v, struct cpu_regs *r, uint64_t va, void *buf,
               uint64_t len, bool write)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint64_t pf_va;
    uint32_t pf;
    int err = shadow_copy(v, va, buf, len, write, t->cpl == 3, &pf, &pf_va);

    if (err == -CARAPACE_EFAULT) {
        t->cr2 = pf_va;
        trapvm_deliver(v, r, 14, pf, false);
    } else if (err == -CARAPACE_EINVAL) {
        trapvm_deliver(v, r, 13, 0, false);
    }
    return err ? -1 : 0;
}

/* The instruction bytes at rip: 0 and *n of them, or -1 (delivered). */
static int emul_fetch(struct vcpu *v, struct cpu_regs *r, uint8_t *b, size_t *n)
{
    uint64_t room = 4096 - (r->rip & 4095);
    uint64_t first = room < INSN_MAX_LEN ? room : INSN_MAX_LEN;
    uint64_t pf_va;
    uint32_t pf;

    if (trapvm_mem(v, r, r->rip, b, first, false))
        return -1;
    *n = first;
    if (first < INSN_MAX_LEN &&
        !shadow_copy(v, r->rip + first, b + first, INSN_MAX_LEN - first, false,
                     v->arch.trapvm->cpl == 3, &pf, &pf_va))
        *n = INSN_MAX_LEN;
    return 0;
}

/* May the guest's user mode touch ports port .. port + size - 1? As the
 * CPU decides at IOPL 0: every bit of them clear in the I/O bitmap of the
 * guest's TSS (at the offset its word 0x66 holds, inside its limit). */
static bool emul_io_allowed(struct vcpu *v, uint16_t port, unsigned size)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint16_t base = 0, bits = 0;
    uint64_t pf_va, at;
    uint32_t pf;

    if (!t->tss_base || t->tss_limit < 0x67 ||
        shadow_copy(v, t->tss_base + 0x66, &base, 2, false, false, &pf, &pf_va))
        return false;
    at = (uint64_t)base + port / 8;
    if (at + 1 > t->tss_limit ||
        shadow_copy(v, t->tss_base + at, &bits, 2, false, false, &pf, &pf_va))
        return false;
    return !((bits >> (port % 8)) & ((1u << size) - 1));
}

/* Port I/O: the guest kernel's, and its user mode's where its TSS's I/O
 * bitmap allows. */
static int emul_io(struct vcpu *v, struct cpu_regs *r, const struct insn *in)
{
    bool inp =
        in->op == 0xe4 || in->op == 0xe5 || in->op == 0xec || in->op == 0xed;
    uint16_t port = in->imm_len ? (uint16_t)in->imm : (uint16_t)r->rdx;
    unsigned size = in->opsize;
    uint32_t val = (uint32_t)r->rax;

    if (in->op >= 0x6c && in->op <= 0x6f) {
        domain_crash(v->domain, r,
                     "string port I/O (ins/outs) at port %#x: not emulated",
                     (unsigned)(uint16_t)r->rdx);
        return -1;
    }
    if (v->arch.trapvm->cpl && !emul_io_allowed(v, port, size))
        return 0; /* the #GP is the guest's */
    if (!inp)
        val &= size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
    if (!hvm_dev_io(v, port, size, inp, &val) && inp)
        val = 0xffffffff; /* no device: an empty bus reads all ones */
    if (inp)
        emul_set(r, INSN_RAX, val, size);
    return 1;
}

static int emul_hlt(struct vcpu *v)
{
    struct trapvm_vcpu *t = v->arch.trapvm;

    hvm_dev_poll(v);
    if (t->vif && hvm_pic_pending(&t->dev) >= 0)
        return 1; /* trapvm_resume delivers it */
    hvm_dev_flush(v);
    sched_block(v); /* until an event: the timer, console input */
    return 1;
}

static int emul_cr_read(struct vcpu *v, struct cpu_regs *r,
                        const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    const uint64_t cr[] = {t->cr0, 0, t->cr2, t->cr3, t->cr4};

    if (in->reg == 8)
        emul_set(r, in->rm, 0, 8); /* TPR: no local APIC to prioritize */
    else if (in->reg < 5 && in->reg != 1)
        emul_set(r, in->rm, cr[in->reg], 8);
    else
        return 0; /* no such register: the #UD is the guest's */
    return 1;
}

static int emul_cr_write(struct vcpu *v, struct cpu_regs *r,
                         const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint64_t val = *trapvm_gpr(r, in->rm);

    switch (in->reg) {
    case 0:
        if ((val & (CR0_PG | CR0_PE)) != (CR0_PG | CR0_PE)) {
            domain_crash(v->domain, r,
                         "it turned paging off (CR0 %#lx): a "
                         "trap domain stays in long mode",
                         val);
            return -1;
        }
        t->cr0 = val;
        return 1;
    case 2:
        t->cr2 = val;
        return 1;
    case 3:
        t->cr3 = val; /* the shadows of the old tables are no use now */
        shadow_zap(v);
        return 1;
    case 4:
        if (!(val & CR4_PAE)) {
            domain_crash(v->domain, r,
                         "it cleared CR4.PAE: a trap domain "
                         "stays in long mode");
            return -1;
        }
        t->cr4 = val;
        return 1;
    case 8:
        return 1;
    default:
        return 0;
    }
}

static bool emul_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* WRMSR: 1, or 0 for the guest's #GP. */
static int emul_wrmsr(struct trapvm_vcpu *t, uint32_t msr, uint64_t val)
{
    uint64_t *virt[] = {&t->star, &t->lstar, &t->cstar, &t->sfmask};

    if (msr >= MSR_STAR && msr <= MSR_SFMASK) {
        *virt[msr - MSR_STAR] = val;
    } else if (msr == MSR_EFER) {
        if ((val & ~EFER_GUEST) != (t->efer & ~EFER_GUEST))
            return 0; /* long mode stays on; no reserved bits */
        t->efer = val;
    } else if (msr == MSR_FS_BASE || msr == MSR_GS_BASE ||
               msr == MSR_KERNEL_GS_BASE) {
        if (!emul_canonical(val))
            return 0;
        if (msr == MSR_FS_BASE)
            wrmsr(MSR_FS_BASE, val);
        else if (msr == MSR_GS_BASE) /* swapped while we run */
            wrmsr(MSR_KERNEL_GS_BASE, val);
        else
            t->kernel_gs_base = val;
    } else if (msr != MSR_TSC && msr != MSR_APIC_BASE && msr != MSR_PAT) {
        return 0;
    }
    return 1;
}

static int emul_rdmsr(struct trapvm_vcpu *t, uint32_t msr, uint64_t *val)
{
    const uint64_t virt[] = {t->star, t->lstar, t->cstar, t->sfmask};

    if (msr >= MSR_STAR && msr <= MSR_SFMASK)
        *val = virt[msr - MSR_STAR];
    else if (msr == MSR_EFER)
        *val = t->efer;
    else if (msr == MSR_FS_BASE)
        *val = rdmsr(MSR_FS_BASE);
    else if (msr == MSR_GS_BASE)
        *val = rdmsr(MSR_KERNEL_GS_BASE);
    else if (msr == MSR_KERNEL_GS_BASE)
        *val = t->kernel_gs_base;
    else if (msr == MSR_TSC)
        *val = rdtsc();
    else if (msr == MSR_APIC_BASE)
        *val = 0xfee00900; /* the default, BSP, enabled */
    else if (msr == MSR_PAT)
        *val = 0x0007040600070406ULL;
    else
        return 0;
    return 1;
}

static int emul_msr(struct vcpu *v, struct cpu_regs *r, bool write)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint32_t msr = (uint32_t)r->rcx;
    uint64_t val = (r->rdx << 32) | (uint32_t)r->rax;

    if (write)
        return emul_wrmsr(t, msr, val);
    if (!emul_rdmsr(t, msr, &val))
        return 0;
    r->rax = (uint32_t)val;
    r->rdx = val >> 32;
    return 1;
}

/* SYSRET to 64-bit user mode: rip from rcx, flags from r11. */
static int emul_sysret(struct vcpu *v, struct cpu_regs *r,
                       const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint16_t base = (uint16_t)(t->star >> 48);

    if (in->opsize != 8 || !emul_canonical(r->rcx))
        return 0;
    r->rip = r->rcx;
    t->vif = r->r11 & RFLAGS_IF;
    r->rflags = (r->r11 & RFLAGS_GUEST) | RFLAGS_FIXED;
    t->cs = (uint16_t)((base + 16) | 3);
    t->ss = (uint16_t)((base + 8) | 3);
    trapvm_set_cpl(v, 3);
    return 2; /* rip is set */
}

/* VMMCALL, from either ring: the hvm domains' interface (docs/abi.md),
 * the trap count for rax = 2. */
static int emul_vmmcall(struct vcpu *v, struct cpu_regs *r)
{
    uint32_t c = (uint8_t)r->rbx;

    if (r->rax == 0) {
        r->rax = 1;
    } else if (r->rax == 1) {
        hvm_dev_io(v, 0x3f8, 1, false, &c);
        r->rax = 0;
    } else if (r->rax == 2) {
        r->rax = v->arch.trapvm->traps_total; /* this one included */
    } else {
        r->rax = (uint64_t)-CARAPACE_ENOSYS;
    }
    return 1;
}

/* 0f 01 in its register forms, and those of its memory forms not about
 * descriptor tables. */
static int emul_group7(struct vcpu *v, struct cpu_regs *r,
                       const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    unsigned op = in->reg & 7;
    uint16_t msw = 0;
    uint64_t tmp;

    if (op == 3 && in->mod == 3 && (in->rm & 7) == 1)
        return emul_vmmcall(v, r); /* from any ring */
    if (op == 4) {                 /* smsw: UMIP makes it trap at any ring */
        if (t->cpl && (t->cr4 & CR4_UMIP))
            return 0;
        if (in->mod == 3)
            emul_set(r, in->rm, t->cr0 & 0xffff, in->opsize);
        else if (trapvm_mem(v, r, trapvm_ea(r, in),
                            &(uint16_t){(uint16_t)t->cr0}, 2, true))
            return -1;
        return 1;
    }
    if (t->cpl) /* sgdt and sidt, which UMIP makes trap, and no others */
        return op < 2 && in->mod != 3 ? trapvm_desc(v, r, in) : 0;
    if (op == 6) { /* lmsw: PE, MP, EM, TS; PE cannot be cleared */
        if (in->mod == 3)
            msw = (uint16_t)*trapvm_gpr(r, in->rm);
        else if (trapvm_mem(v, r, trapvm_ea(r, in), &msw, 2, false))
            return -1;
        t->cr0 = (t->cr0 & ~0xeUL) | (msw & 0xf) | CR0_PE;
        return 1;
    }
    if (op == 7 && in->mod != 3) { /* invlpg: the shadows are in sync */
        tmp = trapvm_ea(r, in);
        __asm__ volatile("invlpg (%0)" : : "r"(tmp) : "memory");
        return 1;
    }
    if (op == 7 && in->mod == 3 && (in->rm & 7) == 0) { /* swapgs */
        tmp = rdmsr(MSR_KERNEL_GS_BASE);
        wrmsr(MSR_KERNEL_GS_BASE, t->kernel_gs_base);
        t->kernel_gs_base = tmp;
        return 1;
    }
    return trapvm_desc(v, r, in);
}

/* What is neither ring-0 only nor a descriptor instruction. */
static int emul_any_ring(struct vcpu *v, struct cpu_regs *r,
                         const struct insn *in, bool *done)
{
    struct trapvm_vcpu *t = v->arch.trapvm;

    *done = true;
    switch (in->op) {
    case 0xfa:
        return t->cpl ? 0 : (t->vif = false, 1);
    case 0xfb:
        if (t->cpl)
            return 0;
        t->vif = t->int_shadow = true; /* the next instruction first */
        return 1;
    case 0xf4:
        return t->cpl ? 0 : emul_hlt(v);
    case 0xe4:
    case 0xe5:
    case 0xe6:
    case 0xe7:
    case 0xec:
    case 0xed:
    case 0xee:
    case 0xef:
    case 0x6c:
    case 0x6d:
    case 0x6e:
    case 0x6f:
        return emul_io(v, r, in);
    case INSN_0F(0x01):
        return emul_group7(v, r, in);
    }
    *done = false;
    return 0;
}

static int emul_ring0(struct vcpu *v, struct cpu_regs *r, const struct insn *in)
{
    struct trapvm_vcpu *t = v->arch.trapvm;

    switch (in->op) {
    case INSN_0F(0x20):
        return emul_cr_read(v, r, in);
    case INSN_0F(0x22):
        return emul_cr_write(v, r, in);
    case INSN_0F(0x21):
    case INSN_0F(0x23):
        domain_crash(v->domain, r,
                     "a debug-register access at rip %#lx: "
                     "not emulated",
                     r->rip);
        return -1;
    case INSN_0F(0x06):
        t->cr0 &= ~CR0_TS;
        return 1;
    case INSN_0F(0x08):
    case INSN_0F(0x09):
        return 1; /* invd, wbinvd: the caches are the hypervisor's */
    case INSN_0F(0x30):
    case INSN_0F(0x32):
        return emul_msr(v, r, in->op == INSN_0F(0x30));
    case INSN_0F(0x07):
        return emul_sysret(v, r, in);
    }
    return 0;
}

int trapvm_emulate(struct vcpu *v, struct cpu_regs *r)
{
    uint8_t bytes[INSN_MAX_LEN];
    struct insn in;
    size_t n;
    bool done;
    int rc;

    if (emul_fetch(v, r, bytes, &n))
        return -1;
    rc = insn_decode(bytes, n, &in);
    if (rc == -CARAPACE_EFAULT) { /* it runs into a page it cannot read */
        trapvm_mem(v, r, r->rip + n, bytes, 1, false);
        return -1;
    }
    if (rc)
        return 0;
    rc = emul_any_ring(v, r, &in, &done);
    if (!done)
        rc = v->arch.trapvm->cpl ? trapvm_desc(v, r, &in)
                                 : emul_ring0(v, r, &in);
    if (!done && !rc && !v->arch.trapvm->cpl)
        rc = trapvm_desc(v, r, &in);
    if (rc == 1)
        r->rip += in.len;
    return rc > 0 ? 1 : rc;
}
