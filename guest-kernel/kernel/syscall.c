/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * System calls (uapi/sys.h). Every argument is hostile: numbers are range
 * checked, pointers only ever reach vm_copy_* (which walk the caller's
 * page tables), and errors come back as negative SYS_E* values.
 */
#include <string.h>

#include "arch.h"
#include "conback.h"
#include "console.h"
#include "domctl.h"
#include "file.h"
#include "fs.h"
#include "print.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "sys_ipc.h"
#include "tty.h"

#define SYSCALL_PATH_MAX 256

typedef long (*syscall_fn)(struct proc *p, const uint64_t *a);

static bool syscall_dom0;
static const char *syscall_hostname;

void syscall_init(bool dom0, const char *hostname)
{
    syscall_dom0 = dom0;
    syscall_hostname = hostname;
    domctl_init(dom0);
}

static struct file *syscall_fd(struct proc *p, uint64_t fd)
{
    return fd < SYS_FD_MAX ? p->fds[fd] : NULL;
}

/* A path from user space into out[0..SYSCALL_PATH_MAX): a relative one
 * joined to the working directory. */
static long syscall_path(struct proc *p, uint64_t upath, char *out)
{
    char rel[SYSCALL_PATH_MAX];
    long n = vm_copy_str(&p->vm, rel, upath, SYSCALL_PATH_MAX);
    long d;

    if (n == -SYS_E2BIG)
        return -SYS_ENOENT; /* no such long names on the ramdisk */
    if (n < 0)
        return n;
    if (rel[0] == '/' || p->cwd == 0) {
        memcpy(out, rel, (size_t)n + 1);
        return n;
    }
    d = fs_path(p->cwd, out, SYSCALL_PATH_MAX);
    if (d < 0 || (size_t)d + 1 + (size_t)n + 1 > SYSCALL_PATH_MAX)
        return -SYS_ENAMETOOLONG;
    out[d] = '/';
    memcpy(out + d + 1, rel, (size_t)n + 1);
    return d + 1 + n;
}

static long sys_exit(struct proc *p, const uint64_t *a)
{
    (void)p;
    proc_exit((int)(a[0] & 0xff));
}

static long sys_write(struct proc *p, const uint64_t *a)
{
    struct file *f = syscall_fd(p, a[0]);

    if (!f)
        return -SYS_EBADF;
    if (a[2] && !vm_range_ok(a[1], a[2]))
        return -SYS_EFAULT;
    return file_write(f, &p->vm, a[1], a[2]);
}

static long sys_read(struct proc *p, const uint64_t *a)
{
    struct file *f = syscall_fd(p, a[0]);

    if (!f)
        return -SYS_EBADF;
    if (a[2] && !vm_range_ok(a[1], a[2]))
        return -SYS_EFAULT;
    return file_read(f, &p->vm, a[1], a[2]);
}

static long sys_open(struct proc *p, const uint64_t *a)
{
    char path[SYSCALL_PATH_MAX];
    long rc = syscall_path(p, a[0], path);
    int fd, err = 0;

    if (rc < 0)
        return rc;
    for (fd = 0; fd < SYS_FD_MAX && p->fds[fd]; fd++)
        ;
    if (fd == SYS_FD_MAX)
        return -SYS_EMFILE;
    if (a[1] > 0xffffffff)
        return -SYS_EINVAL;
    p->fds[fd] = file_open(path, (int)a[1], &err);
    return p->fds[fd] ? fd : err;
}

static long sys_chdir(struct proc *p, const uint64_t *a)
{
    char path[SYSCALL_PATH_MAX];
    long rc = syscall_path(p, a[0], path);
    int node;

    if (rc < 0)
        return rc;
    node = fs_lookup(path);
    if (node < 0)
        return node;
    if (fs_node(node)->mode != SYS_S_IFDIR)
        return -SYS_ENOTDIR;
    p->cwd = node;
    return 0;
}

static long sys_getcwd(struct proc *p, const uint64_t *a)
{
    char path[SYSCALL_PATH_MAX];
    long n = fs_path(p->cwd, path, sizeof(path));

    if (n < 0)
        return n;
    if (a[1] < (uint64_t)n + 1)
        return -SYS_ERANGE;
    if (vm_copy_out(&p->vm, a[0], path, (size_t)n + 1))
        return -SYS_EFAULT;
    return n;
}

/* dup2(old, new): new becomes another reference to old's open file. */
static long sys_dup2(struct proc *p, const uint64_t *a)
{
    struct file *f = syscall_fd(p, a[0]);

    if (!f || a[1] >= SYS_FD_MAX)
        return -SYS_EBADF;
    if (a[0] == a[1])
        return (long)a[1];
    file_close(p->fds[a[1]]);
    p->fds[a[1]] = file_dup(f);
    return (long)a[1];
}

static long sys_close(struct proc *p, const uint64_t *a)
{
    struct file *f = syscall_fd(p, a[0]);

    if (!f)
        return -SYS_EBADF;
    file_close(f);
    p->fds[a[0]] = NULL;
    return 0;
}

static long sys_lseek(struct proc *p, const uint64_t *a)
{
    struct file *f = syscall_fd(p, a[0]);

    if (!f)
        return -SYS_EBADF;
    return file_seek(f, (int64_t)a[1], (int)a[2]);
}

static long sys_fstat(struct proc *p, const uint64_t *a)
{
    struct file *f = syscall_fd(p, a[0]);
    struct sys_stat st;

    if (!f)
        return -SYS_EBADF;
    file_stat(f, &st);
    return vm_copy_out(&p->vm, a[1], &st, sizeof(st));
}

static long sys_isatty(struct proc *p, const uint64_t *a)
{
    struct file *f = syscall_fd(p, a[0]);

    return f ? file_isatty(f) : -SYS_EBADF;
}

static long sys_sbrk(struct proc *p, const uint64_t *a)
{
    return vm_sbrk(&p->vm, (int64_t)a[0]);
}

static long sys_getpid(struct proc *p, const uint64_t *a)
{
    (void)a;
    return p->pid;
}

static long sys_kill(struct proc *p, const uint64_t *a)
{
    int64_t pid = (int64_t)a[0], sig = (int64_t)a[1];
    struct proc *t;
    long rc;

    if (sig < 0 || sig > 64)
        return -SYS_EINVAL;
    if (pid <= 0 || pid > 0x7fffffff)
        return -SYS_ESRCH;
    t = proc_find((int)pid);
    if (!t || t->state == PROC_FREE)
        return -SYS_ESRCH;
    if (sig == 0)
        return 0;
    rc = proc_kill(t, SYS_STATUS_SIGNALED((int)sig));
    if (t == p)
        proc_exit(p->killed);
    return rc;
}

/* Copies the argv array and its strings into args (SYS_ARG_MAX bytes). */
static int syscall_argv(struct proc *p, uint64_t uargv, char *args, char **argv)
{
    size_t used = 0;
    int argc;

    for (argc = 0;; argc++) {
        uint64_t ustr;
        long n;

        if (vm_copy_in(&p->vm, &ustr, uargv + (uint64_t)argc * 8, 8))
            return -SYS_EFAULT;
        if (!ustr)
            return argc;
        if (argc == SYS_ARGV_MAX)
            return -SYS_E2BIG;
        n = vm_copy_str(&p->vm, args + used, ustr, SYS_ARG_MAX - used);
        if (n < 0)
            return (int)n;
        argv[argc] = args + used;
        used += (size_t)n + 1;
    }
}

static long sys_spawn(struct proc *p, const uint64_t *a)
{
    static char args[SYS_ARG_MAX];
    static char *argv[SYS_ARGV_MAX + 1];
    char path[SYSCALL_PATH_MAX];
    long rc = syscall_path(p, a[0], path);
    int argc = 1, pid;

    if (rc < 0)
        return rc;
    if (a[2] & ~(uint64_t)SYS_SPAWN_FG)
        return -SYS_EINVAL;
    if (a[1]) {
        argc = syscall_argv(p, a[1], args, argv);
        if (argc < 0)
            return argc;
    } else {
        argv[0] = path; /* no argv: the program sees its path */
    }
    pid = proc_spawn(path, argc, argv, p);
    if (pid > 0 && (a[2] & SYS_SPAWN_FG))
        tty_set_foreground(pid);
    return pid;
}

static long sys_wait(struct proc *p, const uint64_t *a)
{
    int64_t pid = (int64_t)a[0];

    (void)p;
    if (a[2] & ~(uint64_t)SYS_WAIT_NOHANG)
        return -SYS_EINVAL;
    if (pid != -1 && (pid <= 0 || pid > 0x7fffffff))
        return -SYS_ECHILD;
    return proc_wait((int)pid, a[1], a[2] & SYS_WAIT_NOHANG);
}

static long sys_uptime(struct proc *p, const uint64_t *a)
{
    (void)p;
    (void)a;
    return (long)sched_uptime_ns();
}

static long sys_domctl(struct proc *p, const uint64_t *a)
{
    return domctl_syscall(p, a[0], a[1]);
}

static long sys_yield(struct proc *p, const uint64_t *a)
{
    (void)p;
    (void)a;
    sched_yield();
    return 0;
}

static long sys_readdir(struct proc *p, const uint64_t *a)
{
    char path[SYSCALL_PATH_MAX];
    struct sys_dirent d;
    long rc = syscall_path(p, a[0], path);

    if (rc < 0)
        return rc;
    rc = fs_readdir(path, a[1], &d);
    if (rc == 1 && vm_copy_out(&p->vm, a[2], &d, sizeof(d)))
        return -SYS_EFAULT;
    return rc;
}

static long sys_procinfo(struct proc *p, const uint64_t *a)
{
    static const uint32_t states[] = {
        [PROC_RUNNABLE] = SYS_PROC_RUNNABLE,
        [PROC_SLEEPING] = SYS_PROC_SLEEPING,
        [PROC_ZOMBIE] = SYS_PROC_ZOMBIE,
    };
    uint64_t index = a[0];

    for (unsigned int i = 0; i < SYS_PROC_MAX; i++) {
        const struct proc *q = proc_slot(i);
        struct sys_procinfo info;

        if (q->state == PROC_FREE || index-- != 0)
            continue;
        memset(&info, 0, sizeof(info));
        info.pid = q->pid;
        info.ppid = q->ppid;
        info.state = states[q->state];
        info.cpu_ns = q->cpu_ns;
        info.mem_bytes = q->vm.pages * ARCH_PAGE_SIZE;
        memcpy(info.name, q->name, sizeof(info.name));
        if (vm_copy_out(&p->vm, a[1], &info, sizeof(info)))
            return -SYS_EFAULT;
        return 1;
    }
    return 0;
}

static long sys_poweroff(struct proc *p, const uint64_t *a)
{
    (void)p;
    kprintf("kernel: poweroff (status %d)\n", (int)a[0]);
    console_flush();
    arch_poweroff();
}

static long sys_hostname(struct proc *p, const uint64_t *a)
{
    size_t n = strlen(syscall_hostname);

    if (a[1] < n + 1)
        return -SYS_EINVAL;
    if (vm_copy_out(&p->vm, a[0], syscall_hostname, n + 1))
        return -SYS_EFAULT;
    return (long)n;
}

static long sys_ttymode(struct proc *p, const uint64_t *a)
{
    if (a[0] > SYS_TTY_RAW_NONBLOCK)
        return -SYS_EINVAL;
    return tty_set_mode(p->pid, (int)a[0]);
}

static long sys_sleep(struct proc *p, const uint64_t *a)
{
    uint64_t now = arch_time_ns();

    /* Past 2^62 ns (146 years) is forever enough. */
    sched_sleep_until(now + (a[0] < (1ull << 62) ? a[0] : (1ull << 62)));
    return p->killed ? -SYS_EINTR : 0;
}

static long sys_set_tls(struct proc *p, const uint64_t *a)
{
    if (a[0] && (a[0] < SYS_USER_BASE || a[0] >= SYS_USER_TOP))
        return -SYS_EINVAL;
    return arch_space_set_tls(&p->vm.space, a[0]);
}

static long sys_evtchn(struct proc *p, const uint64_t *a)
{
    return sys_ipc_evtchn(p, a[0], a[1]);
}

static long sys_grant(struct proc *p, const uint64_t *a)
{
    return sys_ipc_grant(p, a[0], a[1]);
}

static long sys_mapcycle(struct proc *p, const uint64_t *a)
{
    (void)p;
    return vm_map_cycle(a[0]);
}

static long sys_domcons(struct proc *p, const uint64_t *a)
{
    (void)p;
    if (a[1] > UINT32_MAX)
        return -SYS_ESRCH;
    switch (a[0]) {
    case SYS_DOMCONS_ATTACH:
        return conback_attach((uint32_t)a[1]);
    case SYS_DOMCONS_DETACH:
        return conback_detach((uint32_t)a[1]);
    default:
        return -SYS_EINVAL;
    }
}

static long sys_hventries(struct proc *p, const uint64_t *a)
{
    (void)p;
    (void)a;
    return arch_hv_entries();
}

static const syscall_fn syscall_table[SYS_NR] = {
    [SYS_exit] = sys_exit,           [SYS_write] = sys_write,
    [SYS_read] = sys_read,           [SYS_open] = sys_open,
    [SYS_close] = sys_close,         [SYS_lseek] = sys_lseek,
    [SYS_fstat] = sys_fstat,         [SYS_isatty] = sys_isatty,
    [SYS_sbrk] = sys_sbrk,           [SYS_getpid] = sys_getpid,
    [SYS_kill] = sys_kill,           [SYS_spawn] = sys_spawn,
    [SYS_wait] = sys_wait,           [SYS_uptime] = sys_uptime,
    [SYS_domctl] = sys_domctl,       [SYS_yield] = sys_yield,
    [SYS_readdir] = sys_readdir,     [SYS_procinfo] = sys_procinfo,
    [SYS_poweroff] = sys_poweroff,   [SYS_hostname] = sys_hostname,
    [SYS_ttymode] = sys_ttymode,     [SYS_sleep] = sys_sleep,
    [SYS_set_tls] = sys_set_tls,     [SYS_evtchn] = sys_evtchn,
    [SYS_grant] = sys_grant,         [SYS_dup2] = sys_dup2,
    [SYS_chdir] = sys_chdir,         [SYS_getcwd] = sys_getcwd,
    [SYS_mapcycle] = sys_mapcycle,   [SYS_domcons] = sys_domcons,
    [SYS_hventries] = sys_hventries,
};

void syscall_dispatch(struct arch_regs *r)
{
    uint64_t nr = arch_syscall_nr(r), a[6];
    long rc = -SYS_ENOSYS;

    for (unsigned int i = 0; i < 6; i++)
        a[i] = arch_syscall_arg(r, i);
    if (nr < SYS_NR && syscall_table[nr])
        rc = syscall_table[nr](proc_current, a);
    arch_syscall_ret(r, rc);
}
