/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * AMD SVM: the VMCB (the parts we use, at the offsets of AMD's APM vol. 2,
 * appendix B), the exit codes we handle, and the state of an hvm vCPU.
 * Private to arch/x86_64 (svm.c, svm_exit.c, hvm_dev.c, npt.c).
 */
#ifndef CARAPACE_ARCH_SVM_H
#define CARAPACE_ARCH_SVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include <arch/hvm_dev.h>

struct vmcb_seg {
    uint16_t selector, attrib;
    uint32_t limit;
    uint64_t base;
};

struct vmcb {
    /* Control area. */
    uint32_t intercept_cr;  /* 0x000: reads (low 16), writes (high 16) */
    uint32_t intercept_dr;  /* 0x004 */
    uint32_t intercept_exc; /* 0x008 */
    uint32_t intercept1;    /* 0x00c: SVM_I1_* */
    uint32_t intercept2;    /* 0x010: SVM_I2_* */
    uint8_t reserved0[0x40 - 0x14];
    uint64_t iopm_base_pa;  /* 0x040 */
    uint64_t msrpm_base_pa; /* 0x048 */
    uint64_t tsc_offset;    /* 0x050 */
    uint32_t asid;          /* 0x058 */
    uint8_t tlb_control;    /* 0x05c */
    uint8_t reserved1[3];
    uint32_t int_ctl;    /* 0x060: SVM_INT_* */
    uint32_t int_vector; /* 0x064 */
    uint32_t int_state;  /* 0x068: bit 0, the interrupt shadow */
    uint32_t reserved2;
    uint64_t exit_code;         /* 0x070 */
    uint64_t exit_info1;        /* 0x078 */
    uint64_t exit_info2;        /* 0x080 */
    uint32_t exit_int_info;     /* 0x088 */
    uint32_t exit_int_info_err; /* 0x08c */
    uint64_t nested_ctl;        /* 0x090: bit 0, nested paging */
    uint8_t reserved3[0xa8 - 0x98];
    uint32_t event_inj;     /* 0x0a8 */
    uint32_t event_inj_err; /* 0x0ac */
    uint64_t nested_cr3;    /* 0x0b0 */
    uint8_t reserved4[0x400 - 0xb8];
    /* State-save area. */
    struct vmcb_seg es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 */
    uint8_t reserved5[0x4cb - 0x4a0];
    uint8_t cpl; /* 0x4cb */
    uint32_t reserved6;
    uint64_t efer; /* 0x4d0 */
    uint8_t reserved7[0x548 - 0x4d8];
    uint64_t cr4, cr3, cr0, dr7, dr6, rflags, rip; /* 0x548 */
    uint8_t reserved8[0x5d8 - 0x580];
    uint64_t rsp; /* 0x5d8 */
    uint8_t reserved9[0x5f8 - 0x5e0];
    uint64_t rax;                                          /* 0x5f8 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;   /* 0x600 */
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip, cr2; /* 0x628 */
    uint8_t reserved10[0x668 - 0x648];
    uint64_t g_pat; /* 0x668 */
    uint8_t reserved11[4096 - 0x670];
};

_Static_assert(offsetof(struct vmcb, iopm_base_pa) == 0x40, "VMCB");
_Static_assert(offsetof(struct vmcb, int_ctl) == 0x60, "VMCB");
_Static_assert(offsetof(struct vmcb, exit_code) == 0x70, "VMCB");
_Static_assert(offsetof(struct vmcb, nested_ctl) == 0x90, "VMCB");
_Static_assert(offsetof(struct vmcb, event_inj) == 0xa8, "VMCB");
_Static_assert(offsetof(struct vmcb, nested_cr3) == 0xb0, "VMCB");
_Static_assert(offsetof(struct vmcb, es) == 0x400, "VMCB");
_Static_assert(offsetof(struct vmcb, cpl) == 0x4cb, "VMCB");
_Static_assert(offsetof(struct vmcb, efer) == 0x4d0, "VMCB");
_Static_assert(offsetof(struct vmcb, cr4) == 0x548, "VMCB");
_Static_assert(offsetof(struct vmcb, rip) == 0x578, "VMCB");
_Static_assert(offsetof(struct vmcb, rsp) == 0x5d8, "VMCB");
_Static_assert(offsetof(struct vmcb, rax) == 0x5f8, "VMCB");
_Static_assert(offsetof(struct vmcb, cr2) == 0x640, "VMCB");
_Static_assert(offsetof(struct vmcb, g_pat) == 0x668, "VMCB");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB");

/* Intercept vector 1 (0x00c) and 2 (0x010) bits. */
#define SVM_I1_INTR     (1u << 0)
#define SVM_I1_NMI      (1u << 1)
#define SVM_I1_SMI      (1u << 2)
#define SVM_I1_INIT     (1u << 3)
#define SVM_I1_VINTR    (1u << 4)
#define SVM_I1_RDPMC    (1u << 15)
#define SVM_I1_CPUID    (1u << 18)
#define SVM_I1_INVD     (1u << 22)
#define SVM_I1_HLT      (1u << 24)
#define SVM_I1_INVLPGA  (1u << 26)
#define SVM_I1_IOIO     (1u << 27)
#define SVM_I1_MSR      (1u << 28)
#define SVM_I1_TASKSW   (1u << 29)
#define SVM_I1_SHUTDOWN (1u << 31)
#define SVM_I2_VMRUN    (1u << 0)
#define SVM_I2_VMMCALL  (1u << 1)
#define SVM_I2_VMLOAD   (1u << 2)
#define SVM_I2_VMSAVE   (1u << 3)
#define SVM_I2_STGI     (1u << 4)
#define SVM_I2_CLGI     (1u << 5)
#define SVM_I2_SKINIT   (1u << 6)
#define SVM_I2_RDTSCP   (1u << 7)
#define SVM_I2_ICEBP    (1u << 8)
#define SVM_I2_WBINVD   (1u << 9)
#define SVM_I2_MONITOR  (1u << 10)
#define SVM_I2_MWAIT    (1u << 11)
#define SVM_I2_XSETBV   (1u << 13)

#define SVM_INT_V_IRQ     (1u << 8)
#define SVM_INT_PRIO_MAX  (0xfu << 16)
#define SVM_INT_IGN_TPR   (1u << 20)
#define SVM_INT_V_MASKING (1u << 24)

#define SVM_EVENT_VALID (1u << 31)

/* Exit codes (VMCB exit_code). */
#define SVM_EXIT_INTR     0x060
#define SVM_EXIT_NMI      0x061
#define SVM_EXIT_VINTR    0x064
#define SVM_EXIT_CPUID    0x072
#define SVM_EXIT_HLT      0x078
#define SVM_EXIT_IOIO     0x07b
#define SVM_EXIT_MSR      0x07c
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN    0x080
#define SVM_EXIT_VMMCALL  0x081
#define SVM_EXIT_NPF      0x400
#define SVM_EXIT_INVALID  ((uint64_t)-1)

/* Exit reasons counted per vCPU (svm_exit.c's table). */
enum hvm_exit_kind {
    HVM_EXIT_IO,
    HVM_EXIT_HLT,
    HVM_EXIT_INTR,
    HVM_EXIT_VINTR,
    HVM_EXIT_CPUID,
    HVM_EXIT_MSR,
    HVM_EXIT_VMMCALL,
    HVM_EXIT_NPF,
    HVM_EXIT_SHUTDOWN,
    HVM_EXIT_OTHER,
    HVM_EXIT_KINDS,
};

/* An hvm vCPU: one frame, owned by its domain (svm.c). The guest's general
 * registers that VMRUN does not save (all but rax and rsp) live here while
 * it is not running; svm_entry.S loads and stores them. */
struct svm_vcpu {
    uint64_t gprs[16]; /* rax (unused), rcx, rdx, rbx, rsp (unused), rbp,
                          rsi, rdi, r8 .. r15: the hardware order */
    mfn_t vmcb, iopm, msrpm, npt_root;
    uint64_t ram_frames; /* guest-physical frames the NPT maps */
    uint64_t exits[HVM_EXIT_KINDS];
    uint64_t exits_total;
    uint64_t guest_efer; /* what the guest wrote (SVME hidden) */
    struct hvm_devs dev;
};

#define SVM_GPR_RCX 1
#define SVM_GPR_RDX 2
#define SVM_GPR_RBX 3
#define SVM_GPR_RBP 5
#define SVM_GPR_RSI 6
#define SVM_GPR_RDI 7

struct vcpu;
struct domain;

/* svm_entry.S: run the guest until the next #VMEXIT. */
void svm_vmrun(uint64_t vmcb_pa, uint64_t host_pa, uint64_t *gprs);

/* svm.c */
struct vmcb *svm_vmcb(struct svm_vcpu *s);
/* Run v until it blocks, stops, or a host interrupt wants the scheduler. */
void svm_run(struct vcpu *v);
void svm_vcpu_dump(const struct vcpu *v);
/* npt.c: map guest frames 0 .. ram-1 of d (tables owned by d, freed with
 * it). */
int npt_build(struct domain *d, uint64_t ram, mfn_t *root);
/* Guest virtual address to host pointer, for instruction bytes: NULL if
 * the guest's tables do not map it (svm_exit.c reads prefixes and
 * opcodes through it). */
const uint8_t *npt_guest_read(struct vcpu *v, uint64_t va);

/* svm_exit.c: handle the exit in the VMCB; true to enter the guest again,
 * false to go back to the scheduler (blocked, stopped, or a host
 * interrupt to take). */
bool svm_exit_handle(struct vcpu *v);
const char *svm_exit_name(enum hvm_exit_kind k);

#endif /* CARAPACE_ARCH_SVM_H */
