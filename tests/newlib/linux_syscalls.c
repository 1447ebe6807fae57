/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The OS hooks newlib needs, for a static newlib program running as a
 * Linux x86_64 process (the newlib smoke test).
 *
 * newlib for x86_64-elf is built with MISSING_SYSCALL_NAMES, so its
 * reentrant wrappers (_write_r and friends) call hooks named write, read,
 * close, fstat, isatty, lseek, sbrk, getpid and kill, without the leading
 * underscore; _exit keeps its underscore. Each hook returns -1 and sets
 * errno on failure, as POSIX would; the wrapper copies errno into the
 * calling thread's struct _reent.
 *
 * Only write and exit_group reach the kernel, through raw `syscall`
 * instructions; sbrk hands out a static arena. A guest kernel's user
 * programs will supply their own hooks (hypercalls instead of syscalls).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#define LINUX_SYS_WRITE      1
#define LINUX_SYS_EXIT_GROUP 231

/* newlib's <unistd.h>, <sys/stat.h> and <signal.h> declare the hooks under
 * both names; we define the unprefixed ones. */

static long linux_syscall3(long nr, long a0, long a1, long a2)
{
    long ret;

    /* The kernel clobbers rcx (return rip) and r11 (rflags). */
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
                     : "rcx", "r11", "memory");
    return ret;
}

_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t done = 0;

    while (done < len) {
        long n = linux_syscall3(LINUX_SYS_WRITE, fd, (long)(p + done),
                                (long)(len - done));
        if (n == -EINTR)
            continue;
        if (n < 0) {
            errno = (int)-n;
            return -1;
        }
        done += (size_t)n;
    }
    return (_READ_WRITE_RETURN_TYPE)done;
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
    (void)fd;
    (void)buf;
    (void)len;
    return 0; /* end of file: the smoke test reads nothing */
}

int close(int fd)
{
    (void)fd;
    return 0;
}

/* stdin, stdout and stderr are terminals as far as newlib is concerned:
 * that makes stdout line buffered, so output interleaves sensibly with
 * stderr when both go to the same pipe. */
int fstat(int fd, struct stat *st)
{
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    *st = (struct stat){0};
    st->st_mode = S_IFCHR;
    return 0;
}

int isatty(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 1;
    errno = ENOTTY;
    return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
    (void)fd;
    (void)off;
    (void)whence;
    errno = ESPIPE;
    return -1;
}

/* The heap: a fixed arena in .bss, 16-byte aligned like malloc's result. */
#define ARENA_SIZE (8u << 20)
static _Alignas(16) char arena[ARENA_SIZE];
static size_t arena_used;

void *sbrk(ptrdiff_t incr)
{
    size_t old = arena_used;

    if (incr < 0 ? (size_t)-incr > old : (size_t)incr > ARENA_SIZE - old) {
        errno = ENOMEM;
        return (void *)-1;
    }
    arena_used = old + (size_t)incr;
    return arena + old;
}

pid_t getpid(void)
{
    return 1;
}

int kill(pid_t pid, int sig)
{
    (void)sig;
    /* raise() and abort() land here; killing ourselves means exiting with
     * the status a shell shows for a signal. */
    if (pid == getpid())
        _exit(128 + sig);
    errno = ESRCH;
    return -1;
}

void _exit(int status)
{
    for (;;)
        linux_syscall3(LINUX_SYS_EXIT_GROUP, status, 0, 0);
}
