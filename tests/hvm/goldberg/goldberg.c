/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Goldberg demos: a small Multiboot kernel that runs, one by one, the
 * x86 instructions Robin and Irvine (USENIX Security 2000) found sensitive
 * but unprivileged, the reason x86 before VT could not be virtualized by
 * trap-and-emulate (Popek and Goldberg, 1974), and prints for each what it
 * observed and a verdict:
 *
 *   ok    it behaved as in ring 0 on the bare machine: the value the
 *         kernel itself set up came back, the change it asked for happened
 *   leak  it ran without a fault and returned something the kernel never
 *         set: the real machine's tables, or the real (deprivileged) ring
 *   lost  it ran without a fault and silently dropped the change asked
 *         for (POPF of IF and IOPL outside ring 0)
 *   trap  it faulted: a trap-and-emulate monitor gets to emulate it
 *
 * The kernel knows what each answer ought to be because it loads all of
 * its state itself (boot.S, gb_tables_load): a GDT at a known address with
 * a probe data segment of an odd limit at GDT_PROBE, a TSS at GDT_TSS, an
 * LDT at GDT_LDT, an IDT, CR0.TS for SMSW. Natively and under SVM every
 * verdict should be ok; run in ring 3 under a trap-and-emulate monitor the
 * same image shows the leaks (SGDT returns the monitor's GDT, PUSHF the
 * real IF, MOV from CS the real RPL 3, ...). The tests that run it
 * (native/goldberg, guest/goldberg-hvm) hold the expected verdict of each
 * instruction, so a change of behaviour fails them.
 *
 * One line per probe on COM1, `goldberg: NAME OBSERVED verdict=V`, a
 * count, then `Test result: SUCCESS` if every probe ran to its end (an
 * exception outside a probe is FAILURE); then port 0xf4 ends the run.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "format.h"
#include "goldberg.h"
#include "lib.h"

/* What gb_trap_common (boot.S) saves, lowest address first. */
struct gb_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, err;
    uint64_t rip, cs, rflags, rsp, ss;
};

struct gb_gate {
    uint16_t off_lo, sel;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
};
_Static_assert(sizeof(struct gb_gate) == 16, "a long-mode gate");

struct __attribute__((packed)) gb_tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1, ist[7], reserved2;
    uint16_t reserved3, iomap;
};
_Static_assert(sizeof(struct gb_tss) == 104, "a long-mode TSS");

void goldberg_main(uint32_t info);
void gb_trap(struct gb_frame *f);
__attribute__((format(printf, 1, 2))) void gb_printf(const char *fmt, ...);
void gb_load_segments(void);
extern const char gb_stubs[];

static uint64_t gb_gdt[GDT_SIZE / 8] __attribute__((aligned(16)));
static struct gb_gate gb_idt[256];
/* The TSS and its I/O permission bitmap (all 65536 ports, then the
 * terminating byte): in ring 3 the kernel may still reach COM1 and port
 * 0xf4, and nothing else. */
static struct __attribute__((packed)) {
    struct gb_tss tss;
    uint8_t iomap[65536 / 8 + 1];
} gb_tss;
/* The ring-3 run's stacks: its own, and the one its faults land on. */
static uint8_t gb_user_stack[8192] __attribute__((aligned(16)));
static uint8_t gb_fault_stack[8192] __attribute__((aligned(16)));
static uint64_t gb_ldt[2];
struct gb_dtr gb_gdtr, gb_idtr;

volatile uint64_t gb_resume;
volatile int gb_fault_vec = -1;
volatile uint64_t gb_fault_err;
volatile uint64_t gb_int_cs;
volatile int gb_int_seen;

static const char *const gb_verdict_name[GB_VERDICTS] = {"ok", "leak", "lost",
                                                         "trap"};
static unsigned gb_count[GB_VERDICTS];

static inline void gb_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t gb_inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void gb_puts(const char *s)
{
    for (; *s; s++) {
        while (!(gb_inb(0x3fd) & 0x20)) /* COM1's transmitter is free */
            ;
        gb_outb(0x3f8, (uint8_t)*s);
    }
}

void gb_printf(const char *fmt, ...)
{
    char line[200];
    va_list ap;

    va_start(ap, fmt);
    format_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    gb_puts(line);
}

__attribute__((noreturn)) static void gb_exit(void)
{
    gb_outb(0xf4, 0); /* QEMU's isa-debug-exit; an hvm domain's poweroff */
    for (;;)
        __asm__ volatile("cli; hlt");
}

__attribute__((noreturn)) void lib_assert_fail(const char *cond,
                                               const char *file, int line)
{
    gb_printf("goldberg: assertion %s failed at %s:%d\n", cond, file, line);
    gb_puts("Test result: FAILURE (assertion)\n");
    gb_exit();
}

void gb_trap(struct gb_frame *f)
{
    if (f->vector == INT_VECTOR) {
        gb_int_cs = f->cs;
        gb_int_seen = 1;
        return;
    }
    if (gb_resume) {
        gb_fault_vec = (int)f->vector;
        gb_fault_err = f->err;
        f->rip = gb_resume;
        gb_resume = 0;
        return;
    }
    gb_printf("goldberg: exception %lu (error %#lx) at rip %#lx outside a "
              "probe\n",
              f->vector, f->err, f->rip);
    gb_puts("Test result: FAILURE (unexpected exception)\n");
    gb_exit();
}

/* A system-segment descriptor (16 bytes in long mode) at gdt[i], i + 1. */
static void gb_sysdesc(unsigned i, uint64_t base, uint32_t limit, unsigned type)
{
    gb_gdt[i] = (limit & 0xffff) | (base & 0xffffff) << 16 |
                (uint64_t)(0x80 | type) << 40 |
                (uint64_t)((limit >> 16) & 0xf) << 48 |
                ((base >> 24) & 0xff) << 56;
    gb_gdt[i + 1] = base >> 32;
}

/* Load the kernel's own GDT, segments, IDT, TSS and LDT. */
static void gb_tables_load(void)
{
    gb_gdt[GDT_CODE / 8] = 0x00af9a000000ffffULL;
    gb_gdt[GDT_DATA / 8] = 0x00cf92000000ffffULL;
    gb_gdt[GDT_PROBE / 8] = PROBE_DESC;
    gb_gdt[GDT_UDATA / 8] = 0x00cff2000000ffffULL;
    gb_gdt[GDT_UCODE / 8] = 0x00affa000000ffffULL;
    gb_sysdesc(GDT_TSS / 8, (uintptr_t)&gb_tss, sizeof(gb_tss) - 1, 0x9);
    gb_sysdesc(GDT_LDT / 8, (uintptr_t)gb_ldt, sizeof(gb_ldt) - 1, 0x2);
    gb_ldt[1] = 0x00cf92000000ffffULL;
    gb_tss.tss.rsp[0] = (uintptr_t)(gb_fault_stack + sizeof(gb_fault_stack));
    gb_tss.tss.iomap = sizeof(gb_tss.tss);
    memset(gb_tss.iomap, 0xff, sizeof(gb_tss.iomap));
    gb_tss.iomap[0xf4 / 8] &= (uint8_t) ~(1u << (0xf4 % 8));
    gb_tss.iomap[0x3f8 / 8] = 0; /* 0x3f8 .. 0x3ff */
    for (unsigned i = 0; i < GB_STUBS; i++) {
        uint64_t off = (uintptr_t)(gb_stubs + 16 * i);
        unsigned vec = i < GB_STUBS - 1 ? i : INT_VECTOR;

        gb_idt[vec] = (struct gb_gate){
            .off_lo = (uint16_t)off,
            .sel = GDT_CODE,
            .type = 0x8e, /* present, DPL 0, interrupt gate */
            .off_mid = (uint16_t)(off >> 16),
            .off_hi = (uint32_t)(off >> 32),
        };
    }
    gb_gdtr = (struct gb_dtr){sizeof(gb_gdt) - 1, (uintptr_t)gb_gdt};
    gb_idtr = (struct gb_dtr){sizeof(gb_idt) - 1, (uintptr_t)gb_idt};
    __asm__ volatile("lgdt %0" ::"m"(gb_gdtr) : "memory");
    gb_load_segments();
    __asm__ volatile("lidt %0" ::"m"(gb_idtr) : "memory");
    __asm__ volatile("ltr %w0" ::"r"(GDT_TSS) : "memory");
    __asm__ volatile("lldt %w0" ::"r"(GDT_LDT) : "memory");
}

void gb_arm(void)
{
    gb_fault_vec = -1;
    gb_fault_err = 0;
}

/* Print the probe's line: a fault makes it `trap` whatever else. */
void gb_report(const char *name, const char *observed, enum gb_verdict v)
{
    char fault[40] = "";

    if (gb_fault_vec >= 0) {
        v = GB_TRAP;
        format_snprintf(fault, sizeof(fault), " fault=%d(%#lx)", gb_fault_vec,
                        gb_fault_err);
    }
    gb_count[v]++;
    gb_printf("goldberg: %-9s %s%s verdict=%s\n", name, observed, fault,
              gb_verdict_name[v]);
}

static unsigned gb_attacks; /* GB_ATTACK_*: run those instead */

/* The probes, their count and the result; then the end. */
__attribute__((noreturn)) static void gb_run(void)
{
    if (gb_attacks) {
        gb_attacks_run(gb_attacks);
    } else {
        gb_probes_run();
        gb_printf("goldberg: %u ok, %u leak, %u lost, %u trap\n",
                  gb_count[GB_OK], gb_count[GB_LEAK], gb_count[GB_LOST],
                  gb_count[GB_TRAP]);
    }
    gb_puts("Test result: SUCCESS\n");
    gb_exit();
}

/* Does the Multiboot command line at info hold the word w? */
static bool gb_cmdline_has(uint32_t info, const char *w)
{
    const uint32_t *mbi = (const uint32_t *)(uintptr_t)info;
    const char *p;
    size_t n = strlen(w);

    if (!info || !(mbi[0] & 0x4)) /* no command line */
        return false;
    for (p = (const char *)(uintptr_t)mbi[4]; *p; p++)
        if ((p == (const char *)(uintptr_t)mbi[4] || p[-1] == ' ') &&
            !strncmp(p, w, n) && (p[n] == ' ' || !p[n]))
            return true;
    return false;
}

/* CR4.UMIP on, if the CPU has it (CPUID 7.0: ECX bit 2): SGDT, SIDT,
 * SLDT, SMSW and STR then fault outside ring 0. */
static bool gb_umip(void)
{
    uint32_t a = 7, b, c = 0, d;
    uint64_t cr4;

    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (!(c & (1u << 2)))
        return false;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | CR4_UMIP) : "memory");
    return true;
}

/* The command line's words: `ring3` runs the same probes from ring 3 of
 * the kernel's own tables, with IF set and IOPL 0, as a deprivileged
 * kernel runs with no monitor behind it (what each instruction does by
 * itself); `umip` turns CR4.UMIP on first; `alias`, `cr3race`, `foreign`,
 * `foreigntable`, `hyprange`, `triple`, `outs`, `dr`, `nopaging` run
 * those probes of attacks.c instead. */
void goldberg_main(uint32_t info)
{
    static const char *const attack[] = {
        "alias",  "cr3race", "foreign", "foreigntable", "hyprange",
        "triple", "outs",    "dr",      "nopaging"};
    bool ring3 = gb_cmdline_has(info, "ring3");

    for (unsigned i = 0; i < sizeof(attack) / sizeof(attack[0]); i++)
        if (gb_cmdline_has(info, attack[i]))
            gb_attacks |= 1u << i;

    if (gb_cmdline_has(info, "umip"))
        gb_printf("goldberg: CR4.UMIP %s\n",
                  gb_umip() ? "on" : "not offered by this CPU");
    gb_tables_load();
    gb_outb(0x21, 0xff); /* both PICs masked: STI lets nothing in */
    gb_outb(0xa1, 0xff);
    gb_printf("goldberg: sensitive-but-unprivileged x86 instructions "
              "(Robin & Irvine 2000), from ring %d\n",
              ring3 ? 3 : 0);
    if (!ring3)
        gb_run();
    __asm__ volatile("push %0\n\t"
                     "push %1\n\t"
                     "push $0x202\n\t"
                     "push %2\n\t"
                     "push %3\n\t"
                     "iretq" ::"i"(GDT_UDATA | 3),
                     "r"((uintptr_t)(gb_user_stack + sizeof(gb_user_stack))),
                     "i"(GDT_UCODE | 3), "r"((uintptr_t)gb_run)
                     : "memory");
    __builtin_unreachable();
}
