/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sgdt, sidt, sldt, str and smsw are not privileged on x86: without
 * CR4.UMIP they run in ring 3 and hand a guest the addresses of the
 * hypervisor's GDT and IDT, its TSS selector and CR0's low bits. With
 * UMIP (the CPU has it under -cpu max) each is a #GP, bounced to the guest
 * kernel. The domU tries each; dom0 watches it end. The same image runs
 * as dom0 and domU (boot.dts).
 */
#include "guest.h"

const char test_title[] = "attack-umip: descriptor-table reads fault";

static uint8_t leak[16];

/* Run `insn` (its operand in %rax) between probe_at and probe_end. */
#define PROBE(insn)                                                            \
    asm volatile(PROBE_ASM(insn) : PROBE_OUT : "a"(leak) : "r11", "memory")

static void attacker(void)
{
    uint32_t a, b, c, d;
    uint8_t stored = 0;

    asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    test_check(c & (1u << 2), "the CPU has UMIP (CPUID.7.0:ECX bit 2)");
    trap_set_handler(13, probe_record);
    test_expect_eq(trap_install(0), 0, "install a #GP handler");
    PROBE("sgdt (%%rax)");
    probe_expect("sgdt", 13, 0, 3);
    PROBE("sidt (%%rax)");
    probe_expect("sidt", 13, 0, 3);
    PROBE("sldt (%%rax)");
    probe_expect("sldt", 13, 0, 3);
    PROBE("str (%%rax)");
    probe_expect("str", 13, 0, 3);
    PROBE("smsw (%%rax)");
    probe_expect("smsw", 13, 0, 3);
    for (unsigned int i = 0; i < sizeof(leak); i++)
        stored |= leak[i];
    test_expect_eq(stored, 0, "none of them stored anything");
}

void test_main(void)
{
    watch_attack(attacker, 10000);
}
