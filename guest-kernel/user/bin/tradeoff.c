/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tradeoff: what the kernel's basic operations cost on the backend it runs
 * on (pv, native, ...), for scripts/tradeoffs.py to put side by side
 * (docs/tradeoffs.md). It uses only generic system calls, so the same
 * binary measures the same thing everywhere. Time is sys_uptime, in ns:
 * under QEMU -icount shift=0,sleep=off one ns is one instruction, so the
 * figures are instruction counts and repeat exactly.
 *
 * Output, one line per operation, then a count of them:
 *   tradeoff: OP INSTRUCTIONS-PER-OP      (one decimal)
 *   tradeoff: done COUNT
 * Each figure is a mean over many iterations, less what the loop around
 * the operation costs on its own where that is not negligible.
 *
 * `tradeoff --yield N` is the partner process of the context switch
 * measurement: it yields N times and exits.
 *
 * Under a Carapace hvm domain (CPUID leaf 0x40000000 says "CarapaceHVM"),
 * each operation also gets a line
 *   tradeoff-exits: OP EXITS-PER-OP
 * the #VMEXITs it took, read with VMMCALL 2 (which works from user mode:
 * the hypervisor sees every VMMCALL). `tradeoff --trap`, for a trap
 * domain, whose CPUID does not trap, counts its traps the same way (its
 * VMMCALL is emulated, scripts/tradeoffs.py runs it so). Elsewhere the
 * program never runs VMMCALL, which would be an invalid opcode there.
 * Under the pv kernel, which counts the hypervisor's entries
 * (SYS_hventries: every system call, hypercall, fault and interrupt goes
 * through the hypervisor), the same line gives those; natively the call
 * says -ENOSYS and no such line is printed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carapace_os.h"

#define PAGE 4096u

static unsigned ops;
static bool hvm;          /* under Carapace's SVM backend (or trap) */
static bool pv;           /* the kernel counts hypervisor entries */
static uint64_t exits_at; /* the exit count after the last report */

static bool carapace_hvm(void)
{
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid"
                     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                     : "a"(0x40000000u), "c"(0));
    return memcmp(&b, "Cara", 4) == 0 && memcmp(&c, "pace", 4) == 0 &&
           memcmp(&d, "HVM", 4) == 0;
}

static uint64_t hvm_exits(void)
{
    uint64_t n = 2;

    if (pv)
        return (uint64_t)sys_hventries();
    __asm__ volatile("vmmcall" : "+a"(n)::"memory");
    return n;
}

/* a - b, or 0 if the baseline took longer (it should not). */
static uint64_t minus(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

/* The mean of NS over N, rounded to a tenth. */
static void report(const char *op, uint64_t ns, unsigned n)
{
    uint64_t tenths = (ns * 10 + n / 2) / n;

    printf("tradeoff: %s %llu.%llu\n", op, (unsigned long long)(tenths / 10),
           (unsigned long long)(tenths % 10));
    ops++;
    if (hvm || pv) {
        uint64_t e = hvm_exits() - exits_at;

        tenths = (e * 10 + n / 2) / n;
        printf("tradeoff-exits: %s %llu.%llu\n", op,
               (unsigned long long)(tenths / 10),
               (unsigned long long)(tenths % 10));
    }
    fflush(stdout); /* its own console writes count for no operation */
    if (hvm || pv)
        exits_at = hvm_exits();
}

static __attribute__((noreturn)) void fail(const char *what)
{
    printf("tradeoff: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* What N turns of an empty loop cost: the baseline of the loops below. */
static uint64_t empty_loop(unsigned n)
{
    uint64_t t0 = sys_uptime();

    for (unsigned i = 0; i < n; i++)
        __asm__ volatile("" ::: "memory");
    return sys_uptime() - t0;
}

/* A null system call: user -> kernel -> user, nothing done inside. */
static void syscall_null(void)
{
    enum { N = 10000 };
    uint64_t t0, base = empty_loop(N);

    t0 = sys_uptime();
    for (int i = 0; i < N; i++)
        (void)getpid();
    report("syscall-null", minus(sys_uptime() - t0, base), N);
}

/* A demand-zero fault: the first touch of a fresh heap page maps a zeroed
 * frame; a second touch of the same pages is the baseline. */
static void page_fault(void)
{
    enum { N = 256 };
    volatile unsigned char *heap = sbrk(N * PAGE);
    uint64_t t0, t1, t2;

    if (heap == (void *)-1)
        fail("sbrk");
    t0 = sys_uptime();
    for (unsigned i = 0; i < N; i++)
        heap[i * PAGE] = 1;
    t1 = sys_uptime();
    for (unsigned i = 0; i < N; i++)
        heap[i * PAGE] = 2;
    t2 = sys_uptime();
    report("page-fault", minus(t1 - t0, t2 - t1), N);
}

/* Page-table updates: map PAGES pages and unmap them, in one request
 * (SYS_mapcycle: a scratch address space is created, filled, committed
 * and destroyed; its creation and destruction, what mapping 0 pages
 * costs, are subtracted). Per request, not per page. */
static uint64_t map_cycles(uint64_t pages, unsigned n)
{
    uint64_t t0 = sys_uptime();

    for (unsigned i = 0; i < n; i++) {
        if (sys_mapcycle(pages) < 0)
            fail("mapcycle");
    }
    return sys_uptime() - t0;
}

static void map_unmap(void)
{
    enum { N = 100 };
    uint64_t base = map_cycles(0, N);

    report("map-unmap-1", minus(map_cycles(1, N), base), N);
    report("map-unmap-64", minus(map_cycles(64, N), base), N);
}

/* A context switch: this process and a partner yield to each other N
 * times, so each of our N sys_yield calls is two switches, and the
 * figure is one of them: a yield that resumes the other process (the
 * system call, the scheduler, the address-space and FPU switch). */
static void context_switch(void)
{
    enum { N = 1000 };
    char count[16];
    char *argv[] = {"tradeoff", "--yield", count, NULL};
    uint64_t t0, t1, base = empty_loop(N);
    int pid, status;

    /* The partner yields a few more times than we do, so that it is
     * still there for our last one. */
    snprintf(count, sizeof(count), "%d", N + 2);
    pid = sys_spawn("/bin/tradeoff", argv, 0);
    if (pid < 0)
        fail("spawn /bin/tradeoff --yield");
    sys_yield(); /* the partner starts, and yields back from its loop */
    t0 = sys_uptime();
    for (int i = 0; i < N; i++)
        sys_yield();
    t1 = sys_uptime();
    if (sys_wait(pid, &status) < 0 || status != 0)
        fail("the --yield partner");
    report("context-switch", minus(t1 - t0, base), 2 * N);
}

/* Timer interrupt delivery. Sleeping for 1 ns measures nothing: the
 * deadline has passed before the kernel can idle, so no timer fires.
 * Sleeping SLEEP_NS does idle: the kernel arms the one-shot timer and
 * blocks; the interrupt comes, is delivered as an event, the kernel wakes
 * the sleeper and returns to it. Under icount the idle time is exactly
 * SLEEP_NS (the clock jumps to the deadline), so the time beyond it is
 * the cost of that whole path. */
static void timer_wakeup(void)
{
    enum { N = 100, SLEEP_NS = 100000 };
    uint64_t t0 = sys_uptime();

    for (int i = 0; i < N; i++) {
        if (sys_sleep(SLEEP_NS) < 0)
            fail("sleep");
    }
    report("timer-wakeup", minus(sys_uptime() - t0, (uint64_t)N * SLEEP_NS), N);
}

/* Console output: N writes of LEN bytes to fd 1: one dot, or a line of
 * 63 dots and a newline (dots: no console script mistakes them for a
 * prompt). After single dots a newline, so that the report starts its
 * own line. */
static void console_write(const char *op, size_t len, unsigned n)
{
    char line[64];
    uint64_t t0, t1, base = empty_loop(n);

    memset(line, '.', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\n'; /* a 64-byte line */
    fflush(stdout);                /* our own reports first, in order */
    t0 = sys_uptime();
    for (unsigned i = 0; i < n; i++) {
        if (write(1, line, len) != (ssize_t)len)
            fail("write");
    }
    t1 = sys_uptime();
    if (len == 1 && write(1, "\n", 1) != 1)
        fail("write");
    report(op, minus(t1 - t0, base), n);
}

/* A whole process: spawn /bin/true, it runs and exits, wait for it. */
static void spawn_exit_wait(void)
{
    enum { N = 20 };
    char *argv[] = {"true", NULL};
    uint64_t t0 = sys_uptime();

    for (int i = 0; i < N; i++) {
        int status, pid = sys_spawn("/bin/true", argv, 0);

        if (pid < 0 || sys_wait(pid, &status) < 0 || status != 0)
            fail("spawn /bin/true");
    }
    report("spawn-exit-wait", sys_uptime() - t0, N);
}

/* Pure computation, the control: no privileged operation, so every
 * backend should run it at the same cost (ratio 1.0) but for the timer
 * interrupts that land in it. A linear congruential step; the empty asm
 * keeps the compiler from folding or vectorizing the loop. */
static void cpu_loop(void)
{
    enum { N = 1000000 };
    uint64_t x = 1, t0 = sys_uptime();

    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        __asm__ volatile("" : "+r"(x));
    }
    report("cpu-loop", sys_uptime() - t0, N);
    if (x == 0) /* never: uses x */
        printf("tradeoff: x %llu\n", (unsigned long long)x);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--yield") == 0) {
        for (int i = atoi(argv[2]); i > 0; i--)
            sys_yield();
        return 0;
    }
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "--trap") != 0)) {
        fprintf(stderr, "usage: tradeoff [--trap]\n");
        return 2;
    }
    /* Under trap-and-emulate CPUID does not trap: the run says so. */
    hvm = argc == 2 || carapace_hvm();
    pv = !hvm && sys_hventries() >= 0;
    if (hvm || pv)
        exits_at = hvm_exits();
    syscall_null();
    page_fault();
    map_unmap();
    context_switch();
    timer_wakeup();
    console_write("console-write-1", 1, 200);
    console_write("console-write-64", 64, 100);
    spawn_exit_wait();
    cpu_loop();
    printf("tradeoff: done %u\n", ops);
    return 0;
}
