/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Goldberg demo's probes (goldberg.c says what they show), one per
 * instruction of Robin and Irvine's list, each comparing what the
 * instruction answers with what the kernel itself set up:
 *
 *   sgdt, sidt  the base and limit gb_tables_load loaded
 *   sldt, str   the selectors it loaded (GDT_LDT, GDT_TSS)
 *   smsw        CR0's low 16 bits as MOV from CR0 reads them, with CR0.TS
 *               set first, so that a monitor's own CR0 (TS clear) differs
 *   pushf       IF after CLI: 0
 *   popf        with IF set, POPF of IF = 0 and IOPL = 3, read back by
 *               PUSHF
 *   lar, lsl,   on GDT_PROBE, a ring-0 data segment with an odd limit: its
 *   verr, verw  access rights, limit, readable, writable
 *   mov-cs,     CS and SS as loaded (RPL 0); in 64-bit mode PUSH CS/SS and
 *   mov-ss      POP DS/ES/SS do not exist, MOV from them is the same leak
 *   push-fs,    PUSH FS shows the selector loaded, POP FS loads a ring-0
 *   pop-fs      data selector
 *   far-call    the CS a far CALL pushes (the 64-bit mode's PUSH CS)
 *   far-jmp,    to the kernel's own ring-0 code segment
 *   far-ret
 *   int-n       INT 0x81 through a DPL-0 gate: the handler runs and its
 *               frame shows the kernel's CS
 *
 * The probes that change state (smsw, popf, pop-fs) put it back. A
 * probe's privileged setup (CLI, MOV to CR0) is inside it: in ring 3 it
 * faults too, and the probe's verdict is then trap.
 */
#include <stdint.h>

#include "format.h"
#include "goldberg.h"

#define OBS 120 /* an observation's text */

static void probe_dt(const char *name, int idt)
{
    struct gb_dtr d = {0};
    const struct gb_dtr *want = idt ? &gb_idtr : &gb_gdtr;
    char obs[OBS];

    gb_arm();
    if (idt)
        __asm__ volatile(PROBE_BEGIN "sidt %0" PROBE_END
                         : "=m"(d)::"r11", "memory");
    else
        __asm__ volatile(PROBE_BEGIN "sgdt %0" PROBE_END
                         : "=m"(d)::"r11", "memory");
    format_snprintf(obs, sizeof(obs), "base=%#lx limit=%#x (loaded %#lx %#x)",
                    d.base, d.limit, want->base, want->limit);
    gb_report(name, obs,
              d.base == want->base && d.limit == want->limit ? GB_OK : GB_LEAK);
}

/* SLDT or STR: the selector the kernel loaded comes back. */
static void probe_sel(const char *name, int tr, uint64_t want)
{
    uint64_t sel = 0xdead;
    char obs[OBS];

    gb_arm();
    if (tr)
        __asm__ volatile(PROBE_BEGIN "str %k0" PROBE_END
                         : "+r"(sel)::"r11", "memory");
    else
        __asm__ volatile(PROBE_BEGIN "sldt %k0" PROBE_END
                         : "+r"(sel)::"r11", "memory");
    format_snprintf(obs, sizeof(obs), "selector=%#lx (loaded %#lx)", sel, want);
    gb_report(name, obs, sel == want ? GB_OK : GB_LEAK);
}

/* Set CR0.TS, read CR0 back, SMSW, clear TS: all in the probe, since in
 * ring 3 the MOVs to and from CR0 fault. */
static void probe_smsw(void)
{
    uint64_t cr0 = 0xdead, msw = 0xdead;
    char obs[OBS];

    gb_arm();
    __asm__ volatile(PROBE_BEGIN "mov %%cr0, %0\n\t"
                                 "or $8, %0\n\t"
                                 "mov %0, %%cr0\n\t"
                                 "mov %%cr0, %0\n\t"
                                 "smsw %k1\n\t"
                                 "and $~8, %0\n\t"
                                 "mov %0, %%cr0\n\t"
                                 "or $8, %0" PROBE_END
                     : "+r"(cr0), "+r"(msw)::"r11", "memory");
    format_snprintf(obs, sizeof(obs), "msw=%#lx (cr0 low bits %#lx, TS set)",
                    msw & 0xffff, cr0 & 0xffff);
    gb_report("smsw", obs, (msw & 0xffff) == (cr0 & 0xffff) ? GB_OK : GB_LEAK);
}

static void probe_pushf(void)
{
    uint64_t fl = 0;
    char obs[OBS];

    gb_arm();
    __asm__ volatile(PROBE_BEGIN "cli\n\tpushf\n\tpop %0" PROBE_END
                     : "+r"(fl)::"r11", "memory");
    format_snprintf(obs, sizeof(obs), "after cli: if=%lu", (fl >> 9) & 1);
    gb_report("pushf", obs, fl & RFLAGS_IF ? GB_LEAK : GB_OK);
}

/* STI (unless PUSHF shows IF set already), then POPF of the flags with
 * IF clear and IOPL 3: PUSHF must show both changes; then POPF puts IOPL
 * 0 back, with IF clear. The stack pointer is
 * kept in r10 for a fault halfway. */
static void probe_popf(void)
{
    uint64_t before = 0, after = 0;
    char obs[OBS];

    gb_arm();
    __asm__ volatile("mov %%rsp, %%r10\n\t" PROBE_BEGIN "pushf\n\t"
                     "pop %0\n\t"
                     "bt $9, %0\n\t"
                     "jc 3f\n\t"
                     "sti\n\t"
                     "pushf\n\t"
                     "pop %0\n"
                     "3:\t"
                     "mov %0, %1\n\t"
                     "and $~0x200, %1\n\t"
                     "or $0x3000, %1\n\t"
                     "push %1\n\t"
                     "popf\n\t"
                     "pushf\n\t"
                     "pop %1\n\t"
                     "push %0\n\t"
                     "andq $~0x3200, (%%rsp)\n\t"
                     "popf" PROBE_END "mov %%r10, %%rsp"
                     : "+r"(before), "+r"(after)::"r10", "r11", "cc", "memory");
    format_snprintf(obs, sizeof(obs),
                    "popf if=0 iopl=3 (from if=%lu iopl=%lu): now if=%lu "
                    "iopl=%lu",
                    (before >> 9) & 1, (before >> 12) & 3, (after >> 9) & 1,
                    (after >> 12) & 3);
    gb_report("popf", obs,
              !(after & RFLAGS_IF) && (after & RFLAGS_IOPL) == RFLAGS_IOPL
                  ? GB_OK
                  : GB_LOST);
}

/* LAR, LSL, VERR or VERW of GDT_PROBE: the result and ZF. */
static void probe_seg(const char *name)
{
    uint64_t val = 0, sel = GDT_PROBE;
    uint8_t zf = 0;
    char obs[OBS];

    gb_arm();
    switch (name[1]) {
    case 'a': /* lar */
        __asm__ volatile(PROBE_BEGIN "lar %w2, %k0\n\tsetz %1" PROBE_END
                         : "+r"(val), "+q"(zf)
                         : "r"(sel)
                         : "r11", "cc", "memory");
        break;
    case 's': /* lsl */
        __asm__ volatile(PROBE_BEGIN "lsl %w2, %k0\n\tsetz %1" PROBE_END
                         : "+r"(val), "+q"(zf)
                         : "r"(sel)
                         : "r11", "cc", "memory");
        break;
    default: /* verr, verw */
        if (name[3] == 'r')
            __asm__ volatile(PROBE_BEGIN "verr %w1\n\tsetz %0" PROBE_END
                             : "+q"(zf)
                             : "r"(sel)
                             : "r11", "cc", "memory");
        else
            __asm__ volatile(PROBE_BEGIN "verw %w1\n\tsetz %0" PROBE_END
                             : "+q"(zf)
                             : "r"(sel)
                             : "r11", "cc", "memory");
        val = 1;
    }
    uint64_t want = name[1] == 'a'   ? PROBE_AR
                    : name[1] == 's' ? PROBE_LIMIT
                                     : 1;

    if (val == 1 && want == 1)
        format_snprintf(obs, sizeof(obs),
                        "selector %#x: zf=%u (a ring-0 "
                        "data segment)",
                        GDT_PROBE, zf);
    else
        format_snprintf(obs, sizeof(obs),
                        "selector %#x: %#lx zf=%u (loaded "
                        "%#lx)",
                        GDT_PROBE, val, zf, want);
    gb_report(name, obs, zf && val == want ? GB_OK : GB_LEAK);
}

/* MOV from CS or SS: the selector the kernel loaded, RPL 0. */
static void probe_movseg(const char *name, int ss, uint64_t want)
{
    uint64_t sel = 0xdead;
    char obs[OBS];

    gb_arm();
    if (ss)
        __asm__ volatile(PROBE_BEGIN "mov %%ss, %k0" PROBE_END
                         : "+r"(sel)::"r11", "memory");
    else
        __asm__ volatile(PROBE_BEGIN "mov %%cs, %k0" PROBE_END
                         : "+r"(sel)::"r11", "memory");
    format_snprintf(obs, sizeof(obs), "selector=%#lx rpl=%lu (loaded %#lx)",
                    sel, sel & 3, want);
    gb_report(name, obs, sel == want ? GB_OK : GB_LEAK);
}

static void probe_pushfs(void)
{
    uint64_t sel = 0xdead;
    char obs[OBS];

    gb_arm();
    __asm__ volatile(PROBE_BEGIN "push %%fs\n\tpop %0" PROBE_END
                     : "+r"(sel)::"r11", "memory");
    format_snprintf(obs, sizeof(obs), "selector=%#lx rpl=%lu (loaded %#x)", sel,
                    sel & 3, GDT_DATA);
    gb_report("push-fs", obs, sel == GDT_DATA ? GB_OK : GB_LEAK);
}

/* POP FS of the ring-0 data selector; the stack pointer is saved in r10,
 * since a fault leaves the pushed selector on the stack. */
static void probe_popfs(void)
{
    uint64_t sel = 0xdead;
    char obs[OBS];

    gb_arm();
    __asm__ volatile("mov %%rsp, %%r10\n\t" PROBE_BEGIN "push %1\n\t"
                     "pop %%fs" PROBE_END "mov %%r10, %%rsp\n\t"
                     "mov %%fs, %k0"
                     : "+r"(sel)
                     : "i"(GDT_DATA)
                     : "r10", "r11", "memory");
    format_snprintf(obs, sizeof(obs), "pop %#x: fs now %#lx", GDT_DATA, sel);
    gb_report("pop-fs", obs, sel == GDT_DATA ? GB_OK : GB_LEAK);
}

/* A far CALL through a 32-bit far pointer (m16:32, which AMD and Intel
 * both take in 64-bit mode) to gb_far_callee, which returns the pushed CS. */
static void probe_farcall(void)
{
    static struct __attribute__((packed)) {
        uint32_t off;
        uint16_t sel;
    } ptr;
    uint64_t cs = 0xdead;
    char obs[OBS];

    ptr.off = (uint32_t)(uintptr_t)gb_far_callee;
    ptr.sel = GDT_CODE;
    gb_arm();
    __asm__ volatile(PROBE_BEGIN "lcall *%1" PROBE_END
                     : "+a"(cs)
                     : "m"(ptr)
                     : "r11", "memory");
    format_snprintf(obs, sizeof(obs), "to %#x: pushed cs=%#lx rpl=%lu",
                    GDT_CODE, cs, cs & 3);
    gb_report("far-call", obs, cs == GDT_CODE ? GB_OK : GB_LEAK);
}

/* A far JMP (m16:32) and a far RET (64-bit) to the next instruction in the
 * kernel's ring-0 code segment; done = 1 if it got there. */
static void probe_farjmp(int ret)
{
    static struct __attribute__((packed)) {
        uint32_t off;
        uint16_t sel;
    } ptr;
    uint64_t done = 0;

    ptr.sel = GDT_CODE;
    gb_arm();
    if (ret)
        __asm__ volatile("mov %%rsp, %%r10\n\t" PROBE_BEGIN
                         "lea 2f(%%rip), %%rax\n\t"
                         "push %2\n\t"
                         "push %%rax\n\t"
                         "lretq\n"
                         "2:\tmov $1, %0" PROBE_END "mov %%r10, %%rsp"
                         : "+r"(done), "=m"(ptr)
                         : "i"(GDT_CODE)
                         : "rax", "r10", "r11", "memory");
    else
        __asm__ volatile(PROBE_BEGIN "lea 2f(%%rip), %%rax\n\t"
                                     "mov %%eax, %1\n\t"
                                     "ljmp *%1\n"
                                     "2:\tmov $1, %0" PROBE_END
                         : "+r"(done), "+m"(ptr)::"rax", "r11", "memory");
    gb_report(ret ? "far-ret" : "far-jmp",
              done ? "to 0x8: arrived" : "to 0x8: did not arrive",
              done ? GB_OK : GB_LEAK);
}

static void probe_int(void)
{
    char obs[OBS];

    gb_int_seen = 0;
    gb_int_cs = 0;
    gb_arm();
    __asm__ volatile(PROBE_BEGIN "int $0x81" PROBE_END ::: "r11", "memory");
    format_snprintf(obs, sizeof(obs), "int $%#x: handler %s, frame cs=%#lx",
                    INT_VECTOR, gb_int_seen ? "ran" : "did not run", gb_int_cs);
    gb_report("int-n", obs,
              gb_int_seen && gb_int_cs == GDT_CODE ? GB_OK : GB_LEAK);
}

void gb_probes_run(void)
{
    probe_dt("sgdt", 0);
    probe_dt("sidt", 1);
    probe_sel("sldt", 0, GDT_LDT);
    probe_smsw();
    probe_sel("str", 1, GDT_TSS);
    probe_pushf();
    probe_popf();
    probe_seg("lar");
    probe_seg("lsl");
    probe_seg("verr");
    probe_seg("verw");
    probe_movseg("mov-cs", 0, GDT_CODE);
    probe_movseg("mov-ss", 1, GDT_DATA);
    probe_pushfs();
    probe_popfs();
    probe_farcall();
    probe_farjmp(0);
    probe_farjmp(1);
    probe_int();
}
