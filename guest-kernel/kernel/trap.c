/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Traps from the arch layer: system calls, events and faults. A fault in
 * user mode is either a page the process may have (heap, stack: mapped on
 * first touch) or the end of the process; a fault in kernel mode is a
 * kernel bug and a panic. Every return to user mode passes
 * trap_return_user, where a killed process dies and a process whose slice
 * is over yields.
 */
#include "print.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"

static void trap_return_user(void)
{
    struct proc *p = proc_current;

    if (p->killed)
        proc_exit(p->killed);
    if (sched_need_resched()) {
        sched_yield();
        if (p->killed)
            proc_exit(p->killed);
    }
}

void trap_syscall(struct arch_regs *r)
{
    syscall_dispatch(r);
    trap_return_user();
}

void trap_event(struct arch_regs *r)
{
    sched_events();
    if (arch_regs_user(r))
        trap_return_user();
}

static void trap_kill(struct proc *p, const struct arch_regs *r,
                      const struct arch_fault *f, int err)
{
    if (err == -SYS_ENOMEM)
        kprintf("kernel: pid %d (%s) killed: out of memory at %#lx (heap "
                "and stack limit %u MiB, or no free frames), rip %#lx\n",
                p->pid, p->name, (unsigned long)f->addr, SYS_PROC_MEM >> 20,
                (unsigned long)arch_regs_pc(r));
    else if (f->page_fault)
        kprintf("kernel: pid %d (%s) killed: page fault at 0x%lx (%s, %s), "
                "rip %#lx\n",
                p->pid, p->name, (unsigned long)f->addr,
                f->exec    ? "exec"
                : f->write ? "write"
                           : "read",
                f->present ? "protection" : "not present",
                (unsigned long)arch_regs_pc(r));
    else
        kprintf("kernel: pid %d (%s) killed: %s, rip %#lx\n", p->pid, p->name,
                f->name, (unsigned long)arch_regs_pc(r));
    proc_exit(SYS_STATUS_FAULT);
}

void trap_fault(struct arch_regs *r, const struct arch_fault *f)
{
    struct proc *p = proc_current;
    int err = -SYS_EFAULT;

    if (!arch_regs_user(r) || !p) {
        panic("%s in kernel mode at rip %#lx (address %#lx, error %#lx, "
              "pid %d)",
              f->name, (unsigned long)arch_regs_pc(r), (unsigned long)f->addr,
              (unsigned long)f->error_code, p ? p->pid : 0);
    }
    if (f->page_fault && !f->present)
        err = vm_fault(&p->vm, f->addr);
    if (err)
        trap_kill(p, r, f, err);
    arch_space_commit();
    trap_return_user();
}
