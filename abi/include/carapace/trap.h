/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest traps, callbacks and returns (x86_64 PV).
 *
 * A guest kernel runs in ring 3 and cannot own an IDT. It registers a trap
 * table (HC_set_trap_table), an event callback, a failsafe callback and a
 * syscall callback (HC_set_callbacks), and the kernel stack to use when
 * guest user mode is interrupted (HC_stack_switch). To deliver a trap the
 * hypervisor "bounces": it switches to guest kernel mode (and stack, if the
 * guest was in user mode), pushes a struct trap_frame, masks events if the
 * handler asked for it, and jumps to the handler with every general
 * register as it was at the trap. The handler returns with HC_iret.
 */
#ifndef CARAPACE_ABI_TRAP_H
#define CARAPACE_ABI_TRAP_H

#include <stdint.h>

#include "abi.h"

/* One entry per guest exception handler; the table ends at an entry whose
 * address is 0, or after TRAP_TABLE_MAX entries. */
struct trap_info {
    uint8_t vector; /* 0..31 */
    uint8_t flags;  /* TRAP_F_* */
    uint8_t pad[6]; /* must be zero */
    uint64_t address;
};
CARAPACE_ABI_CHECK(struct trap_info, 16);

#define TRAP_TABLE_MAX    32
#define TRAP_F_MASKEVENTS 0x01 /* set upcall_mask while the handler runs */

/* Pseudo-vectors in trap_frame.vector for the callbacks. */
/* The event callback always runs with events masked (upcall_mask = 1). */
#define TRAP_VECTOR_EVENT    0x100
#define TRAP_VECTOR_SYSCALL  0x101
#define TRAP_VECTOR_FAILSAFE 0x102

/* What the guest kernel finds at its stack pointer when a handler starts. */
struct trap_frame {
    uint64_t error_code; /* the CPU's error code, or 0 */
    uint64_t vector;     /* 0..31, or TRAP_VECTOR_* */
    uint64_t rip;        /* where the guest was */
    uint64_t rflags;     /* IF reflects !upcall_mask at the time of the trap */
    uint64_t rsp;
    uint64_t flags; /* TRAP_FRAME_USER: the guest was in user mode */
    uint64_t rcx;   /* guest rcx and r11 at the trap (a syscall from user */
    uint64_t r11;   /* mode has already clobbered them, as on hardware) */
};
CARAPACE_ABI_CHECK(struct trap_frame, 64);

#define TRAP_FRAME_USER 0x1

/*
 * HC_iret(struct iret_frame *f): return from a handler to guest kernel or
 * guest user mode. rax, rcx, rdi and r11 are reloaded from the frame (the
 * hypercall itself clobbers them); every other register keeps its value.
 * upcall_mask becomes !(rflags & IF). IOPL and other privileged flags in
 * rflags are ignored. Not allowed inside HC_multicall.
 */
struct iret_frame {
    uint64_t rax, rcx, rdi, r11;
    uint64_t rip;
    uint64_t rflags;
    uint64_t rsp;
    uint64_t flags; /* TRAP_FRAME_USER: return to guest user mode */
};
CARAPACE_ABI_CHECK(struct iret_frame, 64);

/* HC_set_segment_base(which, base). */
#define SEGBASE_FS        0
#define SEGBASE_GS_USER   1
#define SEGBASE_GS_KERNEL 2

#endif /* CARAPACE_ABI_TRAP_H */
