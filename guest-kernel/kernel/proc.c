/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Processes: creation from a ramdisk program, exit, kill and wait. A
 * process that exits becomes a zombie until its parent waits for it; its
 * memory is freed as soon as the scheduler is off its stack. Orphans go to
 * the first process (pid 1), whose exit ends the domain.
 */
#include <string.h>

#include "console.h"
#include "domctl.h"
#include "loader.h"
#include "file.h"
#include "fs.h"
#include "print.h"
#include "proc.h"
#include "sched.h"
#include "sys_ipc.h"
#include "tty.h"

#define PROC_KSTACK_SIZE 16384
#define PROC_INIT_PID    1

static struct proc proc_table[SYS_PROC_MAX];
static uint8_t proc_kstacks[SYS_PROC_MAX][PROC_KSTACK_SIZE]
    __attribute__((aligned(16)));
static int proc_next_pid = PROC_INIT_PID;
struct proc *proc_current;

void proc_init(void)
{
    for (unsigned int i = 0; i < SYS_PROC_MAX; i++)
        proc_table[i].kstack_top = (uint64_t)&proc_kstacks[i][PROC_KSTACK_SIZE];
}

struct proc *proc_slot(unsigned int i)
{
    return i < SYS_PROC_MAX ? &proc_table[i] : NULL;
}

struct proc *proc_find(int pid)
{
    for (unsigned int i = 0; i < SYS_PROC_MAX; i++) {
        if (proc_table[i].state != PROC_FREE && proc_table[i].pid == pid)
            return &proc_table[i];
    }
    return NULL;
}

/* argc, argv[], NULL and the strings at the top of the stack (sys.h). */
static int proc_push_args(struct vm *vm, int argc, char *const argv[],
                          uint64_t *sp_out)
{
    uint64_t words[SYS_ARGV_MAX + 2];
    uint64_t sp = SYS_USER_TOP;

    for (int i = argc - 1; i >= 0; i--) {
        size_t len = strlen(argv[i]) + 1;

        sp -= len;
        if (vm_copy_out(vm, sp, argv[i], len))
            return -SYS_ENOMEM;
        words[1 + i] = sp;
    }
    words[0] = (uint64_t)argc;
    words[1 + argc] = 0;
    sp = (sp - (uint64_t)(argc + 2) * 8) & ~15ULL;
    if (vm_copy_out(vm, sp, words, (size_t)(argc + 2) * 8))
        return -SYS_ENOMEM;
    *sp_out = sp;
    return 0;
}

static struct proc *proc_alloc(void)
{
    for (unsigned int i = 0; i < SYS_PROC_MAX; i++) {
        if (proc_table[i].state == PROC_FREE)
            return &proc_table[i];
    }
    return NULL;
}

static void proc_set_name(struct proc *p, const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n;

    base = base ? base + 1 : path;
    n = strnlen(base, SYS_COMM_MAX - 1);
    memcpy(p->name, base, n);
    p->name[n] = '\0';
}

/* Loads the program into p; 0 or -SYS_E*. */
static int proc_load(struct proc *p, const char *path, int argc,
                     char *const argv[])
{
    int node = fs_lookup(path);
    const struct fs_node *n = fs_node(node);
    uint64_t entry, sp;
    int rc;

    if (node < 0)
        return node;
    if (n->mode == SYS_S_IFDIR)
        return -SYS_EISDIR;
    if (n->mode != SYS_S_IFREG)
        return -SYS_ENOEXEC;
    rc = vm_create(&p->vm);
    if (rc)
        return rc;
    rc = loader_load(&p->vm, n->data, n->size, &entry);
    if (rc == 0)
        rc = proc_push_args(&p->vm, argc, argv, &sp);
    if (rc) {
        vm_destroy(&p->vm);
        return rc;
    }
    arch_space_commit();
    p->ctx_sp = arch_context_new_user(p->kstack_top, entry, sp);
    return 0;
}

int proc_spawn(const char *path, int argc, char *const argv[],
               struct proc *parent)
{
    struct proc *p = proc_alloc();
    int rc;

    if (!p)
        return -SYS_EAGAIN;
    memset(&p->vm, 0, sizeof(p->vm));
    rc = proc_load(p, path, argc, argv);
    if (rc)
        return rc;
    p->pid = proc_next_pid++;
    p->ppid = parent ? parent->pid : 0;
    p->killed = 0;
    p->exit_status = 0;
    p->cpu_ns = 0;
    p->wchan = NULL;
    proc_set_name(p, path);
    arch_fpu_init(&p->fpu);
    memset(p->fds, 0, sizeof(p->fds));
    p->cwd = parent ? parent->cwd : 0;
    for (int fd = 0; parent && fd < 3; fd++)
        p->fds[fd] = file_dup(parent->fds[fd]);
    p->state = PROC_RUNNABLE;
    return p->pid;
}

void proc_exit(int status)
{
    struct proc *p = proc_current, *parent;

    for (int fd = 0; fd < SYS_FD_MAX; fd++) {
        file_close(p->fds[fd]);
        p->fds[fd] = NULL;
    }
    sys_ipc_exit(p);
    for (unsigned int i = 0; i < SYS_PROC_MAX; i++) {
        struct proc *c = &proc_table[i];

        if (c->state != PROC_FREE && c->ppid == p->pid)
            c->ppid = PROC_INIT_PID;
    }
    if (p->pid == PROC_INIT_PID) {
        kprintf("kernel: init exited with status %d\n", status);
        console_flush();
        /* A domU whose init died of a fault has crashed (the toolstack's
         * on_crash applies); dom0's ends the machine as always. */
        if (status == SYS_STATUS_FAULT && !domctl_is_dom0()) {
            kprintf("kernel panic: init died of a fault\n");
            console_flush();
            arch_crash();
        }
        arch_poweroff();
    }
    tty_proc_gone(p->pid);
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    parent = proc_find(p->ppid);
    if (parent)
        sched_wakeup(parent);
    /* Orphaned zombies may be waiting for init now. */
    if (proc_find(PROC_INIT_PID))
        sched_wakeup(proc_find(PROC_INIT_PID));
    sched_yield();
    panic("zombie pid %d was scheduled", p->pid);
}

void proc_release(struct proc *p)
{
    vm_destroy(&p->vm);
}

int proc_kill(struct proc *p, int status)
{
    if (!p || p->state == PROC_FREE)
        return -SYS_ESRCH;
    if (p->state == PROC_ZOMBIE || p->killed)
        return 0;
    /* It dies on its way back to user mode (trap.c); a sleep is cut
     * short so that this is soon. */
    p->killed = status;
    if (p->state == PROC_SLEEPING)
        p->state = PROC_RUNNABLE;
    return 0;
}

static int proc_reap(struct proc *p, struct proc *c, uint64_t ustatus)
{
    int status = c->exit_status, pid = c->pid;

    if (ustatus && vm_copy_out(&p->vm, ustatus, &status, sizeof(status)))
        return -SYS_EFAULT;
    c->state = PROC_FREE;
    return pid;
}

int proc_wait(int pid, uint64_t ustatus, bool nohang)
{
    struct proc *p = proc_current;

    for (;;) {
        bool any = false;

        for (unsigned int i = 0; i < SYS_PROC_MAX; i++) {
            struct proc *c = &proc_table[i];

            if (c->state == PROC_FREE || c->ppid != p->pid ||
                (pid != -1 && c->pid != pid))
                continue;
            if (c->state == PROC_ZOMBIE)
                return proc_reap(p, c, ustatus);
            any = true;
        }
        if (!any)
            return -SYS_ECHILD;
        if (nohang)
            return 0;
        if (p->killed)
            return -SYS_EINTR;
        sched_sleep(p);
    }
}
