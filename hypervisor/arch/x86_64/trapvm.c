/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trap domains (arch/trapvm.h): the vCPU's start, what each trap from it
 * does, and the delivery of the guest's own exceptions and interrupts
 * through its IDT, as the CPU would deliver them to a kernel in ring 0.
 *
 * A trap from the guest: a host interrupt is the hypervisor's; a #PF goes
 * to the shadow MMU first (shadow.c) and to the guest only if its own
 * tables fault; a #GP or #UD is an instruction to emulate (trapvm_emul.c)
 * if it is one, else the guest's; the #DB that ends the single step of a
 * page-table write drops the shadows; `syscall` goes to the guest's LSTAR;
 * any other exception is the guest's. An exception the guest cannot take
 * (its IDT or stack unreadable) becomes a double fault, and one it cannot
 * take either a triple fault: the domain is crashed with a report.
 */
#include <string.h>

#include <carapace/errno.h>

#include "arch.h"
#include "domain.h"
#include "format.h"
#include "frame.h"
#include "log.h"
#include "multiboot.h"
#include "sched.h"
#include "trapname.h"
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/paging.h>
#include <arch/pv.h>
#include <arch/spt.h>
#include <arch/trap.h>
#include <arch/trapvm.h>

_Static_assert(sizeof(struct trapvm_vcpu) <= PAGE_SIZE, "one frame");

#define RFLAGS_TF   0x100UL
#define RFLAGS_IOPL 0x3000UL
#define RFLAGS_NT   0x4000UL
#define RFLAGS_RF   0x10000UL
#define EFER_SCE    (1UL << 0)
#define CR0_BOOT    0x80010011UL /* PG, WP, ET, PE: as boot code leaves it */
#define CR4_BOOT    0x20UL       /* PAE */
#define EFER_BOOT   0xd00UL      /* NXE, LMA, LME */
#define GATE_INTR   0xe
#define GATE_TRAP   0xf

static const char *const trapvm_kind_name[TRAPVM_KINDS] = {
    "emulated",  "pf-fill", "pf-guest", "pt-write",
    "exception", "irq",     "syscall",
};

struct hvm_devs *trapvm_devs(struct vcpu *v)
{
    return &v->arch.trapvm->dev;
}

int arch_trapvm_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t l4,
                          uint64_t info_gpa, uint64_t ram_frames)
{
    mfn_t m = frame_alloc(0, v->domain->id);
    struct trapvm_vcpu *t;
    int err;

    if (!mfn_valid(m))
        return -CARAPACE_ENOMEM;
    t = mfn_to_virt(m);
    memset(t, 0, PAGE_SIZE);
    *t = (struct trapvm_vcpu){
        .cr0 = CR0_BOOT,
        .cr3 = l4,
        .cr4 = CR4_BOOT,
        .efer = EFER_BOOT,
        .cs = 0x08,
        .ss = 0x10,
        .ds = 0x10,
        .es = 0x10,
        .fs = 0x10,
        .gs = 0x10,
        .ram_frames = ram_frames,
    };
    hvm_dev_init(&t->dev);
    v->arch.trapvm = t; /* shadow_init needs it; destroy frees it */
    err = shadow_init(v);
    if (err)
        return err;
    pv_vcpu_init(v, entry, 0, info_gpa, shadow_root(v));
    v->arch.regs.rax = v->arch.regs.rdi = MULTIBOOT_BOOT_MAGIC;
    v->arch.regs.rbx = v->arch.regs.rsi = info_gpa;
    return 0;
}

void arch_trapvm_umip(struct vcpu *v, bool on)
{
    v->arch.trapvm->umip_off = !on;
}

void trapvm_cr4(const struct vcpu *next)
{
    static int host = -1; /* CR4.UMIP as the hypervisor set it at boot */
    uint64_t cr4 = read_cr4();
    bool want;

    if (host < 0) /* the first switch to or from a trap vCPU */
        host = !!(cr4 & CR4_UMIP);
    want = host && !(next && next->arch.trapvm && next->arch.trapvm->umip_off);
    if (!!(cr4 & CR4_UMIP) != want)
        write_cr4(want ? cr4 | CR4_UMIP : cr4 & ~CR4_UMIP);
}

void trapvm_set_cpl(struct vcpu *v, unsigned cpl)
{
    struct trapvm_vcpu *t = v->arch.trapvm;

    if (t->cpl == cpl)
        return;
    t->cpl = cpl;
    v->arch.cr3_kernel = shadow_root(v);
    write_cr3(v->arch.cr3_kernel);
}

/* The flags as the guest sees them: its virtual IF, IOPL 0. */
static uint64_t trapvm_flags(const struct trapvm_vcpu *t, uint64_t real)
{
    return (real & ~(RFLAGS_IF | RFLAGS_IOPL)) | (t->vif ? RFLAGS_IF : 0);
}

/* Read the IDT gate of vector: 0 and the handler, its selector, type,
 * DPL and IST; or -1 if the guest cannot have one there. */
static int trapvm_gate(struct vcpu *v, unsigned vector, uint64_t *handler,
                       uint16_t *sel, unsigned *type, unsigned *dpl,
                       unsigned *ist)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint8_t g[16];
    uint32_t pf;
    uint64_t pf_va;

    if (vector * 16 + 15 > t->idt_limit ||
        shadow_copy(v, t->idt_base + vector * 16, g, 16, false, false, &pf,
                    &pf_va))
        return -1;
    *handler = (uint64_t)g[0] | (uint64_t)g[1] << 8 | (uint64_t)g[6] << 16 |
               (uint64_t)g[7] << 24 | (uint64_t)g[8] << 32 |
               (uint64_t)g[9] << 40 | (uint64_t)g[10] << 48 |
               (uint64_t)g[11] << 56;
    *sel = (uint16_t)(g[2] | g[3] << 8);
    *type = g[5] & 0xf;
    *dpl = (g[5] >> 5) & 3;
    *ist = g[4] & 7;
    if (!(g[5] & 0x80) || (*type != GATE_INTR && *type != GATE_TRAP))
        return -1;
    return 0;
}

/* The stack the handler runs on: an IST stack, the TSS's rsp0 from user
 * mode, else the current one. -1 if the TSS cannot be read. */
static int trapvm_stack(struct vcpu *v, const struct cpu_regs *r, unsigned ist,
                        uint64_t *rsp)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint32_t pf;
    uint64_t pf_va, off = ist ? 0x24 + (ist - 1) * 8 : 4;

    if (!ist && t->cpl == 0) {
        *rsp = r->rsp;
        return 0;
    }
    if (!t->tss_base ||
        shadow_copy(v, t->tss_base + off, rsp, 8, false, false, &pf, &pf_va))
        return -1;
    return 0;
}

/* One delivery: 0, -1 if the guest's tables do not allow it. */
static int trapvm_deliver_once(struct vcpu *v, struct cpu_regs *r,
                               unsigned vector, int64_t err, bool soft)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint64_t handler, rsp, frame[6], pf_va;
    unsigned type, dpl, ist, n = 0;
    uint16_t sel;
    uint32_t pf;

    if (trapvm_gate(v, vector, &handler, &sel, &type, &dpl, &ist))
        return -1;
    if (soft && dpl < t->cpl) /* INT n to a gate user mode may not use */
        return trapvm_deliver_once(v, r, 13, (int64_t)vector * 8 + 2, false);
    if (trapvm_stack(v, r, ist, &rsp))
        return -1;
    if (err >= 0)
        frame[n++] = (uint64_t)err;
    frame[n++] = r->rip;
    frame[n++] = t->cs; /* its RPL is the ring it ran in */
    frame[n++] = trapvm_flags(t, r->rflags);
    frame[n++] = r->rsp;
    frame[n++] = t->ss;
    rsp = (rsp & ~15UL) - n * 8;
    if (shadow_copy(v, rsp, frame, n * 8, true, false, &pf, &pf_va))
        return -1;
    r->rip = handler;
    r->rsp = rsp;
    r->rflags &= ~(RFLAGS_TF | RFLAGS_NT | RFLAGS_RF);
    if (t->cpl != 0)
        t->ss = 0; /* a privilege change loads a null SS in 64-bit mode */
    t->cs = sel & ~3u;
    if (type == GATE_INTR)
        t->vif = false;
    trapvm_set_cpl(v, 0);
    return 0;
}

bool trapvm_deliver(struct vcpu *v, struct cpu_regs *r, unsigned vector,
                    int64_t err, bool soft)
{
    if (v->state != VCPU_RUNNABLE)
        return false; /* crashed on the way (a walk out of its RAM) */
    if (!trapvm_deliver_once(v, r, vector, err, soft))
        return true;
    if (v->state == VCPU_RUNNABLE && vector != 8 &&
        !trapvm_deliver_once(v, r, 8, 0, false))
        return true;
    if (v->state == VCPU_RUNNABLE)
        domain_crash(v->domain, r,
                     "triple fault: cannot deliver %s (vector %u) through "
                     "its IDT at %#lx, nor a double fault",
                     trapname(vector), vector, v->arch.trapvm->idt_base);
    return false;
}

/* The #DB after a single-stepped page-table write: the shadows go. */
static void trapvm_step_end(struct vcpu *v, struct cpu_regs *r)
{
    struct trapvm_vcpu *t = v->arch.trapvm;

    t->stepping = false;
    r->rflags = (r->rflags & ~RFLAGS_TF) | (t->step_tf ? RFLAGS_TF : 0);
    shadow_zap(v);
}

/* A supervisor-mode access from ring 3 that faulted on a present page:
 * hardware makes those only to descriptor tables and the TSS, which are
 * the hypervisor's, but QEMU's TCG (7.2) pops the stack of a far return
 * and an IRET with supervisor accesses, which SMAP refuses on the user
 * pages of a shadow. The instruction is one to emulate: do it now; if it
 * is not (an IRET from the guest's user mode), it gets the #GP the CPU
 * would have raised after those reads. */
static bool trapvm_implicit(struct vcpu *v, struct cpu_regs *r)
{
    int rc;

    if ((r->error_code & (SPT_PF_U | SPT_PF_P)) != SPT_PF_P)
        return false;
    rc = trapvm_emulate(v, r);
    if (rc > 0)
        v->arch.trapvm->traps[TRAPVM_EMUL]++;
    else if (rc == 0)
        trapvm_deliver(v, r, 13, 0, false);
    return true;
}

static void trapvm_page_fault(struct vcpu *v, struct cpu_regs *r)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    uint64_t va = read_cr2();
    uint32_t pf = 0;
    int err;

    if (trapvm_implicit(v, r))
        return;
    err = shadow_fault(v, r, va, r->error_code, &pf);

    if (!err || err == -CARAPACE_ERANGE)
        return;
    if (err == -CARAPACE_ENOMEM) {
        domain_crash(v->domain, r, "no frame left for its shadow tables");
        return;
    }
    if (t->stepping)
        trapvm_step_end(v, r);
    t->cr2 = va;
    t->traps[TRAPVM_PF_GUEST]++;
    trapvm_deliver(v, r, 14, pf, false);
}

/* syscall, from either mode: rcx and r11 are the CPU's already (the
 * entry frame holds them); the rest is the guest's STAR, LSTAR, SFMASK. */
static void trapvm_syscall(struct vcpu *v, struct cpu_regs *r)
{
    struct trapvm_vcpu *t = v->arch.trapvm;

    if (!(t->efer & EFER_SCE)) {
        r->rip -= 2;
        trapvm_deliver(v, r, 6, -1, false);
        return;
    }
    t->traps[TRAPVM_SYSCALL]++;
    r->rcx = r->rip;
    r->r11 = trapvm_flags(t, r->rflags);
    r->rip = t->lstar;
    t->cs = (uint16_t)(t->star >> 32) & ~3u;
    t->ss = (uint16_t)(t->cs + 8);
    if (t->sfmask & RFLAGS_IF)
        t->vif = false;
    r->rflags &= ~(t->sfmask & ~(RFLAGS_IF | RFLAGS_IOPL));
    trapvm_set_cpl(v, 0);
}

static bool trapvm_has_error(unsigned vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 ||
           vector == 21 || vector == 29 || vector == 30;
}

void trapvm_trap(struct vcpu *v, struct cpu_regs *r)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    unsigned vec = (unsigned)r->vector;
    int rc;

    t->traps_total++;
    if (vec == VECTOR_SYSCALL) {
        trapvm_syscall(v, r);
        return;
    }
    if (vec >= 32) {
        t->traps[TRAPVM_IRQ]++;
        if (vec == VECTOR_TIMER)
            apic_timer_interrupt();
        else if (vec != VECTOR_SPURIOUS)
            apic_eoi();
        return;
    }
    t->int_shadow = false;
    if (vec == 14) {
        trapvm_page_fault(v, r);
        return;
    }
    if (vec == 1 && t->stepping) {
        trapvm_step_end(v, r);
        return;
    }
    if (vec == 13 || vec == 6) {
        rc = trapvm_emulate(v, r);
        if (rc > 0) {
            t->traps[TRAPVM_EMUL]++;
            if (t->stepping)
                trapvm_step_end(v, r);
        }
        if (rc)
            return;
    }
    if (t->stepping)
        trapvm_step_end(v, r);
    t->traps[TRAPVM_EXC]++;
    trapvm_deliver(v, r, vec,
                   trapvm_has_error(vec) ? (int64_t)r->error_code : -1,
                   vec == 3 || vec == 4);
}

void trapvm_resume(struct vcpu *v, struct cpu_regs *r)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    int vec;

    hvm_dev_poll(v);
    if (t->vif && !t->int_shadow && !t->stepping) {
        vec = hvm_pic_pending(&t->dev);
        if (vec >= 0) {
            hvm_pic_ack(&t->dev, vec);
            trapvm_deliver(v, r, (unsigned)vec, -1, false);
        }
    }
    hvm_dev_flush(v);
}

void trapvm_dump(const struct vcpu *v)
{
    const struct trapvm_vcpu *t = v->arch.trapvm;

    log_err("  trap vCPU: CPL %u, IF %u, CS %#x SS %#x, CR0 %#lx CR2 %#lx "
            "CR3 %#lx CR4 %#lx EFER %#lx\n",
            t->cpl, t->vif, t->cs, t->ss, t->cr0, t->cr2, t->cr3, t->cr4,
            t->efer);
    log_err("  GDT %#lx+%#x IDT %#lx+%#x TR %#x LDTR %#x, %lu traps, "
            "shadows dropped %lu times\n",
            t->gdt_base, t->gdt_limit, t->idt_base, t->idt_limit, t->tr,
            t->ldtr, t->traps_total, t->shadow.zaps);
}

/* At destroy: the report of its traps; its frames go with the domain. */
void trapvm_release(struct vcpu *v)
{
    struct trapvm_vcpu *t = v->arch.trapvm;
    char line[200];
    size_t n = 0;

    for (unsigned k = 0; k < TRAPVM_KINDS; k++)
        if (t->traps[k] && n < sizeof(line))
            n += (size_t)format_snprintf(line + n, sizeof(line) - n, " %s %lu",
                                         trapvm_kind_name[k], t->traps[k]);
    line[n < sizeof(line) ? n : sizeof(line) - 1] = 0;
    log_info("Domain %u (%s): %lu traps:%s; shadows dropped %lu times, "
             "%lu new tables write-protected\n",
             v->domain->id, v->domain->name, t->traps_total, line,
             t->shadow.zaps, t->shadow.unwrites);
    v->arch.trapvm = NULL;
    v->arch.cr3_kernel = v->arch.cr3_user = 0;
}
