/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hvm domains on AMD SVM with nested paging: an unmodified kernel (the
 * guest kernel's native image) runs in a VMCB, in its own ring 0, and the
 * hypervisor sees it only at #VMEXITs (svm_exit.c). Its memory is the
 * domain's frames, mapped by nested page tables (npt.c); its devices are
 * emulated at port I/O exits (hvm_dev.c).
 *
 * Every frame an hvm vCPU needs (this file's svm_vcpu, the VMCB, the I/O
 * and MSR permission maps, the nested tables) is allocated for its domain
 * and freed with it by domain_destroy, as its RAM is: the frame table
 * accounts for all of it. The two host frames (VM_HSAVE_PA's area and the
 * host state VMSAVE keeps) are allocated once, at the first hvm vCPU.
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
#include <arch/cpu.h>
#include <arch/svm.h>

_Static_assert(sizeof(struct svm_vcpu) <= PAGE_SIZE, "one frame");

#define MSR_VM_CR       0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117
#define VM_CR_SVMDIS    (1u << 4)
#define EFER_SVME       (1UL << 12)

#define SVM_ATTR_CODE32 0xc9b /* G, D, P, S, type 0xb: flat 32-bit code */
#define SVM_ATTR_DATA32 0xc93 /* G, B, P, S, type 3: flat data */
#define SVM_ATTR_TSS    0x08b /* P, type 0xb: a busy TSS */
#define SVM_ATTR_LDT    0x082

static bool svm_enabled;
static mfn_t svm_hsave, svm_host;

static uint64_t svm_pa(mfn_t m)
{
    return pa_val(mfn_to_pa(m));
}

struct vmcb *svm_vmcb(struct svm_vcpu *s)
{
    return mfn_to_virt(s->vmcb);
}

bool arch_hvm_available(void)
{
    uint32_t a, b, c, d;

    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a < 0x8000000a)
        return false;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    if (!(c & (1u << 2))) /* SVM */
        return false;
    cpuid(0x8000000a, 0, &a, &b, &c, &d);
    if (!(d & 1)) /* nested paging */
        return false;
    return !(rdmsr(MSR_VM_CR) & VM_CR_SVMDIS);
}

static int svm_enable(void)
{
    if (svm_enabled)
        return 0;
    if (!arch_hvm_available())
        return -CARAPACE_ENOSYS;
    svm_hsave = frame_alloc(0, FRAME_OWNER_HYP);
    svm_host = frame_alloc(0, FRAME_OWNER_HYP);
    if (!mfn_valid(svm_hsave) || !mfn_valid(svm_host)) {
        if (mfn_valid(svm_hsave))
            frame_free(svm_hsave, 0);
        if (mfn_valid(svm_host))
            frame_free(svm_host, 0);
        return -CARAPACE_ENOMEM;
    }
    memset(mfn_to_virt(svm_hsave), 0, PAGE_SIZE);
    memset(mfn_to_virt(svm_host), 0, PAGE_SIZE);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, svm_pa(svm_hsave));
    svm_enabled = true;
    log_info("SVM: enabled (nested paging); hvm domains can run\n");
    return 0;
}

/* A zeroed block of 2^order frames for d, or an invalid mfn. */
static mfn_t svm_alloc(struct domain *d, unsigned order)
{
    mfn_t m = frame_alloc(order, d->id);

    if (mfn_valid(m))
        memset(mfn_to_virt(m), 0, PAGE_SIZE << order);
    return m;
}

static void svm_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib,
                    uint32_t limit)
{
    *s = (struct vmcb_seg){.selector = sel, .attrib = attrib, .limit = limit};
}

/* The state a Multiboot loader leaves: 32-bit protected mode, paging off,
 * flat segments, eax = the magic, ebx = the information (gprs). */
static void svm_vmcb_init(struct svm_vcpu *s, uint64_t entry)
{
    struct vmcb *vm = svm_vmcb(s);

    /* The debug registers are not switched by VMRUN (DR0-3) or would let
     * one hvm guest see another's: any access exits, and is not emulated.
     * RDPMC would read the host's performance counters. */
    vm->intercept_dr = 0xffffffff;
    vm->intercept1 = SVM_I1_INTR | SVM_I1_NMI | SVM_I1_SMI | SVM_I1_INIT |
                     SVM_I1_RDPMC | SVM_I1_CPUID | SVM_I1_INVD | SVM_I1_HLT |
                     SVM_I1_INVLPGA | SVM_I1_IOIO | SVM_I1_MSR | SVM_I1_TASKSW |
                     SVM_I1_SHUTDOWN;
    vm->intercept2 = SVM_I2_VMRUN | SVM_I2_VMMCALL | SVM_I2_VMLOAD |
                     SVM_I2_VMSAVE | SVM_I2_STGI | SVM_I2_CLGI | SVM_I2_SKINIT |
                     SVM_I2_RDTSCP | SVM_I2_ICEBP | SVM_I2_WBINVD |
                     SVM_I2_MONITOR | SVM_I2_MWAIT | SVM_I2_XSETBV;
    vm->iopm_base_pa = svm_pa(s->iopm);
    vm->msrpm_base_pa = svm_pa(s->msrpm);
    vm->asid = 1;
    vm->tlb_control = 1; /* flush this ASID at the first VMRUN */
    vm->int_ctl = SVM_INT_V_MASKING;
    vm->nested_ctl = 1;
    vm->nested_cr3 = svm_pa(s->npt_root);
    svm_seg(&vm->cs, 0x08, SVM_ATTR_CODE32, 0xffffffff);
    svm_seg(&vm->ds, 0x10, SVM_ATTR_DATA32, 0xffffffff);
    vm->es = vm->ss = vm->fs = vm->gs = vm->ds;
    svm_seg(&vm->tr, 0, SVM_ATTR_TSS, 0x67);
    svm_seg(&vm->ldtr, 0, SVM_ATTR_LDT, 0);
    vm->gdtr.limit = vm->idtr.limit = 0xffff;
    vm->cr0 = 0x11; /* PE, ET */
    vm->efer = EFER_SVME;
    vm->dr6 = 0xffff0ff0;
    vm->dr7 = 0x400;
    vm->rflags = 0x2;
    vm->rip = entry;
    vm->rax = MULTIBOOT_BOOT_MAGIC;
    vm->g_pat = 0x0007040600070406ULL;
}

int arch_hvm_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t info_gpa,
                       uint64_t ram_frames)
{
    struct domain *d = v->domain;
    struct svm_vcpu *s;
    mfn_t m;
    int err = svm_enable();

    if (err)
        return err;
    m = svm_alloc(d, 0);
    if (!mfn_valid(m))
        return -CARAPACE_ENOMEM;
    s = mfn_to_virt(m);
    s->vmcb = svm_alloc(d, 0);
    s->iopm = svm_alloc(d, 2);  /* 12 KiB used */
    s->msrpm = svm_alloc(d, 1); /* 8 KiB */
    if (!mfn_valid(s->vmcb) || !mfn_valid(s->iopm) || !mfn_valid(s->msrpm))
        return -CARAPACE_ENOMEM; /* domain_destroy frees what was made */
    /* Every port and every MSR exits: what is emulated is a short list. */
    memset(mfn_to_virt(s->iopm), 0xff, 4 * PAGE_SIZE);
    memset(mfn_to_virt(s->msrpm), 0xff, 2 * PAGE_SIZE);
    err = npt_build(d, ram_frames, &s->npt_root);
    if (err)
        return err;
    s->ram_frames = ram_frames;
    s->gprs[SVM_GPR_RBX] = info_gpa;
    hvm_dev_init(&s->dev);
    svm_vmcb_init(s, entry);
    v->arch.svm = s; /* only now: a failure above leaves a pv-less vCPU */
    return 0;
}

/* Inject the PIC's interrupt if the guest can take it now, else ask for
 * an exit as soon as it can (a virtual interrupt with VINTR intercepted). */
static void svm_inject(struct svm_vcpu *s, struct vmcb *vm)
{
    int vec;

    vm->int_ctl &= ~(SVM_INT_V_IRQ | SVM_INT_PRIO_MAX | SVM_INT_IGN_TPR);
    vm->intercept1 &= ~SVM_I1_VINTR;
    if (vm->exit_int_info & SVM_EVENT_VALID) {
        /* An event the last exit interrupted: deliver it again. */
        vm->event_inj = vm->exit_int_info;
        vm->event_inj_err = vm->exit_int_info_err;
        vm->exit_int_info = 0;
        return;
    }
    vec = hvm_pic_pending(&s->dev);
    if (vec < 0)
        return;
    if ((vm->rflags & RFLAGS_IF) && !(vm->int_state & 1)) {
        vm->event_inj = (uint32_t)vec | SVM_EVENT_VALID; /* external */
        hvm_pic_ack(&s->dev, vec);
        return;
    }
    vm->int_ctl |= SVM_INT_V_IRQ | SVM_INT_PRIO_MAX | SVM_INT_IGN_TPR;
    vm->int_vector = (uint32_t)vec;
    vm->intercept1 |= SVM_I1_VINTR;
}

/* Run v until it blocks, stops or a host interrupt wants the scheduler. */
void svm_run(struct vcpu *v)
{
    struct svm_vcpu *s = v->arch.svm;
    struct vmcb *vm = svm_vmcb(s);

    for (;;) {
        hvm_dev_poll(v);
        if (v->state != VCPU_RUNNABLE || v->domain->state != DOMAIN_ACTIVE)
            break;
        svm_inject(s, vm);
        __asm__ volatile("clgi" ::: "memory");
        irq_enable(); /* held off by GIF until the guest runs */
        svm_vmrun(svm_pa(s->vmcb), svm_pa(svm_host), s->gprs);
        irq_disable();
        __asm__ volatile("stgi" ::: "memory");
        s->exits_total++;
        if (!svm_exit_handle(v))
            break;
    }
    hvm_dev_flush(v);
}

void svm_vcpu_dump(const struct vcpu *v)
{
    struct svm_vcpu *s = v->arch.svm;
    const struct vmcb *vm;

    if (!s || !mfn_valid(s->vmcb))
        return;
    vm = mfn_to_virt(s->vmcb);
    log_err("  hvm vCPU %u: RIP %016lx RSP %016lx RFLAGS %016lx CPL %u\n",
            v->id, vm->rip, vm->rsp, vm->rflags, vm->cpl);
    log_err("  CR0 %016lx CR3 %016lx CR4 %016lx EFER %016lx\n", vm->cr0,
            vm->cr3, vm->cr4, vm->efer & ~EFER_SVME);
    log_err("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", vm->rax,
            s->gprs[SVM_GPR_RBX], s->gprs[SVM_GPR_RCX], s->gprs[SVM_GPR_RDX]);
    log_err("  exit %#lx (info %#lx, %#lx) after %lu exits\n", vm->exit_code,
            vm->exit_info1, vm->exit_info2, s->exits_total);
}

void arch_hvm_report(const struct vcpu *v)
{
    const struct svm_vcpu *s = v->arch.svm;
    char line[256];
    int n;

    if (!s)
        return;
    n = format_snprintf(line, sizeof(line), "%lu exits:", s->exits_total);
    for (unsigned k = 0;
         k < HVM_EXIT_KINDS && n > 0 && (size_t)n < sizeof(line); k++)
        if (s->exits[k])
            n += format_snprintf(line + n, sizeof(line) - (size_t)n, " %s %lu",
                                 svm_exit_name(k), s->exits[k]);
    log_info("Domain %u (%s): %s\n", v->domain->id, v->domain->name, line);
}
