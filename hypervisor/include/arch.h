/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hooks generic hypervisor code calls into the architecture through.
 * Each architecture (arch/x86_64/) implements all of them.
 */
#ifndef CARAPACE_ARCH_H
#define CARAPACE_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "memrange.h"

/* How the machine stops: QEMU turns these into distinct exit statuses. */
enum arch_exit_reason {
    ARCH_EXIT_POWEROFF = 0,   /* clean shutdown */
    ARCH_EXIT_FATAL = 1,      /* panic or unexpected exception */
    ARCH_EXIT_DOM0_CRASH = 2, /* dom0 crashed or asked to crash */
    ARCH_EXIT_REBOOT = 3,     /* dom0 asked for a reboot */
};

/* Write bytes to the hypervisor console (serial line). */
void arch_console_write(const char *s, size_t len);

/* The next byte received on the console, or -1 if none is waiting. */
int arch_console_getc(void);

/* Stop the machine. Never returns. */
__attribute__((noreturn)) void arch_exit(enum arch_exit_reason why);

/* Add the physical ranges the architecture needs kept (the image, firmware
 * areas) to `reserved`. */
int arch_mm_reserved(struct memrange_set *reserved);

/* Highest physical address (exclusive) reachable before arch_paging_init. */
uint64_t arch_mm_early_limit(void);

/* Hypervisor virtual address of a physical address in the direct map, and
 * back (only for direct-map addresses). */
void *arch_phys_to_virt(uint64_t pa);
uint64_t arch_virt_to_phys(const void *va);

/* The direct-map address of machine frame m, and the frame of a direct-map
 * address: the one spelling of both, so no file keeps a private copy. */
static inline void *mfn_to_virt(mfn_t m)
{
    return arch_phys_to_virt(pa_val(mfn_to_pa(m)));
}

static inline mfn_t virt_to_mfn(const void *va)
{
    return pa_to_mfn(pa_init(arch_virt_to_phys(va)));
}

/* Page-table frames arch_paging_init needs for a machine whose RAM ends at
 * ram_end and consists of nranges ranges. */
uint64_t arch_paging_pool_frames(uint64_t ram_end, unsigned nranges);

/* Build and switch to the hypervisor's final page tables, taking table
 * frames from the pool [pool_pa, pool_pa + pool_frames * 4 KiB). */
int arch_paging_init(const struct memrange_set *ram, uint64_t pool_pa,
                     uint64_t pool_frames);

/* Map the M2P table [pa, pa + size) read-only for every guest at
 * M2P_VIRT_START (after arch_paging_init, from its pool). */
int arch_m2p_map(uint64_t pa, uint64_t size);

/* Start the periodic timer; returns its frequency in Hz. */
unsigned arch_timer_init(void);

/* Make sure a timer interrupt comes by system time deadline_ns (the
 * timer is one-shot, armed for the next tick or guest deadline). */
void arch_timer_kick(uint64_t deadline_ns);

/* Scheduler ticks (TIMER_HZ) passed on this CPU so far. */
uint64_t arch_timer_ticks(void);

/* Enable interrupts and wait for the next one. */
void arch_wait_irq(void);

/* Nanoseconds since boot (0 until the timer is calibrated). */
uint64_t arch_time_ns(void);

/* Print a backtrace of the calling context. */
void arch_backtrace_here(void);

/* --- Guests (arch/x86_64/pv*.c) --- */
struct vcpu;
struct domain;
struct cpu_regs;

/* Print a guest vCPU's registers for a crash report. */
void arch_vcpu_dump(const struct vcpu *v, const struct cpu_regs *regs);
/* Drop the references a vCPU holds (page-table roots). */
void arch_vcpu_release(struct vcpu *v);
/* Unpin a dying domain's page tables; returns frames still referenced. */
int arch_domain_release_memory(struct domain *d);
/* Make `next` the running vCPU (NULL: idle): page tables, segment bases. */
void arch_vcpu_switch(struct vcpu *prev, struct vcpu *next);
/* Leave the hypervisor for the current vCPU. Returns only if it can no
 * longer run (delivering a pending event crashed its domain): the caller,
 * the scheduler's loop, picks again. */
void arch_return_to_guest(void);
/* Idle until an interrupt, with interrupts enabled only while waiting. */
void arch_idle(void);
/* Take the interrupts that are pending, if any, without waiting: the idle
 * loop's work (scrubbing) runs with interrupts off between two of these. */
void arch_irq_window(void);

/* --- Building guests (arch/x86_64/pv_build.c) --- */
struct vcpu_time_info;

/* Pin l4, a frame of d written by the toolstack, as d's L4: the full
 * validation of every table under it. 0 or a negative errno. */
int arch_guest_pin_root(struct domain *d, mfn_t l4);

/* Build the tables mapping guest frames 0..nr-1 at virt_base, in the
 * domlayout_pt_frames() guest frames pt_gfn.. (mapped read-only), pin them; *l4
 * gets the root's machine address. */
int arch_guest_pt_build(struct domain *d, gva_t virt_base, uint64_t nr,
                        mfn_t (*gfn_to_mfn)(void *ctx, gfn_t gfn), void *ctx,
                        gfn_t pt_gfn, uint64_t pt_frames, uint64_t *l4);
void arch_hypercall_page_fill(void *page);
int arch_vcpu_init_guest(struct vcpu *v, uint64_t entry, uint64_t stack,
                         uint64_t start_info, uint64_t l4);
/* Fill in system time and the TSC scale for a guest. */
void arch_vcpu_time_update(struct vcpu_time_info *t);

/* --- hvm domains (arch/x86_64/svm*.c, npt.c, hvm_dev.c) --- */

/* Can this CPU run hvm domains (SVM with nested paging)? */
bool arch_hvm_available(void);
/* Make v an hvm vCPU entering a Multiboot kernel at entry (32-bit
 * protected mode, ebx = info_gpa), its guest-physical RAM the domain's
 * frames 0 .. ram_frames - 1. 0, -ENOSYS (no SVM), -ENOMEM; on failure
 * the domain holds what was allocated, for domain_destroy. */
int arch_hvm_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t info_gpa,
                       uint64_t ram_frames);
/* Log v's exits per kind (at destroy). */
void arch_hvm_report(const struct vcpu *v);

/* --- trap domains (arch/x86_64/trapvm*.c, shadow.c, spt.c, insn.c) --- */

/* Make v a trap vCPU entering a Multiboot kernel in long mode at entry,
 * with its page tables at guest-physical l4 in (virtual) CR3, rdi = the
 * Multiboot magic, rsi = rbx = info_gpa; its RAM the domain's frames
 * 0 .. ram_frames - 1. 0 or -ENOMEM; on failure the domain holds what
 * was allocated, for domain_destroy. */
int arch_trapvm_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t l4,
                          uint64_t info_gpa, uint64_t ram_frames);
/* Run trap vCPU v with CR4.UMIP as the hypervisor has it (on, where the
 * CPU offers it) or clear, for the demos of what UMIP fixes. */
void arch_trapvm_umip(struct vcpu *v, bool on);

/* --- Grant mappings (arch/x86_64/pv_grant.c; rules: common/grant.c) --- */

/* Map mfn, a frame of domain `owner`, at va in v's current kernel page
 * tables as a grant mapping (the L1 must exist, its entry be empty); it
 * holds references on the frame until arch_grant_unmap. *cookie: where the
 * entry is. -EINVAL, -ENOENT, -EBUSY, -EPERM, -ERANGE. */
int arch_grant_map(struct vcpu *v, uint64_t va, mfn_t mfn, uint32_t owner,
                   bool writable, uint64_t *cookie);
/* Remove a mapping arch_grant_map() made for domain d. */
int arch_grant_unmap(struct domain *d, uint64_t cookie, mfn_t mfn,
                     bool writable);
/* May the hypervisor copy from (to: write) mfn on owner's behalf? */
int arch_grant_frame_check(uint32_t owner, mfn_t mfn, bool write);
/* Hold (or release) a frame of dom the hypervisor writes (a grant table
 * frame, the shared-info page): never a page table while held. */
int arch_grant_table_hold(uint32_t dom, mfn_t mfn, bool hold);
/* Owner is dying with mfn still mapped by others: the hypervisor takes it. */
void arch_grant_orphan(uint32_t owner, mfn_t mfn);
/* An orphan lost a mapping: free it if it was the last; true if freed. */
bool arch_grant_orphan_release(mfn_t mfn);

#endif /* CARAPACE_ARCH_H */
