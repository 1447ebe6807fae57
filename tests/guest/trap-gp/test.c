/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest kernel runs in ring 3: every privileged instruction traps to
 * its #GP handler instead of taking effect, and popf cannot clear IF or
 * raise IOPL.
 */
#include "guest.h"

const char test_title[] = "trap-gp: privileged instructions fault";

/* Set by each probe right before its instruction. */
static volatile uint64_t probe_at, probe_end;
static volatile unsigned int traps;
static struct trap_frame last;

static void record(struct trap_frame *f)
{
    traps++;
    last = *f;
    /* Resume after the instruction; its length is checked by the caller. */
    f->rip = probe_end;
}

/* PROBE(insn, outputs, inputs, clobbers...): note the instruction's start
 * and end, run it. r11 is the scratch register. */
#define PROBE(insn, ...)                                                       \
    asm volatile("lea 1f(%%rip), %%r11\n\t"                                    \
                 "mov %%r11, %[at]\n\t"                                        \
                 "lea 2f(%%rip), %%r11\n\t"                                    \
                 "mov %%r11, %[end]\n"                                         \
                 "1:\t" insn "\n"                                              \
                 "2:" __VA_ARGS__)

static uint8_t descriptor[10];

static void expect_gp(const char *name, unsigned int len)
{
    static unsigned int seen;
    char what[80];

    snprintf(what, sizeof(what), "%s: traps", name);
    if (!test_expect_eq(traps - seen, 1, what)) {
        seen = traps;
        return;
    }
    seen = traps;
    printf("  %s: vector %lu, error code %#lx\n", name,
           (unsigned long)last.vector, (unsigned long)last.error_code);
    snprintf(what, sizeof(what), "%s: vector (#GP)", name);
    test_expect_eq(last.vector, 13, what);
    snprintf(what, sizeof(what), "%s: frame->rip is the instruction", name);
    test_expect_eq(last.rip, probe_at, what);
    snprintf(what, sizeof(what), "%s: instruction length", name);
    test_expect_eq(probe_end - probe_at, len, what);
}

static void privileged(void)
{
    uint64_t rax;

    PROBE("cli", : [at] "=m"(probe_at), [end] "=m"(probe_end) : : "r11");
    expect_gp("cli", 1);
    PROBE("sti", : [at] "=m"(probe_at), [end] "=m"(probe_end) : : "r11");
    expect_gp("sti", 1);
    PROBE("hlt", : [at] "=m"(probe_at), [end] "=m"(probe_end) : : "r11");
    expect_gp("hlt", 1);
    PROBE("mov %%cr3, %%rax",
          : [at] "=m"(probe_at), [end] "=m"(probe_end), "=a"(rax)
          :
          : "r11");
    expect_gp("mov %cr3, %rax", 3);
    PROBE("mov %%rax, %%cr3",
          : [at] "=m"(probe_at), [end] "=m"(probe_end)
          : "a"(0)
          : "r11");
    expect_gp("mov %rax, %cr3", 3);
    PROBE("mov %%rax, %%cr0",
          : [at] "=m"(probe_at), [end] "=m"(probe_end)
          : "a"(0)
          : "r11");
    expect_gp("mov %rax, %cr0", 3);
    PROBE("rdmsr",
          : [at] "=m"(probe_at), [end] "=m"(probe_end), "=a"(rax)
          : "c"(0x10)
          : "r11", "rdx");
    expect_gp("rdmsr (ecx 0x10)", 2);
    PROBE("wrmsr",
          : [at] "=m"(probe_at), [end] "=m"(probe_end)
          : "c"(0xc0000100), "a"(0), "d"(0)
          : "r11");
    expect_gp("wrmsr (FS base)", 2);
    PROBE("inb $0x80, %%al",
          : [at] "=m"(probe_at), [end] "=m"(probe_end), "=a"(rax)
          :
          : "r11");
    expect_gp("inb $0x80, %al", 2);
    PROBE("outb %%al, $0x80",
          : [at] "=m"(probe_at), [end] "=m"(probe_end)
          : "a"(0)
          : "r11");
    expect_gp("outb %al, $0x80", 2);
    PROBE("inb %%dx, %%al",
          : [at] "=m"(probe_at), [end] "=m"(probe_end), "=a"(rax)
          : "d"(0xf4)
          : "r11");
    expect_gp("inb %dx, %al (port 0xf4)", 1);
    PROBE("lgdt (%%rax)",
          : [at] "=m"(probe_at), [end] "=m"(probe_end)
          : "a"(descriptor), "m"(descriptor)
          : "r11");
    expect_gp("lgdt (%rax)", 3);
    PROBE("lidt (%%rax)",
          : [at] "=m"(probe_at), [end] "=m"(probe_end)
          : "a"(descriptor), "m"(descriptor)
          : "r11");
    expect_gp("lidt (%rax)", 3);
    PROBE("ltr %%ax",
          : [at] "=m"(probe_at), [end] "=m"(probe_end)
          : "a"(0x28)
          : "r11");
    expect_gp("ltr %ax", 3);
    PROBE("invlpg (%%rax)",
          : [at] "=m"(probe_at), [end] "=m"(probe_end)
          : "a"(start_info.virt_base)
          : "r11", "memory");
    expect_gp("invlpg (%rax)", 3);
    PROBE("wbinvd", : [at] "=m"(probe_at), [end] "=m"(probe_end) : : "r11");
    expect_gp("wbinvd", 2);
    PROBE("swapgs", : [at] "=m"(probe_at), [end] "=m"(probe_end) : : "r11");
    expect_gp("swapgs", 3);
    PROBE("clts", : [at] "=m"(probe_at), [end] "=m"(probe_end) : : "r11");
    expect_gp("clts", 2);
    PROBE("mov %%rax, %%dr7",
          : [at] "=m"(probe_at), [end] "=m"(probe_end)
          : "a"(0)
          : "r11");
    expect_gp("mov %rax, %dr7", 3);
    /* pushf; cli; popf: the cli in the middle faults, the rest runs. */
    asm volatile("pushfq\n\t"
                 "lea 1f(%%rip), %%r11\n\t"
                 "mov %%r11, %[at]\n\t"
                 "lea 2f(%%rip), %%r11\n\t"
                 "mov %%r11, %[end]\n"
                 "1:\tcli\n"
                 "2:\tpopfq"
                 : [at] "=m"(probe_at), [end] "=m"(probe_end)
                 :
                 : "r11", "cc", "memory");
    expect_gp("cli in pushf; cli; popf", 1);
}

static void popf_checks(void)
{
    uint64_t flags;
    unsigned int before = traps;

    asm volatile("pushfq\n\t"
                 "andq $~0x200, (%%rsp)\n\t"
                 "popfq\n\t"
                 "pushfq\n\t"
                 "popq %0"
                 : "=r"(flags)
                 :
                 : "cc", "memory");
    test_expect_eq(traps - before, 0, "pushf/popf do not trap");
    test_expect_eq(flags & 0x200, 0x200, "RFLAGS.IF after popf with IF clear");
    asm volatile("pushfq\n\t"
                 "orq $0x3000, (%%rsp)\n\t"
                 "popfq\n\t"
                 "pushfq\n\t"
                 "popq %0"
                 : "=r"(flags)
                 :
                 : "cc", "memory");
    test_expect_eq(flags & 0x3000, 0, "RFLAGS.IOPL after popf with IOPL 3");
    test_expect_eq(traps - before, 0, "still no trap");
}

void test_main(void)
{
    static const unsigned int vectors[] = {1, 3, 6, 13, 14, 17};

    for (unsigned int i = 0; i < ARRAY_SIZE(vectors); i++)
        trap_set_handler(vectors[i], record);
    test_expect_eq(trap_install(0), 0,
                   "set_trap_table(#DB #BP #UD #GP #PF #AC)");
    privileged();
    popf_checks();
}
