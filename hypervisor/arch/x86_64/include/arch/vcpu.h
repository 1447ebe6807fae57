/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x86_64 PV state of a vCPU. The guest kernel and guest user both run in
 * ring 3; what tells them apart is `in_kernel`, and each has its own
 * page-table root. Guarded by: only the CPU running the vCPU touches it.
 */
#ifndef CARAPACE_ARCH_VCPU_H
#define CARAPACE_ARCH_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include <arch/regs.h>

#define ARCH_TRAP_VECTORS 32

struct svm_vcpu;
struct trapvm_vcpu;

struct arch_vcpu {
    struct svm_vcpu *svm;       /* an hvm vCPU's state (arch/svm.h); NULL: pv */
    struct trapvm_vcpu *trapvm; /* a trap vCPU's (arch/trapvm.h) */
    struct cpu_regs regs; /* guest registers while the vCPU is not running */
    uint64_t cr3_kernel;  /* machine address of the kernel L4 (0: none) */
    uint64_t cr3_user;    /* machine address of the user L4 (0: none) */
    bool in_kernel;       /* guest kernel mode, else guest user mode */
    uint64_t kernel_sp;   /* stack for bounces from user mode */
    uint64_t fs_base, gs_base_kernel, gs_base_user;
    uint64_t trap_addr[ARCH_TRAP_VECTORS]; /* 0: no handler */
    uint8_t trap_flags[ARCH_TRAP_VECTORS];
    uint64_t event_cb, failsafe_cb, syscall_cb;
    unsigned bounce_depth; /* bounces not yet returned from with iret */
    /* x87/SSE state (fxsave image) while the vCPU is not running: the
     * hypervisor never touches these registers itself (-mgeneral-regs-only,
     * and libfdt has no SSE code), so they change hands only here. */
    uint8_t fpu[512] __attribute__((aligned(16)));
};

#endif /* CARAPACE_ARCH_VCPU_H */
