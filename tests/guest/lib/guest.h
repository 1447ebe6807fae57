/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test-guest library: console output, start info, results, traps,
 * system time and page-table helpers. A test is one folder with a test.c
 * that defines test_title and test_main(); the library's C start reads the
 * start info, calls test_main(), then prints the one result line and powers
 * the domain off. Only abi/ and libfdt are used: nothing of the hypervisor.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <carapace/abi.h>
#include <carapace/shared.h>
#include <carapace/startinfo.h>

#include "format.h"
#include "hypercall.h"

#define PAGE_SIZE     4096ULL
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Guest addresses: the lower canonical half only. */
#define GUEST_VA_END   0x0000800000000000ULL /* first non-canonical address */
#define HYP_VA_EXAMPLE 0xffff810000000000ULL /* the hypervisor's direct map */

/* --- Console (console.c) ------------------------------------------------ */

/* lib/format.c's conversions (format.h: no floating point); printf's
 * output is line-buffered, and cut at 1 KiB. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
/* snprintf and vsnprintf are lib/format.c's, under their C names. */
#define snprintf  format_snprintf
#define vsnprintf format_vsnprintf
void console_flush(void);
/* "-EINVAL" for -CARAPACE_EINVAL and the like, NULL for other values. */
const char *errno_name(int64_t value);

/* --- Start info (startinfo.c) ------------------------------------------- */

#define GUEST_MAX_MODULES 8

struct guest_module {
    uint64_t va, size;
    const char *bootargs;
};

struct start_info {
    const void *fdt; /* the tree itself */
    const char *compatible;
    uint32_t abi_version, domid, flags;
    const char *name, *console, *bootargs;
    uint64_t memory_bytes, virt_base, nr_frames;
    uint64_t p2m_va, shared_va, pt_base_va, pt_frames, first_free_gfn;
    unsigned int nr_modules;
    struct guest_module modules[GUEST_MAX_MODULES];
    unsigned int problems; /* properties missing or of the wrong size */
};

extern struct start_info start_info;
extern struct shared_info *shared_info; /* start_info.shared_va */
extern const uint64_t *p2m;             /* start_info.p2m_va */

/* Read every CARAPACE_SI_* property of the tree at fdt; print and count the
 * ones missing or malformed. Returns that count, or -1 if fdt is no tree.
 * The FS base must already point at a block with a canary at 0x28. */
int start_info_read(const void *fdt, struct start_info *si);

/* The TLS block libfdt's stack protector reads (%fs:0x28). */
#define GUEST_TLS_CANARY_OFFSET 0x28
extern uint64_t guest_tls[8];
/* Point FS at guest_tls (again): HC_set_segment_base's result. */
long guest_tls_install(void);

/* Registers as _start found them (crt0.S): rax rbx rcx rdx rsi rdi rbp
 * rsp r8 .. r15, in that order. */
extern uint64_t guest_entry_regs[16];
/* The image, from guest.ld. */
extern char _image_start[], _text_end[], _end[];
extern char guest_stack_bottom[], guest_stack_top[];

/* --- Results (result.c) ------------------------------------------------- */

/* Severity only goes up: SUCCESS < SKIP < ERROR < FAILURE. */
enum test_result {
    RESULT_SUCCESS,
    RESULT_SKIP,
    RESULT_ERROR,
    RESULT_FAILURE,
};

/* Provided by each test. */
extern const char test_title[];
void test_main(void);

void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "ok: ..." or "FAIL: ..." and returns cond. */
bool test_check(bool cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool test_expect_eq_(int line, const char *what, int64_t actual,
                     int64_t expected);
#define test_expect_eq(actual, expected, what)                                 \
    test_expect_eq_(__LINE__, (what), (int64_t)(actual), (int64_t)(expected))
enum test_result test_result_now(void);
/* Print `Test result: ...` and power off; never returns. */
__attribute__((noreturn)) void test_exit(void);

/* --- Probing instructions that must fault (probe.c) ------------------- */

/*
 * asm volatile(PROBE_ASM("insn") : PROBE_OUT, more outputs : inputs :
 * "r11", ...) runs insn with probe_at/probe_end set around it (r11 is the
 * scratch register); a handler set to probe_record() records the trap and
 * resumes after the instruction. probe_expect() then checks that exactly
 * one trap came since its last call, with `vector`, `error_code` (or
 * PROBE_ANY), at the instruction, and `len` bytes long (0: not checked).
 */
#define PROBE_ASM(insn)                                                        \
    "lea 1f(%%rip), %%r11\n\t"                                                 \
    "mov %%r11, %[at]\n\t"                                                     \
    "lea 2f(%%rip), %%r11\n\t"                                                 \
    "mov %%r11, %[end]\n"                                                      \
    "1:\t" insn "\n"                                                           \
    "2:"
#define PROBE_OUT [at] "=m"(probe_at), [end] "=m"(probe_end)
#define PROBE_ANY (~0ULL)
extern volatile uint64_t probe_at, probe_end;
extern volatile unsigned int probe_traps;
extern struct trap_frame probe_last;
void probe_record(struct trap_frame *f);
bool probe_expect(const char *name, uint64_t vector, uint64_t error_code,
                  unsigned int len);

/* --- Watching a domU (watch.c), for dom0 in attack tests ------------- */

/* Wait, yielding, until domain `domid` has ended (shut down, crashed or
 * already destroyed), at most `max_ms` of system time. Returns its last
 * DOMCTL_STATE_* (SHUTDOWN or CRASHED), -CARAPACE_ESRCH if it is gone,
 * or WATCH_TIMEOUT. Prints what it saw. */
#define WATCH_TIMEOUT (-1000L)
long watch_domain_end(uint32_t domid, uint64_t max_ms);
/* The two roles of an attack test's image: as a domU, run attacker(); as
 * dom0, watch domain 1 end (max_ms), check it did and that dom0 goes on
 * ("dom0: still running after the attack"). */
void watch_attack(void (*attacker)(void), uint64_t max_ms);
/* The hypervisor's free frames (DOMCTL_physinfo, dom0), checked to work:
 * what a domctl test compares before and after what it builds. */
uint64_t watch_free_frames(void);

/* --- Traps (trap.c, trap_entry.S) --------------------------------------- */

/* What trap_entry saves below the hypervisor's trap frame. A handler may
 * change the registers and frame->rip, rflags, rsp, flags: they are what
 * HC_iret returns to. rcx and r11 are taken from (and returned through)
 * the trap frame. */
struct trap_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8;
    uint64_t r9, r10, r11, r12, r13, r14, r15, pad;
    struct trap_frame frame;
};

/* General registers in the order of struct trap_regs (and of
 * guest_entry_regs, but for rsp), and their names, for register checks. */
enum guest_reg {
    RAX,
    RBX,
    RCX,
    RDX,
    RSI,
    RDI,
    RBP,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15
};
extern const char *const guest_reg_names[15];

/* For register probes written in asm, `void probe(uint64_t *out)`: the
 * prologue saves the callee-saved registers and out; after the probed
 * instruction, the epilogue stores rax..r15 (enum guest_reg order) into
 * out[], restores the callee-saved registers and returns. */
#define GUEST_PROBE_PROLOGUE                                                   \
    "    push %rbp; push %rbx; push %r12; push %r13; push %r14; push %r15\n"   \
    "    push %rdi\n"
#define GUEST_PROBE_EPILOGUE                                                   \
    "    push %rax\n"                                                          \
    "    mov 8(%rsp), %rax\n"                                                  \
    "    pop 0(%rax)\n"                                                        \
    "    mov %rbx, 8(%rax)\n"                                                  \
    "    mov %rcx, 16(%rax)\n"                                                 \
    "    mov %rdx, 24(%rax)\n"                                                 \
    "    mov %rsi, 32(%rax)\n"                                                 \
    "    mov %rdi, 40(%rax)\n"                                                 \
    "    mov %rbp, 48(%rax)\n"                                                 \
    "    mov %r8, 56(%rax)\n"                                                  \
    "    mov %r9, 64(%rax)\n"                                                  \
    "    mov %r10, 72(%rax)\n"                                                 \
    "    mov %r11, 80(%rax)\n"                                                 \
    "    mov %r12, 88(%rax)\n"                                                 \
    "    mov %r13, 96(%rax)\n"                                                 \
    "    mov %r14, 104(%rax)\n"                                                \
    "    mov %r15, 112(%rax)\n"                                                \
    "    pop %rdi\n"                                                           \
    "    pop %r15; pop %r14; pop %r13; pop %r12; pop %rbx; pop %rbp\n"         \
    "    ret\n"

typedef void (*trap_handler_t)(struct trap_frame *frame);

/* The common entry for every vector and callback: save, dispatch, iret. */
void trap_entry(void);
/* vector: 0..31, or TRAP_VECTOR_EVENT/SYSCALL/FAILSAFE; NULL removes it. */
void trap_set_handler(unsigned int vector, trap_handler_t handler);
/* HC_set_trap_table with trap_entry for every vector 0..31 that has a
 * handler (flags: TRAP_F_* for all of them). Returns the hypercall's result. */
long trap_install(uint8_t flags);
/* HC_set_callbacks(trap_entry, trap_entry, 0). */
long trap_install_callbacks(void);
static inline struct trap_regs *trap_regs(struct trap_frame *frame)
{
    return (struct trap_regs *)((char *)frame -
                                offsetof(struct trap_regs, frame));
}
/* A trap no handler wants: reported as FAILURE, and the test ends. */
void trap_unexpected(struct trap_frame *frame);

/* --- Time (time.c) ------------------------------------------------------ */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Nanoseconds of system time, from vcpu 0's time info (shared.h). */
uint64_t system_time_ns(void);
/* The one-shot timer (time.c): timer_event_handler, installed for
 * TRAP_VECTOR_EVENT, counts VIRQ_TIMER events in timer_events;
 * timer_sleep_until blocks, events unmasked, until the timer set for
 * `deadline` has fired, and returns the system time then. */
extern volatile unsigned int timer_events;
void timer_event_handler(struct trap_frame *f);
uint64_t timer_sleep_until(uint64_t deadline);

/* --- Memory (mm.c) ------------------------------------------------------ */

static inline uint64_t gfn_to_va(uint64_t gfn)
{
    return start_info.virt_base + gfn * PAGE_SIZE;
}

static inline uint64_t va_to_gfn(uint64_t va)
{
    return (va - start_info.virt_base) / PAGE_SIZE;
}

static inline uint64_t gfn_to_mfn(uint64_t gfn)
{
    return p2m[gfn];
}

static inline uint64_t va_to_mfn(uint64_t va)
{
    return p2m[va_to_gfn(va)];
}

/* The guest frame holding machine frame mfn, or -1 (a scan of the p2m). */
int64_t mfn_to_gfn(uint64_t mfn);
/* The entry of level 4..1 that maps va, walking from the initial L4:
 * a pointer to read it through the (read-only) linear map, and its machine
 * address for HC_mmu_update in *maddr (if not NULL). NULL if a table on the
 * way is not present or not one of ours. */
const uint64_t *pt_entry(uint64_t va, int level, uint64_t *maddr);

/* The guest kernel runs in ring 3: every mapping it uses needs PTE_USER
 * (the hypervisor does not add it). */
#define PTE_GUEST_RO (MMU_PTE_PRESENT | MMU_PTE_USER)
#define PTE_GUEST_RW (MMU_PTE_PRESENT | MMU_PTE_USER | MMU_PTE_WRITE)

/* One-entry HC_mmu_update / HC_mmuext_op. */
long mmu_update_one(uint64_t ptr, uint64_t val);
long mmuext_one(uint32_t cmd, uint64_t arg);

/* An entry without the bits the CPU sets (accessed, dirty). */
static inline uint64_t pte_stable(uint64_t pte)
{
    return pte & ~(MMU_PTE_ACCESSED | MMU_PTE_DIRTY);
}

static inline uint64_t pte_of_mfn(uint64_t mfn, uint64_t flags)
{
    return (mfn << 12) | flags;
}

static inline void barrier(void)
{
    asm volatile("" ::: "memory");
}

#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif /* GUEST_GUEST_H */
