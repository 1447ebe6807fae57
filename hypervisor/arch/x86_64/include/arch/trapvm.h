/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trap domains: trap-and-emulate, the classic VMM (docs/trap-and-emulate
 * .md). An unmodified kernel runs in ring 3, on shadow page tables
 * (shadow.c) built from its own tables (spt.c); what it may not do there
 * faults, is decoded (insn.c) and emulated against the virtual CPU below
 * (trapvm_emul.c); its exceptions and interrupts are delivered through its
 * own IDT (trapvm.c). It sees a PC: the devices of hvm_dev.c.
 *
 * The vCPU runs on the PV machinery: its registers are the entry frame
 * (struct cpu_regs) with the real CS and SS of a guest (ring 3), and
 * v->arch.cr3_kernel is the machine address of the shadow root in use
 * (v->arch.in_kernel stays true: the PV kernel/user split does not apply).
 *
 * All of it lives in frames of the domain (allocated for it, outside its
 * RAM and its p2m), freed with it. Guarded by: only the CPU running the
 * vCPU touches it (one CPU, interrupts off in the hypervisor).
 */
#ifndef CARAPACE_ARCH_TRAPVM_H
#define CARAPACE_ARCH_TRAPVM_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include <arch/hvm_dev.h>
#include <arch/regs.h>

/* Shadow table frames a vCPU may have beside its two roots: past this, the
 * shadows are dropped and rebuilt (a cache, not a limit on the guest). */
#define SHADOW_POOL 450

/* What a trap was, counted per vCPU (the destroy report, the tradeoffs). */
enum trapvm_kind {
    TRAPVM_EMUL,     /* a privileged instruction emulated */
    TRAPVM_PF_FILL,  /* a #PF that filled a shadow entry */
    TRAPVM_PF_GUEST, /* a #PF that was the guest's own */
    TRAPVM_PT_WRITE, /* a write to a guest page table (then single-step) */
    TRAPVM_EXC,      /* another exception, delivered to the guest */
    TRAPVM_IRQ,      /* a host interrupt while it ran */
    TRAPVM_SYSCALL,  /* syscall, redirected to the guest's LSTAR */
    TRAPVM_KINDS,
};

struct trapvm_shadow {
    mfn_t root[2];      /* [0] the guest kernel's shadow, [1] its user's */
    mfn_t pool;         /* a frame of SHADOW_POOL mfns (0: not made yet) */
    unsigned used;      /* pool frames in the shadows now */
    unsigned made;      /* pool frames allocated so far */
    mfn_t ptmap;        /* bitmap: guest frames seen as page tables */
    uint64_t ptmap_len; /* bytes of the bitmap */
    uint64_t zaps;      /* times both shadows were dropped */
    uint64_t unwrites;  /* times a new table's mappings lost W */
};

struct trapvm_vcpu {
    /* The virtual CPU: what the guest believes it has. */
    uint64_t cr0, cr2, cr3, cr4, efer;
    uint64_t gdt_base, idt_base;
    uint16_t gdt_limit, idt_limit;
    uint16_t ldtr, tr;
    uint64_t tss_base;               /* from the descriptor LTR named */
    uint32_t tss_limit;              /* its limit (the I/O bitmap's end) */
    uint16_t cs, ss, ds, es, fs, gs; /* selectors as loaded (RPL = cpl) */
    unsigned cpl;                    /* 0 or 3 */
    bool vif;                        /* the virtual IF */
    bool int_shadow;                 /* STI just ran: no delivery yet */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
    /* A write to a guest page table runs single-stepped, the page open:
     * then the shadows are dropped (shadow.c). */
    bool stepping, step_tf;
    bool umip_off;       /* CR4.UMIP clear while it runs (arch_trapvm_umip) */
    uint64_t ram_frames; /* guest-physical RAM: gfns 0 .. ram_frames - 1 */
    struct trapvm_shadow shadow;
    struct hvm_devs dev;
    uint64_t traps[TRAPVM_KINDS];
    uint64_t traps_total;
};

struct vcpu;
struct domain;

/* trapvm.c */
struct hvm_devs *trapvm_devs(struct vcpu *v);
/* A trap from the guest (pv_trap hands every entry of a trap vCPU here);
 * returns to let the scheduler run. */
void trapvm_trap(struct vcpu *v, struct cpu_regs *r);
/* Before the vCPU resumes: devices polled, an interrupt delivered if the
 * guest can take one. */
void trapvm_resume(struct vcpu *v, struct cpu_regs *r);
/* Deliver exception or interrupt `vector` through the guest's IDT (err:
 * its error code, or -1 for none; soft: an INT n, checked against the
 * gate's DPL). false if the domain was crashed instead. */
bool trapvm_deliver(struct vcpu *v, struct cpu_regs *r, unsigned vector,
                    int64_t err, bool soft);
/* Enter virtual ring cpl (0 or 3): the shadow of that mode. */
void trapvm_set_cpl(struct vcpu *v, unsigned cpl);
void trapvm_dump(const struct vcpu *v);
/* At a switch to `next` (any vCPU, or NULL): CR4.UMIP as it wants. */
void trapvm_cr4(const struct vcpu *next);
void trapvm_release(struct vcpu *v);

/* trapvm_emul.c: emulate the instruction at r->rip after a #GP or #UD:
 * 1 done, 0 not one to emulate (the fault is the guest's), -1 a fault was
 * delivered to the guest instead, or the domain crashed. */
int trapvm_emulate(struct vcpu *v, struct cpu_regs *r);

/* trapvm_desc.c: the descriptor-table, segment and control-transfer
 * instructions of trapvm_emulate (same results). */
struct insn;
int trapvm_desc(struct vcpu *v, struct cpu_regs *r, const struct insn *in);
/* Shared by both: general register n (hardware order) of r; guest memory
 * with the rights of its current mode (a fault is delivered: -1). */
uint64_t *trapvm_gpr(struct cpu_regs *r, unsigned n);
int trapvm_mem(struct vcpu *v, struct cpu_regs *r, uint64_t va, void *buf,
               uint64_t len, bool write);
/* The linear address of in's memory operand (FS/GS overrides included). */
uint64_t trapvm_ea(const struct cpu_regs *r, const struct insn *in);

/* shadow.c */
int shadow_init(struct vcpu *v);
/* Drop both shadows (and forget which frames were page tables). */
void shadow_zap(struct vcpu *v);
/* The machine address of the shadow root for the guest's current mode. */
uint64_t shadow_root(const struct vcpu *v);
/* A #PF from the guest at va with the CPU's error code: fixed in the
 * shadows (0), the guest's own (-EFAULT, *pf_error for it), or the domain
 * crashed (-ERANGE). */
int shadow_fault(struct vcpu *v, struct cpu_regs *r, uint64_t va,
                 uint64_t hw_error, uint32_t *pf_error);
/* Copy to or from guest-virtual va as the guest's current mode would
 * (user: as its user mode); a write to a guest page table drops the
 * shadows. 0, -EFAULT (the guest's #PF: *pf_error, *pf_va), -EINVAL (a
 * non-canonical address: the guest's #GP), -ERANGE (the domain was
 * crashed). */
int shadow_copy(struct vcpu *v, uint64_t va, void *buf, uint64_t len,
                bool write, bool user, uint32_t *pf_error, uint64_t *pf_va);

#endif /* CARAPACE_ARCH_TRAPVM_H */
