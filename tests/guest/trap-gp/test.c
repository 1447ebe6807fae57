/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest kernel runs in ring 3: every privileged instruction traps to
 * its #GP handler instead of taking effect, and popf cannot clear IF or
 * raise IOPL.
 */
#include "guest.h"

const char test_title[] = "trap-gp: privileged instructions fault";

/* PROBE(insn, outputs, inputs, clobbers...): PROBE_ASM (guest.h) around
 * insn; the outputs start with PROBE_OUT. r11 is the scratch register. */
#define PROBE(insn, ...) asm volatile(PROBE_ASM(insn) __VA_ARGS__)

static uint8_t descriptor[10];

static void expect_gp(const char *name, unsigned int len)
{
    probe_expect(name, 13, PROBE_ANY, len);
}

static void privileged(void)
{
    uint64_t rax;

    PROBE("cli", : PROBE_OUT : : "r11");
    expect_gp("cli", 1);
    PROBE("sti", : PROBE_OUT : : "r11");
    expect_gp("sti", 1);
    PROBE("hlt", : PROBE_OUT : : "r11");
    expect_gp("hlt", 1);
    PROBE("mov %%cr3, %%rax", : PROBE_OUT, "=a"(rax) : : "r11");
    expect_gp("mov %cr3, %rax", 3);
    PROBE("mov %%rax, %%cr3", : PROBE_OUT : "a"(0) : "r11");
    expect_gp("mov %rax, %cr3", 3);
    PROBE("mov %%rax, %%cr0", : PROBE_OUT : "a"(0) : "r11");
    expect_gp("mov %rax, %cr0", 3);
    PROBE("rdmsr", : PROBE_OUT, "=a"(rax) : "c"(0x10) : "r11", "rdx");
    expect_gp("rdmsr (ecx 0x10)", 2);
    PROBE("wrmsr", : PROBE_OUT : "c"(0xc0000100), "a"(0), "d"(0) : "r11");
    expect_gp("wrmsr (FS base)", 2);
    PROBE("inb $0x80, %%al", : PROBE_OUT, "=a"(rax) : : "r11");
    expect_gp("inb $0x80, %al", 2);
    PROBE("outb %%al, $0x80", : PROBE_OUT : "a"(0) : "r11");
    expect_gp("outb %al, $0x80", 2);
    PROBE("inb %%dx, %%al", : PROBE_OUT, "=a"(rax) : "d"(0xf4) : "r11");
    expect_gp("inb %dx, %al (port 0xf4)", 1);
    PROBE("lgdt (%%rax)",
          : PROBE_OUT
          : "a"(descriptor), "m"(descriptor)
          : "r11");
    expect_gp("lgdt (%rax)", 3);
    PROBE("lidt (%%rax)",
          : PROBE_OUT
          : "a"(descriptor), "m"(descriptor)
          : "r11");
    expect_gp("lidt (%rax)", 3);
    PROBE("ltr %%ax", : PROBE_OUT : "a"(0x28) : "r11");
    expect_gp("ltr %ax", 3);
    PROBE("invlpg (%%rax)",
          : PROBE_OUT
          : "a"(start_info.virt_base)
          : "r11", "memory");
    expect_gp("invlpg (%rax)", 3);
    PROBE("wbinvd", : PROBE_OUT : : "r11");
    expect_gp("wbinvd", 2);
    PROBE("swapgs", : PROBE_OUT : : "r11");
    expect_gp("swapgs", 3);
    PROBE("clts", : PROBE_OUT : : "r11");
    expect_gp("clts", 2);
    PROBE("mov %%rax, %%dr7", : PROBE_OUT : "a"(0) : "r11");
    expect_gp("mov %rax, %dr7", 3);
    /* pushf; cli; popf: the cli in the middle faults, the rest runs. */
    asm volatile("pushfq\n\t" PROBE_ASM("cli") "\tpopfq"
                 : PROBE_OUT
                 :
                 : "r11", "cc", "memory");
    expect_gp("cli in pushf; cli; popf", 1);
}

static void popf_checks(void)
{
    uint64_t flags;
    unsigned int before = probe_traps;

    asm volatile("pushfq\n\t"
                 "andq $~0x200, (%%rsp)\n\t"
                 "popfq\n\t"
                 "pushfq\n\t"
                 "popq %0"
                 : "=r"(flags)
                 :
                 : "cc", "memory");
    test_expect_eq(probe_traps - before, 0, "pushf/popf do not trap");
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
    test_expect_eq(probe_traps - before, 0, "still no trap");
}

void test_main(void)
{
    static const unsigned int vectors[] = {1, 3, 6, 13, 14, 17};

    for (unsigned int i = 0; i < ARRAY_SIZE(vectors); i++)
        trap_set_handler(vectors[i], probe_record);
    test_expect_eq(trap_install(0), 0,
                   "set_trap_table(#DB #BP #UD #GP #PF #AC)");
    privileged();
    popf_checks();
}
