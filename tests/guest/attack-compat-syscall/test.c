/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A domU tries every way into ring 0 that the CPU offers besides the one
 * the hypervisor expects: a far jump to the 32-bit ring-3 code selector
 * 0x1b, then a compatibility-mode `syscall` (which enters ring 0 at
 * MSR_CSTAR: 0 until the hypervisor set it, with a supervisor mapping of
 * the guest's own code at 0 ready for it), `sysenter`, and `int $0x80`.
 * Each must come back to the guest kernel as a fault, and a mapping asked
 * for without MMU_PTE_USER must get it anyway. dom0 watches the domU end
 * and goes on. The same image runs as both (boot.dts); the role is the
 * domain id.
 */
#include "guest.h"

const char test_title[] = "attack-compat-syscall: no way into ring 0";

static volatile uint64_t probe_at, probe_end;
static volatile unsigned int traps;
static struct trap_frame last;

static void record(struct trap_frame *f)
{
    traps++;
    last = *f;
    f->rip = probe_end;
}

/* Run `insn` with probe_at/probe_end around it (r11 is scratch). */
#define PROBE(insn)                                                            \
    asm volatile("lea 1f(%%rip), %%r11\n\t"                                    \
                 "mov %%r11, %[at]\n\t"                                        \
                 "lea 2f(%%rip), %%r11\n\t"                                    \
                 "mov %%r11, %[end]\n"                                         \
                 "1:\t" insn "\n"                                              \
                 "2:"                                                          \
                 : [at] "=m"(probe_at), [end] "=m"(probe_end)                  \
                 :                                                             \
                 : "r11", "rcx", "memory")

/* The far pointer (offset 32 bits, selector) and the 32-bit code it
 * names: a compatibility-mode syscall. */
asm(".data\n"
    ".globl compat_far\n"
    "compat_far:\n"
    "    .long compat_code\n"
    "    .word 0x1b\n"
    ".text\n"
    ".code32\n"
    "compat_code:\n"
    "    syscall\n"
    "    ud2\n"
    ".code64\n");

static void expect_fault(const char *name, unsigned int vector,
                         uint64_t error_code)
{
    static unsigned int seen;
    char what[80];

    snprintf(what, sizeof(what), "%s: comes back as one fault", name);
    if (!test_expect_eq(traps - seen, 1, what)) {
        seen = traps;
        return;
    }
    seen = traps;
    printf("  %s: vector %lu, error code %#lx\n", name,
           (unsigned long)last.vector, (unsigned long)last.error_code);
    snprintf(what, sizeof(what), "%s: vector", name);
    test_expect_eq(last.vector, vector, what);
    snprintf(what, sizeof(what), "%s: error code", name);
    test_expect_eq(last.error_code, error_code, what);
    snprintf(what, sizeof(what), "%s: at the instruction", name);
    test_expect_eq(last.rip, probe_at, what);
}

/* Ask for a supervisor mapping (no MMU_PTE_USER) of a frame of ours. */
static void supervisor_mapping(void)
{
    uint64_t gfn = start_info.first_free_gfn, va = gfn_to_va(gfn);
    const uint64_t *pte = pt_entry(va, 1, NULL);
    uint64_t flags = MMU_PTE_PRESENT | MMU_PTE_WRITE;

    if (!pte) {
        test_error("no L1 entry for va %#lx", (unsigned long)va);
        return;
    }
    test_expect_eq(hc_update_va_mapping(va, pte_of_mfn(gfn_to_mfn(gfn), flags),
                                        UVMF_INVLPG),
                   0, "update_va_mapping without MMU_PTE_USER");
    if (!test_check(*pte & MMU_PTE_USER,
                    "the entry has MMU_PTE_USER all the same (%#lx)",
                    (unsigned long)*pte))
        return; /* a supervisor mapping: ring 3 would fault on it */
    *(volatile uint64_t *)va = 0x5afe;
    test_expect_eq(*(volatile uint64_t *)va, 0x5afe,
                   "and the guest kernel (ring 3) uses it");
}

static void attacker(void)
{
    trap_set_handler(6, record);
    trap_set_handler(13, record);
    test_expect_eq(trap_install(0), 0, "install #UD and #GP handlers");
    supervisor_mapping();
    /* The 32-bit selector: no such segment, so no compatibility mode. */
    PROBE("ljmpl *compat_far(%%rip)");
    expect_fault("far jump to selector 0x1b", 13, 0x18);
    /* sysenter: SYSENTER_CS is 0, so #GP(0) (#UD on AMD in long mode). */
    PROBE("sysenter");
    test_check(traps > 0 && (last.vector == 13 || last.vector == 6),
               "sysenter faults (vector %lu)", (unsigned long)last.vector);
    expect_fault("sysenter", (unsigned int)last.vector,
                 last.vector == 13 ? 0 : last.error_code);
    /* int $0x80: a DPL 0 gate, #GP with the IDT bit: (0x80 << 3) | 2 on
     * hardware; QEMU TCG reports (0x80 << 4) | 2. */
    PROBE("int $0x80");
    expect_fault("int $0x80", 13, last.error_code == 0x802 ? 0x802 : 0x402);
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
