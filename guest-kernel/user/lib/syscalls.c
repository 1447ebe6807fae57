/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OS hooks newlib needs, on the Carapace guest kernel's system calls
 * (uapi/sys.h), and the wrappers declared in carapace_os.h.
 *
 * newlib for x86_64-elf has MISSING_SYSCALL_NAMES: its reentrant wrappers
 * (_write_r, ...) call hooks named write, read, open, close, fstat,
 * isatty, lseek, sbrk, getpid, kill, times and gettimeofday, without an
 * underscore; _exit keeps its own. A hook returns -1 and sets errno on
 * failure. The kernel's error numbers are newlib's, so a negative result
 * is simply negated into errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>

#include "carapace_os.h"

long sys_call(long nr, long a0, long a1, long a2, long a3)
{
    register long r10 __asm__("r10") = a3;
    long ret;

    /* The kernel clobbers rcx (return rip) and r11 (rflags) only. */
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
                     : "rcx", "r11", "memory");
    return ret;
}

/* The result of a call, or -1 with errno set if the kernel failed it. */
static long check(long ret)
{
    if (ret < 0) {
        errno = (int)-ret;
        return -1;
    }
    return ret;
}

void _exit(int status)
{
    for (;;)
        sys_call(SYS_exit, status, 0, 0, 0);
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
    return check(sys_call(SYS_write, fd, (long)buf, (long)len, 0));
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
    return check(sys_call(SYS_read, fd, (long)buf, (long)len, 0));
}

int open(const char *path, int flags, ...)
{
    /* The kernel takes newlib's values of the access mode, O_NONBLOCK,
     * O_APPEND, O_CREAT and O_TRUNC; a file's mode bits (the third
     * argument) mean nothing on it. */
    return check(sys_call(SYS_open, (long)path,
                          flags & (O_ACCMODE | SYS_O_NONBLOCK | SYS_O_APPEND |
                                   SYS_O_CREAT | SYS_O_TRUNC),
                          0, 0));
}

int close(int fd)
{
    return check(sys_call(SYS_close, fd, 0, 0, 0));
}

off_t lseek(int fd, off_t off, int whence)
{
    return check(sys_call(SYS_lseek, fd, off, whence, 0));
}

int fstat(int fd, struct stat *st)
{
    struct sys_stat ks;

    if (check(sys_call(SYS_fstat, fd, (long)&ks, 0, 0)) < 0)
        return -1;
    *st = (struct stat){0};
    /* The ramdisk has no permissions; show what ls -l would expect. */
    st->st_mode = ks.mode | ((ks.mode & SYS_S_IFDIR) ? 0755 : 0644);
    st->st_size = (off_t)ks.size;
    st->st_nlink = 1;
    st->st_blksize = 4096;
    return 0;
}

int isatty(int fd)
{
    long ret = sys_call(SYS_isatty, fd, 0, 0, 0);

    if (ret == 1)
        return 1;
    errno = ret < 0 ? (int)-ret : ENOTTY;
    return 0;
}

void *sbrk(ptrdiff_t incr)
{
    long ret = sys_call(SYS_sbrk, incr, 0, 0, 0);

    if (ret < 0) {
        errno = (int)-ret;
        return (void *)-1;
    }
    return (void *)ret;
}

pid_t getpid(void)
{
    return (pid_t)sys_call(SYS_getpid, 0, 0, 0, 0);
}

int kill(pid_t pid, int sig)
{
    return check(sys_call(SYS_kill, pid, sig, 0, 0));
}

/* No wall clock: the time since boot stands in for both. */
int gettimeofday(struct timeval *tv, void *tz)
{
    uint64_t ns = sys_uptime();

    (void)tz;
    if (tv) {
        tv->tv_sec = (time_t)(ns / 1000000000u);
        tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
    }
    return 0;
}

clock_t times(struct tms *buf)
{
    /* newlib's CLK_TCK for times() is 1000 (its sysconf default). */
    clock_t ticks = (clock_t)(sys_uptime() / 1000000u);

    if (buf)
        *buf = (struct tms){.tms_utime = ticks};
    return ticks;
}

int sys_chdir(const char *dir)
{
    return check(sys_call(SYS_chdir, (long)dir, 0, 0, 0));
}

int sys_getcwd(char *buf, size_t len)
{
    return check(sys_call(SYS_getcwd, (long)buf, (long)len, 0, 0));
}

int sys_dup2(int oldfd, int newfd)
{
    return check(sys_call(SYS_dup2, oldfd, newfd, 0, 0));
}

int sys_spawn(const char *path, char *const argv[], int flags)
{
    return check(sys_call(SYS_spawn, (long)path, (long)argv, flags, 0));
}

int sys_wait(int pid, int *status)
{
    return check(sys_call(SYS_wait, pid, (long)status, 0, 0));
}

int sys_wait_nohang(int pid, int *status)
{
    return check(sys_call(SYS_wait, pid, (long)status, SYS_WAIT_NOHANG, 0));
}

int sys_readdir(const char *dir, uint64_t index, struct sys_dirent *ent)
{
    return check(sys_call(SYS_readdir, (long)dir, (long)index, (long)ent, 0));
}

int sys_procinfo(uint64_t index, struct sys_procinfo *info)
{
    return check(sys_call(SYS_procinfo, (long)index, (long)info, 0, 0));
}

uint64_t sys_uptime(void)
{
    return (uint64_t)sys_call(SYS_uptime, 0, 0, 0, 0);
}

int sys_poweroff(int status)
{
    return check(sys_call(SYS_poweroff, status, 0, 0, 0));
}

int sys_hostname(char *buf, size_t len)
{
    long ret = check(sys_call(SYS_hostname, (long)buf, (long)len, 0, 0));

    /* Terminate it whether or not the kernel did. */
    if (ret >= 0 && len > 0)
        buf[(size_t)ret < len ? (size_t)ret : len - 1] = '\0';
    return (int)ret;
}

int sys_yield(void)
{
    return check(sys_call(SYS_yield, 0, 0, 0, 0));
}

long sys_domctl(uint64_t op, void *arg)
{
    return sys_call(SYS_domctl, (long)op, (long)arg, 0, 0);
}

int sys_ttymode(int mode)
{
    return check(sys_call(SYS_ttymode, mode, 0, 0, 0));
}

int sys_sleep(uint64_t ns)
{
    return check(sys_call(SYS_sleep, (long)ns, 0, 0, 0));
}

int sys_set_tls(void *fs_base)
{
    return check(sys_call(SYS_set_tls, (long)fs_base, 0, 0, 0));
}

int sys_mapcycle(uint64_t npages)
{
    return check(sys_call(SYS_mapcycle, (long)npages, 0, 0, 0));
}

int sys_domcons(int op, uint32_t domid)
{
    return check(sys_call(SYS_domcons, op, (long)domid, 0, 0));
}

long sys_hventries(void)
{
    long n = sys_call(SYS_hventries, 0, 0, 0, 0);

    return check(n);
}
