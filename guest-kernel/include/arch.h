/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The architecture interface: every privileged operation of the kernel.
 *
 * The kernel runs deprivileged (x86_64 PV: ring 3 under the Carapace
 * hypervisor), so "privileged" means "a hypercall, or an instruction with
 * a hypervisor-defined meaning". Generic code in kernel/ calls only the
 * functions below; it contains no hypercall and no inline assembly. Two
 * backends implement them: arch/x86_64/pv/ (ring 3 under the hypervisor,
 * with hypercalls) and arch/x86_64/native/ (ring 0 on the bare machine,
 * with the real instructions: cli/sti, CR3 writes, iretq, port I/O);
 * arch/x86_64/ itself holds what both share. docs/tradeoffs.md compares
 * them operation by operation.
 *
 * Concurrency model the interface assumes: one vCPU; the kernel runs with
 * events masked at all times and is entered only through arch_trap_*
 * callbacks (from user mode) or by polling events while idle. So kernel
 * code never races an interrupt handler.
 */
#ifndef GK_ARCH_H
#define GK_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARCH_PAGE_SIZE  4096ULL
#define ARCH_PAGE_SHIFT 12

/* --- Registers at a trap ------------------------------------------------ */

/* The registers a trap saved on the kernel stack. Its layout is the
 * backend's (arch/x86_64/BACKEND/regs.h: the general registers, then the
 * frame the hypervisor or the CPU pushed); generic code holds pointers and
 * uses the accessors below, never the fields. */
struct arch_regs;

bool arch_regs_user(const struct arch_regs *r);
uint64_t arch_regs_pc(const struct arch_regs *r);
uint64_t arch_syscall_nr(const struct arch_regs *r);
uint64_t arch_syscall_arg(const struct arch_regs *r, unsigned int n);
void arch_syscall_ret(struct arch_regs *r, int64_t value);

/* What went wrong, for a fault the arch layer hands to trap_fault(). */
struct arch_fault {
    bool page_fault;
    bool write, present, exec; /* page faults */
    uint64_t addr;             /* page faults: the address touched */
    uint64_t error_code;       /* the CPU's, for messages */
    const char *name;          /* "#GP general protection", ... */
};

/* Called by the arch layer; implemented by generic code (kernel/trap.c). */
void trap_syscall(struct arch_regs *r);
void trap_event(struct arch_regs *r);
void trap_fault(struct arch_regs *r, const struct arch_fault *f);

/* --- Boot, console, shutdown --------------------------------------------- */

/* First thing at boot: the per-CPU block (stack canary at %fs:0x28, which
 * Debian's libfdt reads). */
void arch_early_init(void);
/* Traps and callbacks; shared_info is the start info's shared-info-va,
 * pt_base its pt-base-va (the kernel root, for the foreign window). */
void arch_init(void *shared_info, const void *pt_base);
bool arch_console_can_read(void); /* the hypervisor offers console input */
void arch_console_write(const char *s, size_t len);
/* Returns bytes read (0: none waiting), or a negative error. */
long arch_console_read(char *buf, size_t len);
__attribute__((noreturn)) void arch_poweroff(void);
__attribute__((noreturn)) void arch_crash(void);

/* --- Events (virtual interrupts) and time ------------------------------- */

#define ARCH_EVENT_TIMER    (1u << 0)
#define ARCH_EVENT_CONSOLE  (1u << 1)
#define ARCH_EVENT_DOM_EXC  (1u << 2) /* dom0: a domain came, stopped, died */
#define ARCH_EVENT_SHUTDOWN (1u << 3) /* the toolstack asks for a shutdown */

void arch_events_mask(void);
/* Unmasks, then takes any event that arrived while masked. */
void arch_events_unmask(void);
/* Clears and returns the pending ARCH_EVENT_* bits. */
uint32_t arch_events_take(void);
/* Sleeps until an event is pending (returns at once if one is). */
void arch_idle(void);
/* Lets other domains run (for a bounded wait on one of them). */
void arch_yield(void);
uint64_t arch_time_ns(void);            /* hypervisor system time */
void arch_timer_set(uint64_t deadline); /* one-shot, system time in ns */

/* --- Event channels ------------------------------------------------------ */

/* Ports 1 .. ARCH_EVTCHN_PORTS - 1. Every function returns 0 (or the
 * port) or a negative SYS_E* code: -SYS_ENOSYS when the hypervisor has no
 * event channels. A bound VIRQ arrives on its port, no longer as an
 * ARCH_EVENT_* bit. */
#define ARCH_EVTCHN_PORTS 1024
#define ARCH_VIRQ_DOM_EXC 2

int arch_evtchn_alloc_unbound(uint32_t remote_dom);
int arch_evtchn_bind_interdomain(uint32_t remote_dom, uint32_t remote_port);
int arch_evtchn_bind_virq(uint32_t virq);
int arch_evtchn_send(uint32_t port);
int arch_evtchn_close(uint32_t port);
void arch_evtchn_mask(uint32_t port);
int arch_evtchn_unmask(uint32_t port); /* delivers one that is pending */
/* Clears every pending, unmasked port and hands it to fn, lowest first. */
void arch_evtchn_take(void (*fn)(uint32_t port));

/* --- Grant tables ------------------------------------------------------- */

/* One entry of this domain's grant table (carapace grant ABI). */
struct arch_grant_entry {
    uint16_t flags; /* ARCH_GTF_* */
    uint16_t domid;
    uint32_t pad;
    uint64_t gfn;
};
#define ARCH_GTF_permit_access 0x01
#define ARCH_GTF_readonly      0x04
#define ARCH_GTF_reading       0x08
#define ARCH_GTF_writing       0x10
#define ARCH_GRANT_PER_FRAME   256

/* Sets up a one-frame table and maps it: its entries, or NULL (*err). */
struct arch_grant_entry *arch_grant_setup(int *err);
/* Maps (dom, ref) into the kernel's foreign window: 0 with *va and
 * *handle, or -SYS_E* (-SYS_ENOSPC: the window is full). */
int arch_grant_map(uint32_t dom, uint32_t ref, bool readonly, void **va,
                   uint32_t *handle);
int arch_grant_unmap(void *va, uint32_t handle);
/* The same in user address space s, at page-aligned user address va
 * (which must not be mapped); unmapping needs only va and the handle. */
struct arch_space;
int arch_grant_map_user(struct arch_space *s, uint64_t va, uint32_t dom,
                        uint32_t ref, bool readonly, uint32_t *handle);
int arch_grant_unmap_user(uint64_t va, uint32_t handle);

/* --- Domain control (dom0) ---------------------------------------------- */

#define ARCH_DOM_RUNNING  0
#define ARCH_DOM_BLOCKED  1
#define ARCH_DOM_PAUSED   2
#define ARCH_DOM_SHUTDOWN 3
#define ARCH_DOM_CRASHED  4
#define ARCH_DOM_DYING    5

struct arch_domaininfo {
    uint32_t domid, state;
    uint64_t memory_bytes, cpu_time_ns;
    uint32_t console_port, console_gref; /* the domU's end; 0: none */
    char name[32];                       /* NUL-terminated */
};

/* The domain with the lowest id >= first: 0, or -SYS_ESRCH if none,
 * -SYS_ENOSYS if the hypervisor has no domain control. */
int arch_domctl_getdomaininfo(uint32_t first, struct arch_domaininfo *out);
/* HC_domctl(cmd, arg) as it is, for kernel/domctl.c: arg is a kernel
 * address or a value; the result, hypervisor errors as -SYS_E*. */
long arch_domctl(uint64_t cmd, uint64_t arg);

/* How many times this CPU has entered the hypervisor below the kernel
 * (pv: every system call, hypercall, fault and interrupt), or -SYS_ENOSYS
 * if the backend does not count them (native: there is none). For the
 * tradeoff table (SYS_hventries). */
long arch_hv_entries(void);

/* --- Shutdown requests (a domU) ------------------------------------------- */

#define ARCH_SHUTDOWN_POWEROFF 0
#define ARCH_SHUTDOWN_REBOOT   1
/* 1 + ARCH_SHUTDOWN_* once the toolstack asked this domain to shut down
 * (ARCH_EVENT_SHUTDOWN), else 0. */
uint32_t arch_shutdown_request(void);
__attribute__((noreturn)) void arch_shutdown(uint32_t reason);

/* --- Address spaces ----------------------------------------------------- */

/* A user address space below ARCH_USER_END. The kernel's own mappings are
 * never reachable from it. Updates are batched: arch_space_commit (or any
 * lookup or switch) pushes them to the hypervisor. */
#define ARCH_USER_END  0x40000000ULL /* 1 GiB: one L2 */
#define ARCH_SPACE_L1S 512

struct arch_space {
    uint32_t l4, l3, l2;         /* guest frame numbers */
    uint32_t l1[ARCH_SPACE_L1S]; /* 0: no L1 for that 2 MiB yet */
    uint64_t fs_base;
};

#define ARCH_MAP_WRITE 0x1
#define ARCH_MAP_EXEC  0x2

int arch_space_create(struct arch_space *s);   /* 0 or -SYS_ENOMEM */
void arch_space_destroy(struct arch_space *s); /* frees its tables */
/* Maps page-aligned va to frame gfn; 0 or -SYS_ENOMEM. */
int arch_space_map(struct arch_space *s, uint64_t va, uint32_t gfn,
                   unsigned int flags);
void arch_space_commit(void);
/* The frame mapped at va (0 if none); *flags gets ARCH_MAP_*. */
uint32_t arch_space_lookup(struct arch_space *s, uint64_t va,
                           unsigned int *flags);
/* Calls fn for every mapped page (for freeing them). */
void arch_space_each(struct arch_space *s, void (*fn)(uint32_t gfn));
/* Flushes this vCPU's TLB. The hypervisor already flushes after every
 * page-table change, so the kernel has no caller yet; a backend that
 * batches flushes would need it after unmapping. */
void arch_tlb_flush(void);
/* Makes s the user root, and kstack_top the stack traps from user land on. */
void arch_space_switch(struct arch_space *s, uint64_t kstack_top);
/* Sets s's FS base (a process's TLS), at once if s is the current user
 * root: 0, or -SYS_EINVAL for an address outside user space. */
int arch_space_set_tls(struct arch_space *s, uint64_t fs_base);

/* --- Contexts and FPU -------------------------------------------------- */

/* Saves callee-saved state and the stack pointer in *save, resumes next. */
void arch_context_switch(uint64_t *save, uint64_t next);
/* Prepares a kernel stack so that switching to the returned stack pointer
 * enters user mode at entry with stack user_sp, all registers 0. */
uint64_t arch_context_new_user(uint64_t kstack_top, uint64_t entry,
                               uint64_t user_sp);

struct arch_fpu {
    uint8_t area[512];
} __attribute__((aligned(16)));

void arch_fpu_init(struct arch_fpu *f); /* the reset state */
void arch_fpu_save(struct arch_fpu *f);
void arch_fpu_restore(const struct arch_fpu *f);

#endif /* GK_ARCH_H */
