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
 * N in xmm0 over several time slices: exits 0 if it survived), "ipc P"
 * (binds dom0's port P, uses the parent's port and grant, opens and grants
 * things of its own, then waits to be killed: test_ipc_exit).
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

static int ipc_child(long parent_port);

static void child(int argc, char **argv)
{
    if (streq(argv[1], "ipc") && argc > 2)
        sc(SYS_exit, ipc_child(atol(argv[2])), 0, 0);
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

/* Run with --native: the kernel runs on the native backend. */
static int ktest_native;

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
    check("hostname", sc(SYS_hostname, (long)buf, sizeof(buf), 0),
          ktest_native ? 6 : 4);
    check("hostname text", streq(buf, ktest_native ? "native" : "dom0"), 1);
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
    /* The scratch space maps at SYS_USER_BASE, where our own code is: had
     * it mapped into ours, the next instruction fetch would fail. */
    check("mapcycle 0", sc(SYS_mapcycle, 0, 0, 0), 0);
    check("mapcycle max", sc(SYS_mapcycle, SYS_MAPCYCLE_MAX, 0, 0), 0);
    check("mapcycle too many", sc(SYS_mapcycle, SYS_MAPCYCLE_MAX + 1, 0, 0),
          -SYS_EINVAL);
    check("mapcycle huge", sc(SYS_mapcycle, -1, 0, 0), -SYS_EINVAL);
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

/* --- SYS_evtchn and SYS_grant, within dom0 alone -------------------------- */

#define IPC_NO_DOM   77  /* no such domain */
#define IPC_REF      100 /* refs IPC_REF .. IPC_REF + SYS_GRANT_MAX */
#define IPC_KID_REF  200 /* granted by the "ipc" child */
#define IPC_MINE_REF 201 /* the parent's while the child runs */
#define IPC_KERNEL   0x40000000L
#define IPC_HIGH     ((long)0xffff800000000000)
#define IPC_STRADDLE ((long)SYS_USER_TOP - 4) /* runs off the user range */

static char ipc_page[2][4096] __attribute__((aligned(4096)));

static long evtchn(long op, long arg)
{
    return sc(SYS_evtchn, op, arg, 0);
}

static long grant(long op, long arg)
{
    return sc(SYS_grant, op, arg, 0);
}

static long evtchn_bind(uint32_t dom, uint32_t port)
{
    struct sys_evtchn_bind b = {.dom = dom, .port = port};

    return evtchn(SYS_EVTCHN_BIND, (long)&b);
}

static long grant_access(long addr, uint32_t dom, uint32_t ref, uint32_t flags,
                         uint32_t pad)
{
    struct sys_grant_access a = {.addr = (uint64_t)addr,
                                 .dom = dom,
                                 .ref = ref,
                                 .flags = flags,
                                 .pad = pad};

    return grant(SYS_GRANT_ACCESS, (long)&a);
}

static long grant_map(uint32_t dom, uint32_t ref, uint32_t flags, uint32_t pad)
{
    struct sys_grant_map m = {
        .dom = dom, .ref = ref, .flags = flags, .pad = pad};

    return grant(SYS_GRANT_MAP, (long)&m);
}

static void test_ipc_ports(void)
{
    long ports[SYS_EVTCHN_MAX], a, b, c;
    int n = 0;

    check("evtchn op 5", evtchn(5, 0), -SYS_EINVAL);
    check("evtchn op -1", evtchn(-1, 0), -SYS_EINVAL);
    check("evtchn alloc dom 0x10000", evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 0x10000),
          -SYS_EINVAL);
    check("evtchn alloc dom -1", evtchn(SYS_EVTCHN_ALLOC_UNBOUND, -1),
          -SYS_EINVAL);
    check("evtchn alloc dom 2^32", evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 1L << 32),
          -SYS_EINVAL);
    check("evtchn alloc no dom", evtchn(SYS_EVTCHN_ALLOC_UNBOUND, IPC_NO_DOM),
          -SYS_ESRCH);
    check("evtchn alloc dom 0xffff", evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 0xffff),
          -SYS_ESRCH);
    check("evtchn bind NULL", evtchn(SYS_EVTCHN_BIND, 0), -SYS_EFAULT);
    check("evtchn bind kernel", evtchn(SYS_EVTCHN_BIND, IPC_KERNEL),
          -SYS_EFAULT);
    check("evtchn bind high", evtchn(SYS_EVTCHN_BIND, IPC_HIGH), -SYS_EFAULT);
    check("evtchn bind straddle", evtchn(SYS_EVTCHN_BIND, IPC_STRADDLE),
          -SYS_EFAULT);
    check("evtchn bind port 0", evtchn_bind(0, 0), -SYS_EINVAL);
    check("evtchn bind port 1024", evtchn_bind(0, 1024), -SYS_EINVAL);
    check("evtchn bind port -1", evtchn_bind(0, 0xffffffff), -SYS_EINVAL);
    check("evtchn bind dom 0x10000", evtchn_bind(0x10000, 1), -SYS_EINVAL);
    check("evtchn bind no dom", evtchn_bind(IPC_NO_DOM, 1), -SYS_ESRCH);
    /* Not ours: port 0, negative, the last, beyond the table, huge, and one
     * never opened. */
    for (int op = SYS_EVTCHN_NOTIFY; op <= SYS_EVTCHN_CLOSE; op++) {
        static const char *const what[] = {"evtchn notify", "evtchn wait",
                                           "evtchn close"};
        static const long bad[] = {0, -1, 1023, 1024, 1L << 40, 999};

        for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            check(what[op - SYS_EVTCHN_NOTIFY], evtchn(op, bad[i]), -SYS_EBADF);
    }

    /* Loopback: a port unbound for dom0 itself, bound by ourselves. */
    a = evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 0);
    check("evtchn alloc dom0", a > 0 && a < 1024, 1);
    check("evtchn notify unbound", evtchn(SYS_EVTCHN_NOTIFY, a), -SYS_EIO);
    check("evtchn notify 2^32 + port",
          evtchn(SYS_EVTCHN_NOTIFY, a + (1L << 32)), -SYS_EBADF);
    b = evtchn_bind(0, (uint32_t)a);
    check("evtchn bind loopback", b > 0 && b < 1024 && b != a, 1);
    check("evtchn bind bound port", evtchn_bind(0, (uint32_t)a), -SYS_EINVAL);
    check("evtchn notify a", evtchn(SYS_EVTCHN_NOTIFY, a), 0);
    check("evtchn wait b", evtchn(SYS_EVTCHN_WAIT, b), 0);
    check("evtchn notify b", evtchn(SYS_EVTCHN_NOTIFY, b), 0);
    check("evtchn wait a", evtchn(SYS_EVTCHN_WAIT, a), 0);
    check("evtchn notify a twice", evtchn(SYS_EVTCHN_NOTIFY, a), 0);
    check("evtchn notify a again", evtchn(SYS_EVTCHN_NOTIFY, a), 0);
    check("evtchn wait b once", evtchn(SYS_EVTCHN_WAIT, b), 0);
    check("evtchn close b", evtchn(SYS_EVTCHN_CLOSE, b), 0);
    check("evtchn close b again", evtchn(SYS_EVTCHN_CLOSE, b), -SYS_EBADF);
    check("evtchn notify closed", evtchn(SYS_EVTCHN_NOTIFY, b), -SYS_EBADF);
    check("evtchn wait closed", evtchn(SYS_EVTCHN_WAIT, b), -SYS_EBADF);
    check("evtchn notify, peer gone", evtchn(SYS_EVTCHN_NOTIFY, a), -SYS_EIO);
    /* The peer's port is unbound for us again: bind it anew. */
    c = evtchn_bind(0, (uint32_t)a);
    check("evtchn rebind", c > 0 && c < 1024, 1);
    check("evtchn notify rebound", evtchn(SYS_EVTCHN_NOTIFY, c), 0);
    check("evtchn wait rebound", evtchn(SYS_EVTCHN_WAIT, a), 0);
    check("evtchn close a", evtchn(SYS_EVTCHN_CLOSE, a), 0);
    check("evtchn bind closed", evtchn_bind(0, (uint32_t)a), -SYS_EINVAL);
    check("evtchn close c", evtchn(SYS_EVTCHN_CLOSE, c), 0);

    /* SYS_EVTCHN_MAX per process. */
    for (int i = 0; i < SYS_EVTCHN_MAX; i++) {
        ports[i] = evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 0);
        n += ports[i] > 0;
    }
    check("evtchn 32 ports", n, SYS_EVTCHN_MAX);
    check("evtchn alloc 33rd", evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 0),
          -SYS_ENOSPC);
    check("evtchn bind 33rd", evtchn_bind(0, (uint32_t)ports[0]), -SYS_ENOSPC);
    n = 0;
    for (int i = 0; i < SYS_EVTCHN_MAX; i++)
        n += evtchn(SYS_EVTCHN_CLOSE, ports[i]) == 0;
    check("evtchn close 32", n, SYS_EVTCHN_MAX);
    a = evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 0);
    check("evtchn alloc after the limit", a > 0, 1);
    evtchn(SYS_EVTCHN_CLOSE, a);
}

static void test_ipc_grants(void)
{
    long page = (long)ipc_page[0], brk = sc(SYS_sbrk, 0, 0, 0), r;
    long text = (long)ktest_main & ~4095L;
    long unmapped = (brk + (16L << 20)) & ~4095L;
    struct sys_grant_access a = {
        .addr = (uint64_t)page, .dom = 0, .ref = IPC_REF, .flags = 0};
    char buf[sizeof(a) + 1];
    int n = 0;

    ipc_page[0][0] = 1;
    check("grant op 4", grant(4, 0), -SYS_EINVAL);
    check("grant op -1", grant(-1, 0), -SYS_EINVAL);
    check("grant access NULL", grant(SYS_GRANT_ACCESS, 0), -SYS_EFAULT);
    check("grant access kernel", grant(SYS_GRANT_ACCESS, IPC_KERNEL),
          -SYS_EFAULT);
    check("grant access high", grant(SYS_GRANT_ACCESS, IPC_HIGH), -SYS_EFAULT);
    check("grant access straddle", grant(SYS_GRANT_ACCESS, IPC_STRADDLE),
          -SYS_EFAULT);
    check("grant ref 0", grant_access(page, 0, 0, 0, 0), -SYS_EINVAL);
    check("grant ref 256", grant_access(page, 0, SYS_GRANT_REF_MAX, 0, 0),
          -SYS_EINVAL);
    check("grant ref -1", grant_access(page, 0, 0xffffffff, 0, 0), -SYS_EINVAL);
    check("grant flags", grant_access(page, 0, IPC_REF, 2, 0), -SYS_EINVAL);
    check("grant pad", grant_access(page, 0, IPC_REF, 0, 1), -SYS_EINVAL);
    check("grant dom 0x10000", grant_access(page, 0x10000, IPC_REF, 0, 0),
          -SYS_EINVAL);
    check("grant unaligned", grant_access(page + 1, 0, IPC_REF, 0, 0),
          -SYS_EINVAL);
    check("grant unaligned kernel",
          grant_access(IPC_KERNEL + 8, 0, IPC_REF, 0, 0), -SYS_EINVAL);
    check("grant page 0", grant_access(0, 0, IPC_REF, 0, 0), -SYS_EFAULT);
    check("grant kernel page", grant_access(IPC_KERNEL, 0, IPC_REF, 0, 0),
          -SYS_EFAULT);
    check("grant high page", grant_access(IPC_HIGH, 0, IPC_REF, 0, 0),
          -SYS_EFAULT);
    check("grant unmapped page", grant_access(unmapped, 0, IPC_REF, 0, 0),
          -SYS_EFAULT);
    check("grant map window",
          grant_access((long)SYS_GRANT_MAP_BASE, 0, IPC_REF, 0, 0),
          -SYS_EFAULT);
    check("grant text writable", grant_access(text, 0, IPC_REF, 0, 0),
          -SYS_EFAULT);
    check("grant text read-only",
          grant_access(text, 0, IPC_REF, SYS_GRANT_RO, 0), IPC_REF);
    check("grant ref taken", grant_access(page, 0, IPC_REF, 0, 0), -SYS_EEXIST);
    check("grant end", grant(SYS_GRANT_END, IPC_REF), 0);
    check("grant end again", grant(SYS_GRANT_END, IPC_REF), -SYS_EINVAL);
    /* An unaligned pointer to the struct is fine. */
    for (unsigned int i = 0; i < sizeof(a); i++)
        ((volatile char *)buf)[i + 1] = ((const char *)&a)[i];
    check("grant unaligned struct", grant(SYS_GRANT_ACCESS, (long)buf + 1),
          IPC_REF);
    check("grant end unaligned", grant(SYS_GRANT_END, IPC_REF), 0);
    check("grant end ref 0", grant(SYS_GRANT_END, 0), -SYS_EINVAL);
    check("grant end never granted", grant(SYS_GRANT_END, IPC_REF + 1),
          -SYS_EINVAL);
    check("grant end 256", grant(SYS_GRANT_END, SYS_GRANT_REF_MAX),
          -SYS_EINVAL);
    check("grant end -1", grant(SYS_GRANT_END, -1), -SYS_EINVAL);
    check("grant end 2^32 + ref", grant(SYS_GRANT_END, (1L << 32) + IPC_REF),
          -SYS_EINVAL);

    check("grant map NULL", grant(SYS_GRANT_MAP, 0), -SYS_EFAULT);
    check("grant map kernel", grant(SYS_GRANT_MAP, IPC_KERNEL), -SYS_EFAULT);
    check("grant map straddle", grant(SYS_GRANT_MAP, IPC_STRADDLE),
          -SYS_EFAULT);
    check("grant map flags", grant_map(IPC_NO_DOM, 1, 2, 0), -SYS_EINVAL);
    check("grant map pad", grant_map(IPC_NO_DOM, 1, 0, 1), -SYS_EINVAL);
    check("grant map dom 0x10000", grant_map(0x10000, 1, 0, 0), -SYS_EINVAL);
    check("grant map ref 1024", grant_map(0, 1024, 0, 0), -SYS_EINVAL);
    check("grant map ref -1", grant_map(0, 0xffffffff, 0, 0), -SYS_EINVAL);
    check("grant map no dom", grant_map(IPC_NO_DOM, 1, 0, 0), -SYS_ESRCH);
    check("grant map dom 0xffff", grant_map(0xffff, 1, 0, 0), -SYS_ESRCH);
    /* Our own domain's grant: the hypervisor refuses a self-mapping. */
    check("grant for dom0", grant_access(page, 0, IPC_REF, 0, 0), IPC_REF);
    check("grant map own", grant_map(0, IPC_REF, 0, 0), -SYS_EINVAL);
    check("grant map own ro", grant_map(0, IPC_REF, SYS_GRANT_RO, 0),
          -SYS_EINVAL);
    check("grant end own", grant(SYS_GRANT_END, IPC_REF), 0);
    check("grant unmap 0", grant(SYS_GRANT_UNMAP, 0), -SYS_EINVAL);
    check("grant unmap base", grant(SYS_GRANT_UNMAP, (long)SYS_GRANT_MAP_BASE),
          -SYS_EINVAL);
    check("grant unmap base + 1",
          grant(SYS_GRANT_UNMAP, (long)SYS_GRANT_MAP_BASE + 1), -SYS_EINVAL);
    check("grant unmap page", grant(SYS_GRANT_UNMAP, page), -SYS_EINVAL);
    check("grant unmap -1", grant(SYS_GRANT_UNMAP, -1), -SYS_EINVAL);

    /* SYS_GRANT_MAX per process (one page may be granted at many refs). */
    for (uint32_t i = 0; i < SYS_GRANT_MAX; i++)
        n += grant_access(page, 0, IPC_REF + i, 0, 0) == IPC_REF + i;
    check("grant 64", n, SYS_GRANT_MAX);
    r = grant_access(page, 0, IPC_REF + SYS_GRANT_MAX, 0, 0);
    check("grant 65th", r, -SYS_ENOSPC);
    n = 0;
    for (uint32_t i = 0; i < SYS_GRANT_MAX; i++)
        n += grant(SYS_GRANT_END, IPC_REF + i) == 0;
    check("grant end 64", n, SYS_GRANT_MAX);
    check("grant after the limit",
          grant_access(page, 0, IPC_REF + SYS_GRANT_MAX, 0, 0),
          IPC_REF + SYS_GRANT_MAX);
    check("grant end after the limit",
          grant(SYS_GRANT_END, IPC_REF + SYS_GRANT_MAX), 0);
}

/* The "ipc P" child: binds the parent's port P, waits for the parent's
 * event, checks it cannot use the parent's port and grant, opens a port
 * and grants IPC_KID_REF of its own, tells the parent, then waits until it
 * is killed. Exits 10+ if something failed (after telling the parent). */
static int ipc_child(long parent_port)
{
    long q = evtchn_bind(0, (uint32_t)parent_port);
    int bad = 0;

    if (q <= 0)
        return 10;
    if (evtchn(SYS_EVTCHN_WAIT, q))
        bad = 11;
    else if (evtchn(SYS_EVTCHN_NOTIFY, parent_port) != -SYS_EBADF ||
             evtchn(SYS_EVTCHN_WAIT, parent_port) != -SYS_EBADF ||
             evtchn(SYS_EVTCHN_CLOSE, parent_port) != -SYS_EBADF)
        bad = 12;
    else if (grant(SYS_GRANT_END, IPC_MINE_REF) != -SYS_EINVAL ||
             grant_access((long)ipc_page[1], 0, IPC_MINE_REF, 0, 0) !=
                 -SYS_EEXIST)
        bad = 13;
    else if (evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 0) <= 0)
        bad = 14;
    else if (grant_access((long)ipc_page[1], 0, IPC_KID_REF, 0, 0) !=
             IPC_KID_REF)
        bad = 15;
    if (evtchn(SYS_EVTCHN_NOTIFY, q))
        return 16;
    if (bad)
        return bad;
    evtchn(SYS_EVTCHN_WAIT, q); /* nobody notifies: killed here */
    return 17;
}

/* What a process opened is released when it dies. */
static void test_ipc_exit(void)
{
    long p = evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 0), pid, rc = -SYS_EIO, q;
    long t0 = sc(SYS_uptime, 0, 0, 0);
    char arg[24], *s = arg + sizeof(arg);
    int status = -1;

    check("ipc exit: port", p > 0, 1);
    check("ipc exit: grant",
          grant_access((long)ipc_page[0], 0, IPC_MINE_REF, 0, 0), IPC_MINE_REF);
    *--s = '\0';
    for (long v = p; v > 0; v /= 10)
        *--s = (char)('0' + v % 10);
    pid = spawn("ktest", "ipc", s);
    check("ipc exit: spawn", pid > 1, 1);
    /* Until the child has bound p, notifying it fails with -EIO. */
    while (rc == -SYS_EIO && sc(SYS_uptime, 0, 0, 0) - t0 < 5000000000L &&
           sc(SYS_wait, pid, 0, SYS_WAIT_NOHANG) == 0) {
        rc = evtchn(SYS_EVTCHN_NOTIFY, p);
        if (rc == -SYS_EIO)
            sc(SYS_sleep, 1000000, 0, 0);
    }
    check("ipc exit: child bound our port", rc, 0);
    if (rc == 0)
        check("ipc exit: child's event", evtchn(SYS_EVTCHN_WAIT, p), 0);
    check("ipc exit: child's ref",
          grant_access((long)ipc_page[0], 0, IPC_KID_REF, 0, 0), -SYS_EEXIST);
    check("ipc exit: end child's ref", grant(SYS_GRANT_END, IPC_KID_REF),
          -SYS_EINVAL);
    check("ipc exit: kill waiter", sc(SYS_kill, pid, SYS_SIGKILL, 0), 0);
    check("ipc exit: wait", sc(SYS_wait, pid, (long)&status, 0), pid);
    check("ipc exit: status", status, SYS_STATUS_SIGNALED(SYS_SIGKILL));
    /* The child's port is closed: ours has no peer and can be bound again. */
    check("ipc exit: notify, peer dead", evtchn(SYS_EVTCHN_NOTIFY, p),
          -SYS_EIO);
    q = evtchn_bind(0, (uint32_t)p);
    check("ipc exit: rebind", q > 0, 1);
    check("ipc exit: close rebound", evtchn(SYS_EVTCHN_CLOSE, q), 0);
    check("ipc exit: close port", evtchn(SYS_EVTCHN_CLOSE, p), 0);
    /* The child's grant is ended. */
    check("ipc exit: child's ref free",
          grant_access((long)ipc_page[0], 0, IPC_KID_REF, 0, 0), IPC_KID_REF);
    check("ipc exit: end ref", grant(SYS_GRANT_END, IPC_KID_REF), 0);
    check("ipc exit: end ours", grant(SYS_GRANT_END, IPC_MINE_REF), 0);
}

/* The native backend (init=/bin/ktest --native): no hypervisor, so no
 * event channels and no grants. The calls still check their arguments,
 * then answer -ENOSYS; none leaves a port or a grant behind. */
static void test_ipc_absent(void)
{
    static char page[4096] __attribute__((aligned(4096)));

    check("native: evtchn op 5", evtchn(5, 0), -SYS_EINVAL);
    check("native: evtchn alloc", evtchn(SYS_EVTCHN_ALLOC_UNBOUND, 0),
          -SYS_ENOSYS);
    check("native: evtchn bind", evtchn_bind(0, 1), -SYS_ENOSYS);
    check("native: evtchn notify unbound", evtchn(SYS_EVTCHN_NOTIFY, 1),
          -SYS_EBADF);
    check("native: grant access", grant_access((long)page, 0, 100, 0, 0),
          -SYS_ENOSYS);
    check("native: grant end", grant(SYS_GRANT_END, 100), -SYS_EINVAL);
    check("native: grant map", grant_map(0, 100, 0, 0), -SYS_ENOSYS);
    check("native: domctl", sc(SYS_domctl, 0, (long)page, 0), -SYS_ENOSYS);
}

static void test_ipc(void)
{
    if (ktest_native) {
        test_ipc_absent();
        return;
    }
    test_ipc_ports();
    test_ipc_grants();
    test_ipc_exit();
}

/* /tmp, dup2 and the working directory, with hostile arguments. */
static void test_tmp_cwd(void)
{
    static const char long_name[] =
        "/tmp/a-name-of-more-than-sixty-three-characters-is-refused-by-tmpfs-"
        "with-ENAMETOOLONG";
    char buf[16];
    long fd;

    fd = sc(SYS_open, (long)"/tmp/k", SYS_O_WRONLY | SYS_O_CREAT, 0);
    check("open /tmp/k O_CREAT", fd >= 3, 1);
    check("write /tmp/k", sc(SYS_write, fd, (long)"hello", 5), 5);
    check("read a write-only fd", sc(SYS_read, fd, (long)buf, 5), -SYS_EBADF);
    check("close /tmp/k", sc(SYS_close, fd, 0, 0), 0);
    fd = sc(SYS_open, (long)"/tmp/k", SYS_O_RDONLY, 0);
    check("read /tmp/k back", sc(SYS_read, fd, (long)buf, sizeof(buf)), 5);
    check("  into a kernel address", sc(SYS_lseek, fd, 0, 0), 0);
    check("  refused", sc(SYS_read, fd, 0x40000000, 5), -SYS_EFAULT);
    check("write a read-only fd", sc(SYS_write, fd, (long)buf, 1), -SYS_EBADF);
    sc(SYS_close, fd, 0, 0);
    check("O_CREAT outside /tmp",
          sc(SYS_open, (long)"/bin/new", SYS_O_WRONLY | SYS_O_CREAT, 0),
          -SYS_EROFS);
    check("O_CREAT of a long name",
          sc(SYS_open, (long)long_name, SYS_O_WRONLY | SYS_O_CREAT, 0),
          -SYS_ENAMETOOLONG);
    check("O_CREAT in a missing directory",
          sc(SYS_open, (long)"/tmp/no/x", SYS_O_WRONLY | SYS_O_CREAT, 0),
          -SYS_ENOENT);
    check("dup2 of a bad fd", sc(SYS_dup2, 99, 5, 0), -SYS_EBADF);
    check("dup2 onto fd 16", sc(SYS_dup2, 1, 16, 0), -SYS_EBADF);
    check("dup2 onto fd -1", sc(SYS_dup2, 1, -1, 0), -SYS_EBADF);
    check("dup2 1 to 5", sc(SYS_dup2, 1, 5, 0), 5);
    check("  write to 5", sc(SYS_write, 5, (long)"", 0), 0);
    check("  close 5", sc(SYS_close, 5, 0, 0), 0);
    check("getcwd NULL", sc(SYS_getcwd, 0, 16, 0), -SYS_EFAULT);
    check("getcwd short", sc(SYS_getcwd, (long)buf, 1, 0), -SYS_ERANGE);
    check("getcwd /", sc(SYS_getcwd, (long)buf, sizeof(buf), 0), 1);
    check("chdir NULL", sc(SYS_chdir, 0, 0, 0), -SYS_EFAULT);
    check("chdir a file", sc(SYS_chdir, (long)"/bin/ktest", 0, 0),
          -SYS_ENOTDIR);
    check("chdir nowhere", sc(SYS_chdir, (long)"/nope", 0, 0), -SYS_ENOENT);
    check("chdir /tmp", sc(SYS_chdir, (long)"/tmp", 0, 0), 0);
    check("getcwd /tmp", sc(SYS_getcwd, (long)buf, sizeof(buf), 0), 4);
    check("  relative open", (fd = sc(SYS_open, (long)"k", 0, 0)) >= 3, 1);
    sc(SYS_close, fd, 0, 0);
    check("chdir ..", sc(SYS_chdir, (long)"..", 0, 0), 0);
    check("getcwd / again", sc(SYS_getcwd, (long)buf, sizeof(buf), 0), 1);
}

void ktest_main(uint64_t *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    long t0 = sc(SYS_uptime, 0, 0, 0);

    if (argc > 1 && streq(argv[1], "--native")) {
        ktest_native = 1;
        argc = 1;
    }
    if (argc > 1)
        child(argc, argv);
    test_pointers();
    test_files();
    test_tmp_cwd();
    test_memory();
    test_processes();
    test_fpu();
    test_ipc();
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
