/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86_64 PV execution model. Guest kernel and guest user both run in
 * ring 3, each with its own page-table root; the hypervisor tells them
 * apart by v->arch.in_kernel. A `syscall` from the guest kernel is a
 * hypercall; from guest user mode it is bounced to the guest kernel's
 * syscall callback. Exceptions are bounced to the guest kernel's trap
 * table: a struct trap_frame is pushed on its stack and it resumes at the
 * handler; it returns with HC_iret. A guest that cannot take a bounce
 * (no handler, no usable stack, runaway nesting) is crashed alone.
 *
 * The running vCPU's registers live in the entry frame at the top of the
 * per-CPU stack (pv_frame()); they are copied into v->arch.regs only when
 * it is switched out.
 */
#include <string.h>

#include <carapace/errno.h>
#include <carapace/hypercall.h>
#include <carapace/trap.h>

#include "arch.h"
#include "domain.h"
#include "guestmem.h"
#include "hypercall.h"
#include "log.h"
#include "panic.h"
#include "sched.h"
#include "trapname.h"
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/pv.h>
#include <arch/svm.h>
#include <arch/trap.h>
#include <arch/trapvm.h>

#define MSR_STAR           0xc0000081
#define MSR_LSTAR          0xc0000082
#define MSR_CSTAR          0xc0000083
#define MSR_SYSENTER_CS    0x174
#define MSR_SYSENTER_ESP   0x175
#define MSR_SYSENTER_EIP   0x176
#define MSR_SFMASK         0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102

/* Flags a guest may hold in RFLAGS: arithmetic, TF, DF, AC. IF is always
 * on (a guest masks events instead); IOPL stays 0. */
#define PV_RFLAGS_GUEST 0x40dd5UL
#define PV_RFLAGS_FIXED 0x202UL /* IF and the always-one bit */
#define PV_BOUNCE_MAX   16

extern char syscall_entry[], syscall_compat_entry[], boot_stack_top[];

/* boot.S starts the boot path BOOT_FRAME_RESERVE (256) bytes below the
 * stack top, leaving this frame to the guest. */
_Static_assert(sizeof(struct cpu_regs) <= 256, "boot.S BOOT_FRAME_RESERVE");

static struct cpu_regs *pv_frame(void)
{
    return (struct cpu_regs *)(this_cpu()->stack_top - sizeof(struct cpu_regs));
}

/*
 * Every way the CPU offers into ring 0 besides interrupt gates leads to a
 * handler of ours: 64-bit `syscall` (LSTAR) is the hypercall and user
 * system call path; compatibility-mode `syscall` (CSTAR) cannot happen,
 * since the GDT has no 32-bit code segment, and would be a #UD for the
 * guest (entry.S); `sysenter` (#UD on AMD in long mode) finds
 * SYSENTER_CS 0 and is a #GP on Intel. Left unset, CSTAR is 0: a
 * compat-mode syscall would run at address 0 in ring 0.
 */
void pv_init(void)
{
    this_cpu()->stack_top = (uint64_t)boot_stack_top;
    /* syscall: CS = GDT_HV_CS. sysret (unused) would derive its selectors
     * from GDT_SYSRET_BASE. */
    wrmsr(MSR_STAR,
          ((uint64_t)GDT_SYSRET_BASE << 48) | ((uint64_t)GDT_HV_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_CSTAR, (uint64_t)syscall_compat_entry);
    wrmsr(MSR_SYSENTER_CS, 0);
    wrmsr(MSR_SYSENTER_ESP, 0);
    wrmsr(MSR_SYSENTER_EIP, 0);
    /* Entry with IF, TF, DF, AC and NT clear. */
    wrmsr(MSR_SFMASK, 0x47700);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void pv_hypercall_page_fill(void *page)
{
    uint8_t *p = page;

    memset(p, 0xcc, PAGE_SIZE); /* int3 between stubs */
    for (unsigned nr = 0; nr < HC_NR; nr++) {
        uint8_t *s = p + nr * HYPERCALL_STUB_SIZE;

        s[0] = 0xb8; /* mov $nr, %eax */
        memcpy(s + 1, &nr, 4);
        s[5] = 0x0f; /* syscall */
        s[6] = 0x05;
        s[7] = 0xc3; /* ret */
    }
}

void pv_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t stack,
                  uint64_t start_info, uint64_t l4_ma)
{
    struct arch_vcpu *a = &v->arch;

    memset(&a->regs, 0, sizeof(a->regs));
    a->regs.rip = entry;
    a->regs.rsp = stack;
    a->regs.rdi = a->regs.rsi = start_info;
    a->regs.cs = GDT_GUEST_CS64;
    a->regs.ss = GDT_GUEST_DS;
    a->regs.rflags = PV_RFLAGS_FIXED;
    a->cr3_kernel = l4_ma;
    a->in_kernel = true;
    /* The state after fninit, with SSE exceptions masked (MXCSR 0x1f80). */
    memset(a->fpu, 0, sizeof(a->fpu));
    a->fpu[0] = 0x7f; /* FCW 0x037f */
    a->fpu[1] = 0x03;
    a->fpu[24] = 0x80; /* MXCSR 0x1f80 */
    a->fpu[25] = 0x1f;
}

/* Kernel <-> user: the page-table root and the GS base change with it. The
 * live guest GS base is in MSR_KERNEL_GS_BASE while we run. */
static void pv_switch_mode(struct vcpu *v, bool to_kernel)
{
    struct arch_vcpu *a = &v->arch;

    if (a->in_kernel == to_kernel)
        return;
    if (a->in_kernel)
        a->gs_base_kernel = rdmsr(MSR_KERNEL_GS_BASE);
    else
        a->gs_base_user = rdmsr(MSR_KERNEL_GS_BASE);
    a->in_kernel = to_kernel;
    wrmsr(MSR_KERNEL_GS_BASE, to_kernel ? a->gs_base_kernel : a->gs_base_user);
    write_cr3(to_kernel ? a->cr3_kernel : a->cr3_user);
}

void arch_vcpu_switch(struct vcpu *prev, struct vcpu *next)
{
    struct cpu_regs *frame = pv_frame();

    /* An hvm vCPU's registers are in its VMCB and svm_vcpu, its segment
     * bases and syscall MSRs switched by VMLOAD/VMSAVE: only the FPU,
     * which VMRUN leaves alone, changes hands here. */
    if (prev && prev->arch.svm)
        asm volatile("fxsave64 %0" : "=m"(prev->arch.fpu));
    else if (prev) {
        struct arch_vcpu *a = &prev->arch;

        a->regs = *frame;
        asm volatile("fxsave64 %0" : "=m"(a->fpu));
        a->fs_base = rdmsr(MSR_FS_BASE);
        if (a->in_kernel)
            a->gs_base_kernel = rdmsr(MSR_KERNEL_GS_BASE);
        else
            a->gs_base_user = rdmsr(MSR_KERNEL_GS_BASE);
    }
    if ((prev && prev->arch.trapvm) || (next && next->arch.trapvm))
        trapvm_cr4(next); /* a trap domain may run without UMIP */
    if (!next) {
        write_cr3(paging_idle_root());
        wrmsr(MSR_FS_BASE, (uint64_t)this_cpu()); /* for libfdt */
        return;
    }
    if (next->arch.svm) {
        asm volatile("fninit\n\tfxrstor64 %0" : : "m"(next->arch.fpu));
        write_cr3(paging_idle_root());
        return;
    }
    *frame = next->arch.regs;
    /* AMD's fxsave/fxrstor skip the x87 last-instruction and last-data
     * pointers (FIP, FDP, FOP) unless an exception is pending, so the
     * previous vCPU's would show through: fninit zeroes them first. */
    asm volatile("fninit\n\tfxrstor64 %0" : : "m"(next->arch.fpu));
    write_cr3(next->arch.in_kernel ? next->arch.cr3_kernel
                                   : next->arch.cr3_user);
    wrmsr(MSR_FS_BASE, next->arch.fs_base);
    wrmsr(MSR_KERNEL_GS_BASE, next->arch.in_kernel ? next->arch.gs_base_kernel
                                                   : next->arch.gs_base_user);
}

void arch_idle(void)
{
    cpu_wait_irq();
}

void arch_irq_window(void)
{
    /* sti holds interrupts off for one more instruction: the nop. */
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

/*
 * Deliver a trap to the guest kernel: push a trap_frame on its stack (its
 * kernel stack if it was in user mode) and resume at `handler`. Returns
 * false if the domain had to be crashed instead.
 */
static bool pv_bounce(struct vcpu *v, struct cpu_regs *r, uint64_t vector,
                      uint64_t error_code, uint64_t handler, bool mask)
{
    struct vcpu_info *vi = &v->domain->shared->vcpu[v->id];
    struct trap_frame tf = {
        .error_code = error_code,
        .vector = vector,
        .rip = r->rip,
        .rflags = (r->rflags & ~RFLAGS_IF) | (vi->upcall_mask ? 0 : RFLAGS_IF),
        .rsp = r->rsp,
        .flags = v->arch.in_kernel ? 0 : TRAP_FRAME_USER,
        .rcx = r->rcx,
        .r11 = r->r11,
    };
    uint64_t sp = r->rsp;

    if (++v->arch.bounce_depth > PV_BOUNCE_MAX) {
        domain_crash(v->domain, r,
                     "%s while %u traps deep in its own "
                     "handlers (recursive fault)",
                     trapname(vector), PV_BOUNCE_MAX);
        return false;
    }
    if (!v->arch.in_kernel) {
        pv_switch_mode(v, true);
        sp = v->arch.kernel_sp;
    }
    sp = (sp - sizeof(tf)) & ~15UL;
    if (guestmem_write(gva_init(sp), &tf, sizeof(tf))) {
        domain_crash(v->domain, r,
                     "cannot deliver %s: guest kernel stack "
                     "%#lx is not writable",
                     trapname(vector), sp);
        return false;
    }
    if (mask)
        vi->upcall_mask = 1;
    r->rip = handler;
    r->rsp = sp;
    r->rflags = (r->rflags & PV_RFLAGS_GUEST & ~0x100UL) | PV_RFLAGS_FIXED;
    r->cs = GDT_GUEST_CS64;
    r->ss = GDT_GUEST_DS;
    return true;
}

static void pv_exception(struct vcpu *v, struct cpu_regs *r)
{
    uint64_t handler = v->arch.trap_addr[r->vector];

    if (r->vector == 14)
        v->domain->shared->vcpu[v->id].cr2 = read_cr2();
    if (!handler) {
        domain_crash(v->domain, r,
                     "unhandled %s (vector %lu) in guest %s "
                     "mode",
                     trapname(r->vector), r->vector,
                     v->arch.in_kernel ? "kernel" : "user");
        return;
    }
    pv_bounce(v, r, r->vector, r->error_code, handler,
              v->arch.trap_flags[r->vector] & TRAP_F_MASKEVENTS);
}

/*
 * HC_iret(frame): resume at the frame instead of returning. The result is
 * the frame's rax, which pv_syscall puts in rax like any hypercall's; the
 * other registers the frame holds are set in the entry frame here.
 */
long hypercall_iret(struct vcpu *v, const uint64_t a[5])
{
    struct vcpu_info *vi = &v->domain->shared->vcpu[v->id];
    struct cpu_regs *r = pv_frame();
    struct iret_frame f;
    bool to_user;

    if (guestmem_read(&f, gva_init(a[0]), sizeof(f)))
        return -CARAPACE_EFAULT;
    to_user = f.flags & TRAP_FRAME_USER;
    if ((f.flags & ~(uint64_t)TRAP_FRAME_USER) ||
        !guestmem_range_ok(gva_init(f.rip), 1) ||
        !guestmem_range_ok(gva_init(f.rsp), 1) ||
        (to_user && !v->arch.cr3_user))
        return -CARAPACE_EINVAL;
    r->rcx = f.rcx;
    r->rdi = f.rdi;
    r->r11 = f.r11;
    r->rip = f.rip;
    r->rsp = f.rsp;
    r->rflags = (f.rflags & PV_RFLAGS_GUEST) | PV_RFLAGS_FIXED;
    vi->upcall_mask = !(f.rflags & RFLAGS_IF);
    if (v->arch.bounce_depth)
        v->arch.bounce_depth--;
    if (to_user)
        pv_switch_mode(v, false);
    return (long)f.rax;
}

static void pv_syscall(struct vcpu *v, struct cpu_regs *r)
{
    uint64_t args[5] = {r->rdi, r->rsi, r->rdx, r->r10, r->r8};

    if (!v->arch.in_kernel) {
        if (!v->arch.syscall_cb)
            domain_crash(v->domain, r,
                         "syscall from guest user mode with no "
                         "syscall callback");
        else
            pv_bounce(v, r, TRAP_VECTOR_SYSCALL, 0, v->arch.syscall_cb, true);
        return;
    }
    r->rax = (uint64_t)hypercall_dispatch(v, r->rax, args, false);
}

void pv_trap(struct cpu_regs *r)
{
    struct vcpu *v = sched_current();

    if (!v)
        panic("entry from ring 3 with no guest running (vector %lu)",
              r->vector);
    if (v->arch.trapvm) {
        trapvm_trap(v, r); /* trap-and-emulate: no hypercalls */
        sched_run();
    }
    v->entries++; /* HC_version(VERSION_ENTRIES) */
    if (r->vector == VECTOR_SYSCALL)
        pv_syscall(v, r);
    else if (r->vector == VECTOR_TIMER)
        apic_timer_interrupt();
    else if (r->vector < 32)
        pv_exception(v, r);
    else if (r->vector != VECTOR_SPURIOUS) /* spurious takes no EOI */
        apic_eoi();
    sched_run();
}

/*
 * Deliver a pending, unmasked event upcall, then leave for the guest. If
 * the bounce crashed the domain, return to the scheduler's loop instead
 * (calling sched_run() from here would nest one frame per domain that
 * crashes in a row, and enough of them would overflow the stack).
 */
void arch_return_to_guest(void)
{
    struct vcpu *v = sched_current();
    struct vcpu_info *vi = &v->domain->shared->vcpu[v->id];

    if (v->arch.svm) {
        svm_run(v); /* until it blocks, stops or the scheduler is due */
        return;
    }
    if (v->arch.trapvm) {
        trapvm_resume(v, pv_frame());
        if (v->state == VCPU_RUNNABLE)
            entry_resume(pv_frame());
        return;
    }
    if (vi->upcall_pending && !vi->upcall_mask && v->arch.event_cb)
        pv_bounce(v, pv_frame(), TRAP_VECTOR_EVENT, 0, v->arch.event_cb, true);
    if (v->state != VCPU_RUNNABLE)
        return; /* the bounce crashed it */
    entry_resume(pv_frame());
}

void arch_vcpu_dump(const struct vcpu *v, const struct cpu_regs *r)
{
    if (v->arch.svm) {
        svm_vcpu_dump(v);
        return;
    }
    log_err("  vCPU %u in guest %s mode, RIP %016lx RSP %016lx "
            "RFLAGS %016lx\n",
            v->id, v->arch.in_kernel ? "kernel" : "user", r->rip, r->rsp,
            r->rflags);
    log_err("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", r->rax, r->rbx,
            r->rcx, r->rdx);
    log_err("  RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", r->rsi, r->rdi,
            r->rbp, r->r8);
    log_err("  R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", r->r9, r->r10,
            r->r11, r->r12);
    log_err("  R13 %016lx R14 %016lx R15 %016lx CR2 %016lx\n", r->r13, r->r14,
            r->r15, v->domain->shared ? v->domain->shared->vcpu[v->id].cr2 : 0);
    log_err("  error code %#lx, vector %lu, CR3 %016lx\n", r->error_code,
            r->vector,
            v->arch.in_kernel ? v->arch.cr3_kernel : v->arch.cr3_user);
    if (v->arch.trapvm)
        trapvm_dump(v);
}
