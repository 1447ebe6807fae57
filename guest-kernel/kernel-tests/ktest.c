/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktest: the guest kernel's own system-call test, with raw `syscall`
 * instructions and no C library, so that it can hand the kernel the
 * hostile arguments a library would never pass (kernel addresses, NULL,
 * read-only buffers, huge sizes). Run as init: `init=/bin/ktest`; it
 * prints one line per failed check and "Test result: SUCCESS" at the end,
 * then exits 0 (or 1), which powers the domain off.
 *
 * With an argument it is a child for the process tests: "exit N",
 * "fault" (writes to the kernel's address range), "spin", "fpu N" (keeps
 * N in xmm0 over several time slices: exits 0 if it survived).
 */
#include <stddef.h>
#include <stdint.h>

#include "uapi/sys.h"

void ktest_main(uint64_t *sp);

static unsigned int checks, failures;

static long sc(long nr, long a1, long a2, long a3)
{
    long ret = nr;
    register long r_a1 asm("rdi") = a1;
    register long r_a2 asm("rsi") = a2;
    register long r_a3 asm("rdx") = a3;

    asm volatile("syscall"
                 : "+a"(ret), "+r"(r_a1), "+r"(r_a2), "+r"(r_a3)
                 :
                 : "rcx", "r11", "memory");
    return ret;
}

static size_t len(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

static void out(const char *s)
{
    sc(SYS_write, 1, (long)s, (long)len(s));
}

static void out_num(long v)
{
    char buf[24], *p = buf + sizeof(buf);
    unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

    *--p = '\0';
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    out(p);
}

static void check(const char *what, long got, long want)
{
    checks++;
    if (got == want)
        return;
    failures++;
    out("ktest: FAIL ");
    out(what);
    out(": got ");
    out_num(got);
    out(", want ");
    out_num(want);
    out("\n");
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static long atol(const char *s)
{
    long v = 0;

    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}

/* Holds v in xmm0 for 50 ms of uptime, while another process does the
 * same with another value: the kernel must switch SSE state with them. */
static int fpu_keep(long v)
{
    long t0 = sc(SYS_uptime, 0, 0, 0), got;
    unsigned long spins = 0;

    asm volatile("movq %0, %%xmm0" : : "r"(v) : "xmm0");
    while (sc(SYS_uptime, 0, 0, 0) - t0 < 50000000 || spins < 1000) {
        for (int i = 0; i < 10000; i++)
            asm volatile("" ::: "memory");
        asm volatile("movq %%xmm0, %0" : "=r"(got));
        if (got != v)
            return 1;
        spins++;
    }
    return 0;
}

static void child(int argc, char **argv)
{
    if (streq(argv[1], "fpu") && argc > 2)
        sc(SYS_exit, fpu_keep(atol(argv[2])), 0, 0);
    if (streq(argv[1], "exit") && argc > 2)
        sc(SYS_exit, atol(argv[2]), 0, 0);
    if (streq(argv[1], "fault"))
        *(volatile int *)0x40000000 = 1; /* the kernel's image */
    if (streq(argv[1], "spin"))
        for (;;)
            ;
    sc(SYS_exit, 99, 0, 0);
}

static void test_pointers(void)
{
    static const char text[] = "ktest: pointer checks\n";
    char buf[16];

    check("write", sc(SYS_write, 1, (long)text, len(text)), len(text));
    check("write NULL", sc(SYS_write, 1, 0, 5), -SYS_EFAULT);
    check("write kernel", sc(SYS_write, 1, 0x40000000, 5), -SYS_EFAULT);
    check("write high", sc(SYS_write, 1, (long)0xffff800000000000, 5),
          -SYS_EFAULT);
    check("write wraps", sc(SYS_write, 1, (long)text, -1L), -SYS_EFAULT);
    check("write bad fd", sc(SYS_write, 99, (long)text, 1), -SYS_EBADF);
    check("write fd -1", sc(SYS_write, -1, (long)text, 1), -SYS_EBADF);
    check("open NULL", sc(SYS_open, 0, 0, 0), -SYS_EFAULT);
    check("open kernel", sc(SYS_open, 0x40001000, 0, 0), -SYS_EFAULT);
    check("open missing", sc(SYS_open, (long)"/nope", 0, 0), -SYS_ENOENT);
    check("open file/x", sc(SYS_open, (long)"/bin/ktest/x", 0, 0),
          -SYS_ENOTDIR);
    check("open write", sc(SYS_open, (long)"/bin/ktest", SYS_O_WRONLY, 0),
          -SYS_EROFS);
    check("open flags", sc(SYS_open, (long)"/bin/ktest", 77, 0), -SYS_EINVAL);
    check("fstat kernel", sc(SYS_fstat, 1, 0x40000000, 0), -SYS_EFAULT);
    check("lseek console", sc(SYS_lseek, 0, 0, 0), -SYS_ESPIPE);
    check("hostname short", sc(SYS_hostname, (long)buf, 2, 0), -SYS_EINVAL);
    check("hostname", sc(SYS_hostname, (long)buf, sizeof(buf), 0), 4);
    check("hostname text", streq(buf, "dom0"), 1);
    check("domctl NULL", sc(SYS_domctl, 0, 0, 0), -SYS_EFAULT);
    check("domctl kernel pointer", sc(SYS_domctl, 0, 0x40000000, 0),
          -SYS_EFAULT);
    check("domctl unknown", sc(SYS_domctl, 999, (long)buf, 0), -SYS_ENOSYS);
    check("no such call", sc(999, 0, 0, 0), -SYS_ENOSYS);
    check("negative call", sc(-1, 0, 0, 0), -SYS_ENOSYS);
}

static void test_files(void)
{
    struct sys_stat st;
    struct sys_dirent d;
    char buf[4];
    long fd = sc(SYS_open, (long)"/bin/ktest", SYS_O_RDONLY, 0), i, dir;

    check("open", fd >= 3, 1);
    check("fstat", sc(SYS_fstat, fd, (long)&st, 0), 0);
    check("fstat mode", st.mode, SYS_S_IFREG);
    check("read", sc(SYS_read, fd, (long)buf, 4), 4);
    check("read ELF", buf[1] == 'E' && buf[2] == 'L', 1);
    /* Reading into our own code: mapped, but read-only. */
    check("read into text", sc(SYS_read, fd, (long)ktest_main, 4), -SYS_EFAULT);
    check("lseek end", sc(SYS_lseek, fd, 0, 2), (long)st.size);
    check("read at end", sc(SYS_read, fd, (long)buf, 4), 0);
    check("lseek negative", sc(SYS_lseek, fd, -1, 0), -SYS_EINVAL);
    check("lseek whence", sc(SYS_lseek, fd, 0, 7), -SYS_EINVAL);
    check("isatty file", sc(SYS_isatty, fd, 0, 0), 0);
    check("isatty tty", sc(SYS_isatty, 1, 0, 0), 1);
    check("close", sc(SYS_close, fd, 0, 0), 0);
    check("close again", sc(SYS_close, fd, 0, 0), -SYS_EBADF);
    dir = sc(SYS_open, (long)"/bin", 0, 0);
    check("read dir", sc(SYS_read, dir, (long)buf, 4), -SYS_EISDIR);
    for (i = 4; i < SYS_FD_MAX; i++)
        sc(SYS_open, (long)"/dev/console", SYS_O_RDWR, 0);
    check("EMFILE", sc(SYS_open, (long)"/bin", 0, 0), -SYS_EMFILE);
    for (i = 3; i < SYS_FD_MAX; i++)
        sc(SYS_close, i, 0, 0);
    check("readdir /", sc(SYS_readdir, (long)"/", 0, (long)&d), 1);
    check("readdir /dev", sc(SYS_readdir, (long)"/dev", 0, (long)&d), 1);
    check("readdir console", streq(d.name, "console"), 1);
    check("readdir end", sc(SYS_readdir, (long)"/dev", 1, (long)&d), 0);
    check("readdir file", sc(SYS_readdir, (long)"/bin/ktest", 0, (long)&d),
          -SYS_ENOTDIR);
    check("readdir bad buf", sc(SYS_readdir, (long)"/", 0, 0x40000000),
          -SYS_EFAULT);
}

static void test_memory(void)
{
    long brk = sc(SYS_sbrk, 0, 0, 0);
    volatile char *heap;

    check("sbrk", brk >= (long)SYS_USER_BASE, 1);
    check("sbrk 1 MiB", sc(SYS_sbrk, 1 << 20, 0, 0), brk);
    heap = (volatile char *)brk;
    heap[0] = 1;
    heap[(1 << 20) - 1] = 2;
    check("heap zeroed", heap[4096], 0);
    check("sbrk too much", sc(SYS_sbrk, (long)SYS_PROC_MEM, 0, 0), -SYS_ENOMEM);
    check("sbrk huge", sc(SYS_sbrk, (long)1 << 62, 0, 0), -SYS_ENOMEM);
    check("sbrk below", sc(SYS_sbrk, -(long)(4 << 20), 0, 0), -SYS_EINVAL);
    check("sbrk back", sc(SYS_sbrk, -(1 << 20), 0, 0), brk + (1 << 20));
}

static long spawn(const char *a0, const char *a1, const char *a2)
{
    const char *argv[] = {a0, a1, a2, NULL};

    return sc(SYS_spawn, (long)"/bin/ktest", (long)argv, 0);
}

static void test_processes(void)
{
    const char *many[SYS_ARGV_MAX + 2];
    int status = -1;
    long pid;

    for (int i = 0; i < SYS_ARGV_MAX + 1; i++)
        many[i] = "x";
    many[SYS_ARGV_MAX + 1] = NULL;
    check("wait no child", sc(SYS_wait, -1, 0, 0), -SYS_ECHILD);
    check("spawn missing", sc(SYS_spawn, (long)"/bin/nope", 0, 0), -SYS_ENOENT);
    check("spawn dir", sc(SYS_spawn, (long)"/bin", 0, 0), -SYS_EISDIR);
    check("spawn argv kernel", sc(SYS_spawn, (long)"/bin/ktest", 0x40000000, 0),
          -SYS_EFAULT);
    check("spawn E2BIG", sc(SYS_spawn, (long)"/bin/ktest", (long)many, 0),
          -SYS_E2BIG);
    check("spawn flags", sc(SYS_spawn, (long)"/bin/ktest", 0, 8), -SYS_EINVAL);
    pid = spawn("ktest", "exit", "42");
    check("spawn", pid > 1, 1);
    check("wait bad ptr", sc(SYS_wait, pid, 0x40000000, 0), -SYS_EFAULT);
    check("wait", sc(SYS_wait, pid, (long)&status, 0), pid);
    check("exit status", status, 42);
    pid = spawn("ktest", "fault", NULL);
    check("wait fault", sc(SYS_wait, -1, (long)&status, 0), pid);
    check("fault status", status, SYS_STATUS_FAULT);
    pid = spawn("ktest", "spin", NULL);
    sc(SYS_yield, 0, 0, 0);
    check("kill bad sig", sc(SYS_kill, pid, 99, 0), -SYS_EINVAL);
    check("kill", sc(SYS_kill, pid, SYS_SIGTERM, 0), 0);
    check("wait killed", sc(SYS_wait, pid, (long)&status, 0), pid);
    check("killed status", status, SYS_STATUS_SIGNALED(SYS_SIGTERM));
    check("kill gone", sc(SYS_kill, pid, SYS_SIGTERM, 0), -SYS_ESRCH);
    check("getpid", sc(SYS_getpid, 0, 0, 0), 1);
}

static void test_fpu(void)
{
    long a = spawn("ktest", "fpu", "1111"), b = spawn("ktest", "fpu", "2222");
    int sa = -1, sb = -1;

    check("fpu wait a", sc(SYS_wait, a, (long)&sa, 0), a);
    check("fpu wait b", sc(SYS_wait, b, (long)&sb, 0), b);
    check("fpu a kept xmm0", sa, 0);
    check("fpu b kept xmm0", sb, 0);
}

void ktest_main(uint64_t *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    long t0 = sc(SYS_uptime, 0, 0, 0);

    if (argc > 1)
        child(argc, argv);
    test_pointers();
    test_files();
    test_memory();
    test_processes();
    test_fpu();
    check("uptime", sc(SYS_uptime, 0, 0, 0) >= t0, 1);
    out("ktest: ");
    out_num(checks);
    out(" checks, ");
    out_num(failures);
    out(" failed\nTest result: ");
    out(failures ? "FAILURE\n" : "SUCCESS\n");
    sc(SYS_exit, failures != 0, 0, 0);
}

asm(".globl _start\n"
    "_start:\n"
    "  mov %rsp, %rdi\n"
    "  call ktest_main\n"
    "  ud2\n");
