/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pv backend of arch.h, except address spaces (mmu.c) and what both
 * backends share (../cpu.c): boot, traps, console, events, time and new
 * contexts, all through hypercalls and the shared-info page.
 */
#include <string.h>

#include <carapace/shared.h>

#include "arch.h"
#include "cpu.h"
#include "hypercall.h"
#include "print.h"
#include "pv.h"
#include "regs.h"
#include "trapname.h"

static struct shared_info *pv_shared;
static bool pv_console_in;

void arch_trap_entry(void);
void pv_trap(struct arch_regs *r);
void pv_iret_failed(long rc);

_Static_assert(sizeof(struct arch_regs) == 128 + sizeof(struct trap_frame),
               "entry.S frame layout");
_Static_assert(offsetof(struct arch_regs, error_code) == 128, "entry.S");
_Static_assert(offsetof(struct arch_regs, flags) == 128 + 40, "entry.S");

void arch_early_init(void)
{
    hc_set_segment_base(SEGBASE_FS, cpu_percpu_base());
}

static struct vcpu_info *pv_vcpu(void)
{
    return &pv_shared->vcpu[0];
}

struct shared_info *pv_shared_info(void)
{
    return pv_shared;
}

void arch_init(void *shared_info, const void *pt_base)
{
    static const uint8_t vectors[] = {0,  1,  3,  4,  5,  6,  7, 10,
                                      11, 12, 13, 14, 16, 17, 19};
    static struct trap_info table[ARRAY_SIZE(vectors) + 1];
    long rc;

    pv_shared = shared_info;
    pv_window_set_root(pt_base);
    for (unsigned int i = 0; i < ARRAY_SIZE(vectors); i++) {
        /* Masked: the kernel never runs with events enabled. */
        table[i] = (struct trap_info){.vector = vectors[i],
                                      .flags = TRAP_F_MASKEVENTS,
                                      .address = (uint64_t)arch_trap_entry};
    }
    rc = hc_set_trap_table(table);
    if (rc == 0)
        rc = hc_set_callbacks((uint64_t)arch_trap_entry,
                              (uint64_t)arch_trap_entry,
                              (uint64_t)arch_trap_entry);
    if (rc)
        panic("trap setup refused: %ld", rc);
    /* libfdt is done: user programs see FS base 0 (no TLS yet). */
    hc_set_segment_base(SEGBASE_FS, 0);
    pv_console_in =
        (hc_version(VERSION_FEATURES) & CARAPACE_FEAT_CONSOLE_IN) != 0;
}

/* --- Traps ---------------------------------------------------------------- */

bool arch_regs_user(const struct arch_regs *r)
{
    return r->flags & TRAP_FRAME_USER;
}

void pv_trap(struct arch_regs *r)
{
    struct arch_fault f = {0};

    if (r->vector == TRAP_VECTOR_SYSCALL) {
        trap_syscall(r);
        return;
    }
    if (r->vector == TRAP_VECTOR_EVENT) {
        trap_event(r);
        return;
    }
    f.name = trapname(r->vector);
    f.error_code = r->error_code;
    if (r->vector == 14) {
        f.page_fault = true;
        f.addr = pv_vcpu()->cr2;
        f.present = r->error_code & 1;
        f.write = r->error_code & 2;
        f.exec = r->error_code & 16;
    }
    trap_fault(r, &f);
}

void pv_iret_failed(long rc)
{
    panic("HC_iret refused the return frame: %ld", rc);
}

/* --- Console and shutdown ---------------------------------------------- */

void arch_console_write(const char *s, size_t len)
{
    while (len) {
        size_t n = len < CONSOLE_WRITE_MAX ? len : CONSOLE_WRITE_MAX;

        if (hc_console_write(s, n) < 0)
            return;
        s += n;
        len -= n;
    }
}

bool arch_console_can_read(void)
{
    return pv_console_in;
}

long arch_console_read(char *buf, size_t len)
{
    return hc_console_read(buf, len);
}

void arch_poweroff(void)
{
    hc_sched_op(SCHED_shutdown, SHUTDOWN_poweroff);
    for (;;)
        hc_sched_op(SCHED_block, 0);
}

void arch_crash(void)
{
    hc_sched_op(SCHED_shutdown, SHUTDOWN_crash);
    for (;;)
        hc_sched_op(SCHED_block, 0);
}

/* --- Events and time ------------------------------------------------------ */

void arch_events_mask(void)
{
    pv_vcpu()->upcall_mask = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

void arch_events_unmask(void)
{
    volatile struct vcpu_info *vi = pv_vcpu();

    vi->upcall_mask = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /* An event that came while masked was not delivered: any hypercall
     * returns through the hypervisor's upcall check, which delivers it. */
    if (vi->upcall_pending)
        hc_version(VERSION_ABI);
}

uint32_t arch_events_take(void)
{
    struct vcpu_info *vi = pv_vcpu();
    uint32_t virqs, out = 0;

    /* Clear the summary first: an event raised after this sets it again. */
    __atomic_store_n(&vi->upcall_pending, 0, __ATOMIC_SEQ_CST);
    virqs = __atomic_exchange_n(&vi->pending_virqs, 0, __ATOMIC_SEQ_CST);
    if (virqs & (1u << VIRQ_TIMER))
        out |= ARCH_EVENT_TIMER;
    if (virqs & (1u << VIRQ_CONSOLE))
        out |= ARCH_EVENT_CONSOLE;
    if (virqs & (1u << VIRQ_DOM_EXC))
        out |= ARCH_EVENT_DOM_EXC;
    if (virqs & (1u << VIRQ_SHUTDOWN))
        out |= ARCH_EVENT_SHUTDOWN;
    return out;
}

void arch_idle(void)
{
    /* Returns at once if an event is already pending: no lost wake-up. */
    hc_sched_op(SCHED_block, 0);
}

void arch_yield(void)
{
    hc_sched_op(SCHED_yield, 0);
}

uint64_t arch_time_ns(void)
{
    const volatile struct vcpu_time_info *t = &pv_vcpu()->time;
    uint64_t stamp, base, delta;
    uint32_t version, mul, lo, hi;
    int8_t shift;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        stamp = t->tsc_timestamp;
        base = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    delta = ((uint64_t)hi << 32 | lo);
    delta = delta > stamp ? delta - stamp : 0;
    delta = shift >= 0 ? delta << shift : delta >> -shift;
    return base + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

void arch_timer_set(uint64_t deadline)
{
    hc_set_timer(deadline ? deadline : 1);
}

/* --- Contexts ----------------------------------------------------------- */

uint64_t arch_context_new_user(uint64_t kstack_top, uint64_t entry,
                               uint64_t user_sp)
{
    extern char arch_trap_exit[];
    struct arch_regs *r = (struct arch_regs *)(kstack_top - sizeof(*r));
    uint64_t *sp = (uint64_t *)r;

    memset(r, 0, sizeof(*r));
    r->rip = entry;
    r->rsp = user_sp;
    r->rflags = 0x202; /* IF: events on in user mode */
    r->flags = TRAP_FRAME_USER;
    *--sp = (uint64_t)arch_trap_exit; /* arch_context_switch returns here */
    for (int i = 0; i < 6; i++)
        *--sp = 0; /* rbp rbx r12..r15 */
    return (uint64_t)sp;
}
