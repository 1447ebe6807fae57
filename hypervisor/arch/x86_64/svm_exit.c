/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What an hvm vCPU's #VMEXITs do. Each exit is counted by kind. Port I/O
 * goes to the emulated devices (hvm_dev.c); HLT blocks the vCPU until an
 * interrupt is pending; CPUID and the MSRs follow the policy below; a
 * host interrupt is taken and the scheduler runs. A nested page fault
 * (memory outside the domain's RAM), a triple fault (shutdown) or any
 * other intercepted instruction crashes the domain alone, with a report.
 *
 * TCG's SVM saves no next rip (no nRIP-save) and decodes nothing, except
 * for port I/O, whose exit gives the next rip: for the other instructions
 * the length is read from the guest's code (prefixes, then the opcode).
 *
 * CPUID policy: the host's leaves, with SVM, x2APIC, MONITOR, XSAVE and
 * the TSC-deadline timer hidden (none is emulated) and the hypervisor bit
 * set; leaf 0x40000000 says "CarapaceHVM\0" (the VMMCALL interface).
 * MSR policy: EFER (SVME hidden), STAR, LSTAR, CSTAR, SFMASK, FS/GS bases,
 * KERNEL_GS_BASE, the SYSENTER MSRs and PAT are the guest's own, in the
 * VMCB (a non-canonical address or an undefined PAT type is a #GP, as on
 * hardware); the TSC reads as the host's; APIC_BASE reads as the default
 * and ignores writes; any other MSR is a #GP in the guest, as on hardware
 * that lacks it. VMMCALL, from any ring of the guest: rax = 0, version (returns
 * 1); rax = 1, print the byte in rbx on the domain's console; rax = 2, the
 * exits of this vCPU so far (for /bin/tradeoff's exit counts); anything
 * else returns -ENOSYS in rax.
 */
#include <string.h>

#include <carapace/errno.h>

#include "arch.h"
#include "domain.h"
#include "log.h"
#include "sched.h"
#include <arch/cpu.h>
#include <arch/svm.h>

#define EFER_SVME (1UL << 12)

static const char *const svm_exit_names[HVM_EXIT_KINDS] = {
    "io",  "hlt",     "intr", "vintr",    "cpuid",
    "msr", "vmmcall", "npf",  "shutdown", "other",
};

const char *svm_exit_name(enum hvm_exit_kind k)
{
    return k < HVM_EXIT_KINDS ? svm_exit_names[k] : "?";
}

/* The length of the instruction at rip whose last opcode bytes are
 * op[0..n): legacy and REX prefixes, then op. 0 if the bytes there are not
 * that instruction (the guest changed them, or they are not mapped). */
static unsigned svm_insn_len(struct vcpu *v, const uint8_t *op, unsigned n)
{
    struct vmcb *vm = svm_vmcb(v->arch.svm);
    uint64_t rip = vm->rip;
    unsigned len = 0;

    for (; len < 15; len++) {
        const uint8_t *b = npt_guest_read(v, rip + len);

        if (!b)
            return 0;
        if (*b == 0x66 || *b == 0x67 || *b == 0xf2 || *b == 0xf3 ||
            *b == 0x2e || *b == 0x36 || *b == 0x3e || *b == 0x26 ||
            *b == 0x64 || *b == 0x65 || (*b >= 0x40 && *b <= 0x4f))
            continue;
        break;
    }
    for (unsigned i = 0; i < n; i++) {
        const uint8_t *b = npt_guest_read(v, rip + len + i);

        if (!b || *b != op[i])
            return 0;
    }
    return len + n;
}

/* Step over the instruction op; false (the domain crashed) if it is not
 * there. */
static bool svm_skip(struct vcpu *v, const uint8_t *op, unsigned n,
                     const char *what)
{
    struct vmcb *vm = svm_vmcb(v->arch.svm);
    unsigned len = svm_insn_len(v, op, n);

    if (!len) {
        domain_crash(v->domain, NULL,
                     "%s exit, but no %s instruction at rip %#lx", what, what,
                     vm->rip);
        return false;
    }
    vm->rip += len;
    vm->int_state = 0;
    return true;
}

static void svm_inject_gp(struct vmcb *vm)
{
    vm->event_inj = 13 | (3u << 8) | (1u << 11) | SVM_EVENT_VALID;
    vm->event_inj_err = 0;
}

static void svm_cpuid(struct vcpu *v, struct vmcb *vm)
{
    uint64_t *g = v->arch.svm->gprs;
    uint32_t leaf = (uint32_t)vm->rax, a, b, c, d;

    cpuid(leaf, (uint32_t)g[SVM_GPR_RCX], &a, &b, &c, &d);
    if (leaf == 1) {
        c &= ~((1u << 3) | (1u << 5) | (1u << 21) | (1u << 24) | (1u << 26) |
               (1u << 27));
        c |= 1u << 31; /* a hypervisor is present */
    } else if (leaf == 0x80000001) {
        c &= ~(1u << 2); /* no SVM inside */
    } else if (leaf == 0x8000000a || leaf == 7) {
        if (leaf == 7)
            b &= ~(1u << 16 | 1u << 30); /* AVX-512 bits: no XSAVE */
        else
            a = b = c = d = 0;
    } else if (leaf == 0x40000000) {
        a = 0x40000000;
        memcpy(&b, "Cara", 4);
        memcpy(&c, "pace", 4);
        memcpy(&d, "HVM\0", 4);
    } else if (leaf == 0xd) {
        a = b = c = d = 0;
    }
    vm->rax = a;
    g[SVM_GPR_RBX] = b;
    g[SVM_GPR_RCX] = c;
    g[SVM_GPR_RDX] = d;
}

/* The MSR's slot in the VMCB, or NULL if it is not the guest's own. */
static uint64_t *svm_msr_slot(struct vmcb *vm, uint32_t msr)
{
    switch (msr) {
    case 0xc0000081:
        return &vm->star;
    case 0xc0000082:
        return &vm->lstar;
    case 0xc0000083:
        return &vm->cstar;
    case 0xc0000084:
        return &vm->sfmask;
    case 0xc0000100:
        return &vm->fs.base;
    case 0xc0000101:
        return &vm->gs.base;
    case 0xc0000102:
        return &vm->kernel_gs_base;
    case 0x174:
        return &vm->sysenter_cs;
    case 0x175:
        return &vm->sysenter_esp;
    case 0x176:
        return &vm->sysenter_eip;
    case 0x277:
        return &vm->g_pat;
    default:
        return NULL;
    }
}

/* Would hardware take val in msr? An address must be canonical (VMLOAD
 * would put it in the CPU as it is), a PAT entry a memory type that
 * exists (else VMRUN refuses the VMCB); EFER and the rest are masked or
 * checked where they are used. */
static bool svm_msr_value_ok(uint32_t msr, uint64_t val)
{
    switch (msr) {
    case 0xc0000082: /* LSTAR */
    case 0xc0000083: /* CSTAR */
    case 0xc0000100: /* FS_BASE */
    case 0xc0000101: /* GS_BASE */
    case 0xc0000102: /* KERNEL_GS_BASE */
    case 0x175:      /* SYSENTER_ESP */
    case 0x176:      /* SYSENTER_EIP */
        return (uint64_t)((int64_t)(val << 16) >> 16) == val;
    case 0x277: /* PAT: each byte 0, 1, 4, 5, 6 or 7 */
        for (int i = 0; i < 8; i++) {
            uint8_t t = (uint8_t)(val >> (8 * i));

            if (t > 7 || t == 2 || t == 3)
                return false;
        }
        return true;
    default:
        return true;
    }
}

static bool svm_msr(struct vcpu *v, struct vmcb *vm)
{
    static const uint8_t rd[] = {0x0f, 0x32}, wr[] = {0x0f, 0x30};
    struct svm_vcpu *s = v->arch.svm;
    uint32_t msr = (uint32_t)s->gprs[SVM_GPR_RCX];
    bool write = vm->exit_info1 & 1;
    uint64_t val = (vm->rax & 0xffffffff) | s->gprs[SVM_GPR_RDX] << 32;
    uint64_t *slot = svm_msr_slot(vm, msr);

    unsigned len = svm_insn_len(v, write ? wr : rd, 2);

    if (!len) {
        domain_crash(v->domain, NULL, "msr exit, but no %s at rip %#lx",
                     write ? "wrmsr" : "rdmsr", vm->rip);
        return false;
    }
    if ((msr != MSR_EFER && !slot && msr != MSR_APIC_BASE &&
         !(msr == 0x10 && !write)) ||
        (write && !svm_msr_value_ok(msr, val))) {
        svm_inject_gp(vm); /* on the instruction: it faults */
        return true;
    }
    vm->rip += len;
    vm->int_state = 0;
    if (msr == MSR_EFER) {
        if (write) {
            s->guest_efer = val & (EFER_SCE | EFER_LME | EFER_NXE);
            /* LMA is the CPU's, set when paging comes on in long mode. */
            vm->efer = s->guest_efer | (vm->efer & (1UL << 10)) | EFER_SVME;
        }
        val = vm->efer & ~EFER_SVME;
    } else if (slot) {
        if (write)
            *slot = val;
        val = *slot;
    } else if (msr == 0x10 && !write) { /* TSC */
        val = rdtsc();
    } else {
        val = 0xfee00900; /* APIC_BASE: enabled, BSP, the default base */
    }
    if (!write) {
        vm->rax = val & 0xffffffff;
        s->gprs[SVM_GPR_RDX] = val >> 32;
    }
    return true;
}

static bool svm_io(struct vcpu *v, struct vmcb *vm)
{
    uint64_t info = vm->exit_info1;
    uint16_t port = (uint16_t)(info >> 16);
    bool in = info & 1;
    unsigned size = info & 0x10 ? 1 : info & 0x20 ? 2 : 4;
    uint32_t val = (uint32_t)vm->rax;

    if (info & 0x4) {
        domain_crash(v->domain, NULL,
                     "string port I/O (ins/outs) at port %#x, rip %#lx: not "
                     "emulated",
                     port, vm->rip);
        return false;
    }
    if (!in)
        val &= size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
    if (!hvm_dev_io(v, port, size, in, &val) && in)
        val = 0xffffffff; /* no device: an empty bus reads all ones */
    if (in) {
        uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1;

        vm->rax = size == 4 ? val : (vm->rax & ~mask) | (val & mask);
    }
    vm->rip = vm->exit_info2; /* the exit gives the next rip */
    return v->state == VCPU_RUNNABLE && v->domain->state == DOMAIN_ACTIVE;
}

static bool svm_hlt(struct vcpu *v)
{
    static const uint8_t hlt[] = {0xf4};

    if (!svm_skip(v, hlt, 1, "hlt"))
        return false;
    hvm_dev_poll(v);
    if (hvm_pic_pending(&v->arch.svm->dev) >= 0)
        return true;
    hvm_dev_flush(v);
    sched_block(v); /* until an event: the timer, console input */
    return false;
}

static bool svm_vmmcall(struct vcpu *v, struct vmcb *vm)
{
    static const uint8_t op[] = {0x0f, 0x01, 0xd9};
    uint64_t *g = v->arch.svm->gprs;

    if (!svm_skip(v, op, 3, "vmmcall"))
        return false;
    if (vm->rax == 0) {
        vm->rax = 1;
    } else if (vm->rax == 2) {
        vm->rax = v->arch.svm->exits_total; /* this one included */
    } else if (vm->rax == 1) {
        uint32_t c = (uint8_t)g[SVM_GPR_RBX];

        hvm_dev_io(v, 0x3f8, 1, false, &c);
        vm->rax = 0;
    } else {
        vm->rax = (uint64_t)-CARAPACE_ENOSYS;
    }
    return true;
}

/* Names for the report of an exit that is not emulated. */
static const char *svm_exit_code_name(uint64_t code)
{
    if (code >= 0x020 && code <= 0x02f)
        return "mov from a debug register";
    if (code >= 0x030 && code <= 0x03f)
        return "mov to a debug register";
    switch (code) {
    case 0x06f:
        return "rdpmc";
    case 0x076:
        return "invd";
    case 0x07d:
        return "task switch";
    case 0x080:
        return "vmrun";
    case 0x082:
        return "vmload";
    case 0x083:
        return "vmsave";
    case 0x084:
        return "stgi";
    case 0x085:
        return "clgi";
    case 0x086:
        return "skinit";
    case 0x087:
        return "rdtscp";
    case 0x088:
        return "icebp";
    case 0x089:
        return "wbinvd";
    case 0x08a:
        return "monitor";
    case 0x08b:
        return "mwait";
    case 0x08d:
        return "xsetbv";
    default:
        return "?";
    }
}

static enum hvm_exit_kind svm_exit_kind(uint64_t code)
{
    switch (code) {
    case SVM_EXIT_IOIO:
        return HVM_EXIT_IO;
    case SVM_EXIT_HLT:
        return HVM_EXIT_HLT;
    case SVM_EXIT_INTR:
        return HVM_EXIT_INTR;
    case SVM_EXIT_VINTR:
        return HVM_EXIT_VINTR;
    case SVM_EXIT_CPUID:
        return HVM_EXIT_CPUID;
    case SVM_EXIT_MSR:
        return HVM_EXIT_MSR;
    case SVM_EXIT_VMMCALL:
        return HVM_EXIT_VMMCALL;
    case SVM_EXIT_NPF:
        return HVM_EXIT_NPF;
    case SVM_EXIT_SHUTDOWN:
        return HVM_EXIT_SHUTDOWN;
    default:
        return HVM_EXIT_OTHER;
    }
}

bool svm_exit_handle(struct vcpu *v)
{
    static const uint8_t cpuid_op[] = {0x0f, 0xa2};
    struct svm_vcpu *s = v->arch.svm;
    struct vmcb *vm = svm_vmcb(s);
    struct domain *d = v->domain;

    s->exits[svm_exit_kind(vm->exit_code)]++;
    switch (vm->exit_code) {
    case SVM_EXIT_IOIO:
        return svm_io(v, vm);
    case SVM_EXIT_HLT:
        return svm_hlt(v);
    case SVM_EXIT_INTR:
    case SVM_EXIT_NMI:
        irq_enable(); /* the host takes its interrupt here */
        __asm__ volatile("nop");
        irq_disable();
        return false; /* and the scheduler may pick another vCPU */
    case SVM_EXIT_VINTR:
        return true; /* the guest can take the interrupt now */
    case SVM_EXIT_CPUID:
        if (!svm_skip(v, cpuid_op, 2, "cpuid"))
            return false;
        svm_cpuid(v, vm);
        return true;
    case SVM_EXIT_MSR:
        return svm_msr(v, vm);
    case SVM_EXIT_VMMCALL:
        return svm_vmmcall(v, vm);
    case SVM_EXIT_NPF:
        domain_crash(d, NULL,
                     "nested page fault: guest-physical %#lx is outside its "
                     "%lu KiB of RAM (error %#lx, rip %#lx)",
                     vm->exit_info2, s->ram_frames * 4, vm->exit_info1,
                     vm->rip);
        break;
    case SVM_EXIT_SHUTDOWN:
        domain_crash(d, NULL, "triple fault (shutdown) at rip %#lx", vm->rip);
        break;
    case SVM_EXIT_INVALID:
        domain_crash(d, NULL, "VMRUN refused its state (invalid VMCB)");
        break;
    default:
        domain_crash(d, NULL,
                     "intercepted instruction or event %#lx (%s) at rip "
                     "%#lx: not emulated",
                     vm->exit_code, svm_exit_code_name(vm->exit_code), vm->rip);
        break;
    }
    svm_vcpu_dump(v);
    return false;
}
