/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Page faults reach the guest's #PF handler with the CPU's error code, and
 * the fault address in shared_info->vcpu[0].cr2: a read of unmapped memory,
 * and a write to the read-only initial L4.
 */
#include "guest.h"

const char test_title[] = "trap-pf: #PF error code and cr2";

static volatile unsigned int faults;
static struct trap_frame last;
static uint64_t last_cr2;

static void pf_handler(struct trap_frame *f)
{
    faults++;
    last = *f;
    last_cr2 = READ_ONCE(shared_info->vcpu[0].cr2);
    f->rip = probe_end;
}

static void expect_pf(const char *name, uint64_t code, uint64_t cr2)
{
    static unsigned int seen;
    char what[96];

    snprintf(what, sizeof(what), "%s: one #PF", name);
    test_expect_eq(faults - seen, 1, what);
    seen = faults;
    snprintf(what, sizeof(what), "%s: vector", name);
    test_expect_eq(last.vector, 14, what);
    snprintf(what, sizeof(what), "%s: error code", name);
    test_expect_eq(last.error_code, code, what);
    snprintf(what, sizeof(what), "%s: vcpu[0].cr2", name);
    test_expect_eq(last_cr2, cr2, what);
    snprintf(what, sizeof(what), "%s: frame->rip is the access", name);
    test_expect_eq(last.rip, probe_at, what);
}

void test_main(void)
{
    const uint64_t l4 = start_info.pt_base_va;
    uint64_t value = 0;

    trap_set_handler(14, pf_handler);
    test_expect_eq(trap_install(0), 0, "set_trap_table({#PF})");

    asm volatile("lea 1f(%%rip), %%r11\n\t"
                 "mov %%r11, %[at]\n\t"
                 "lea 2f(%%rip), %%r11\n\t"
                 "mov %%r11, %[end]\n"
                 "1:\tmov 0x1000, %[v]\n"
                 "2:"
                 : PROBE_OUT, [v] "+r"(value)
                 :
                 : "r11", "memory");
    expect_pf("read of 0x1000", 0x4 /* user, read, not present */, 0x1000);

    /* Write the L4's own first entry back to it: harmless if it went in. */
    printf("initial L4 at %#lx, entry 0 = %#lx\n", (unsigned long)l4,
           (unsigned long)*(volatile uint64_t *)l4);
    asm volatile("mov (%[p]), %[v]\n\t"
                 "lea 1f(%%rip), %%r11\n\t"
                 "mov %%r11, %[at]\n\t"
                 "lea 2f(%%rip), %%r11\n\t"
                 "mov %%r11, %[end]\n"
                 "1:\tmov %[v], (%[p])\n"
                 "2:"
                 : PROBE_OUT, [v] "=&r"(value)
                 : [p] "r"(l4)
                 : "r11", "memory");
    expect_pf("write to the initial L4", 0x7 /* present, write, user */, l4);

    test_check(true, "the guest goes on after both faults");
}
