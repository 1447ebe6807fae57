/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Processes (kernel/proc.c): a fixed table of SYS_PROC_MAX slots, each
 * with its own kernel stack, address space, FPU state and open files.
 */
#ifndef GK_PROC_H
#define GK_PROC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch.h"
#include "uapi/sys.h"
#include "vm.h"

enum proc_state {
    PROC_FREE,
    PROC_RUNNABLE,
    PROC_SLEEPING,
    PROC_ZOMBIE,
};

struct file;

struct proc {
    struct arch_fpu fpu;
    enum proc_state state;
    int pid, ppid;
    char name[SYS_COMM_MAX];
    const void *wchan; /* what a sleeping process waits for */
    uint64_t wake_ns;  /* SYS_sleep: wake at this system time (0: none) */
    int killed;        /* non-zero: the status it must die with */
    int exit_status;
    uint64_t ctx_sp; /* saved kernel stack pointer while switched out */
    uint64_t kstack_top;
    uint64_t cpu_ns;
    struct vm vm;
    struct file *fds[SYS_FD_MAX];
    int cwd; /* the working directory's fs node (0: /) */
};

extern struct proc *proc_current;

void proc_init(void);
/* Starts path with argv (argc strings); returns the pid or -SYS_E*. */
int proc_spawn(const char *path, int argc, char *const argv[],
               struct proc *parent);
struct proc *proc_find(int pid);
struct proc *proc_slot(unsigned int i); /* NULL past the table */
/* Ends the current process; never returns. */
__attribute__((noreturn)) void proc_exit(int status);
/* Ends p with status: at once if current, else when it next runs. */
int proc_kill(struct proc *p, int status);
int proc_wait(int pid, uint64_t ustatus, bool nohang);
/* Called by the scheduler once a zombie is off its stack. */
void proc_release(struct proc *p);

#endif /* GK_PROC_H */
