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

static volatile uint64_t probe_at, probe_end;
static volatile unsigned int traps;
static struct trap_frame last;
static uint8_t leak[16];

static void record(struct trap_frame *f)
{
    traps++;
    last = *f;
    f->rip = probe_end;
}

/* Run `insn` (operand in %rax) with probe_at/probe_end around it. */
#define PROBE(insn)                                                            \
    asm volatile("lea 1f(%%rip), %%r11\n\t"                                    \
                 "mov %%r11, %[at]\n\t"                                        \
                 "lea 2f(%%rip), %%r11\n\t"                                    \
                 "mov %%r11, %[end]\n"                                         \
                 "1:\t" insn "\n"                                              \
                 "2:"                                                          \
                 : [at] "=m"(probe_at), [end] "=m"(probe_end)                  \
                 : "a"(leak)                                                   \
                 : "r11", "memory")

static void expect_gp(const char *name)
{
    static unsigned int seen;
    char what[80];
    bool one = traps - seen == 1;

    seen = traps;
    snprintf(what, sizeof(what), "%s: #GP at the instruction", name);
    test_check(one && last.vector == 13 && last.error_code == 0 &&
                   last.rip == probe_at,
               "%s (%s, vector %lu, error code %#lx)", what,
               one ? "one trap" : "no trap", (unsigned long)last.vector,
               (unsigned long)last.error_code);
}

static void attacker(void)
{
    uint32_t a, b, c, d;
    uint8_t stored = 0;

    asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    test_check(c & (1u << 2), "the CPU has UMIP (CPUID.7.0:ECX bit 2)");
    trap_set_handler(13, record);
    test_expect_eq(trap_install(0), 0, "install a #GP handler");
    PROBE("sgdt (%%rax)");
    expect_gp("sgdt");
    PROBE("sidt (%%rax)");
    expect_gp("sidt");
    PROBE("sldt (%%rax)");
    expect_gp("sldt");
    PROBE("str (%%rax)");
    expect_gp("str");
    PROBE("smsw (%%rax)");
    expect_gp("smsw");
    for (unsigned int i = 0; i < sizeof(leak); i++)
        stored |= leak[i];
    test_expect_eq(stored, 0, "none of them stored anything");
}

void test_main(void)
{
    long end;

    if (start_info.domid != 0) {
        attacker();
        return;
    }
    end = watch_domain_end(1, 10000);
    test_check(end == DOMCTL_STATE_SHUTDOWN || end == -CARAPACE_ESRCH,
               "the attacker has ended (%ld)", end);
    printf("dom0: still running after the attack\n");
}
