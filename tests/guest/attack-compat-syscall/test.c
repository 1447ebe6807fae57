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

/* Run `insn` between probe_at and probe_end (r11 is scratch). */
#define PROBE(insn)                                                            \
    asm volatile(PROBE_ASM(insn) : PROBE_OUT : : "r11", "rcx", "memory")

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
    trap_set_handler(6, probe_record);
    trap_set_handler(13, probe_record);
    test_expect_eq(trap_install(0), 0, "install #UD and #GP handlers");
    supervisor_mapping();
    /* The 32-bit selector: no such segment, so no compatibility mode. */
    PROBE("ljmpl *compat_far(%%rip)");
    probe_expect("far jump to selector 0x1b", 13, 0x18, 0);
    /* sysenter: SYSENTER_CS is 0, so #GP(0) (#UD on AMD in long mode). */
    PROBE("sysenter");
    probe_expect("sysenter", probe_last.vector == 6 ? 6 : 13, 0, 2);
    /* int $0x80: a DPL 0 gate, #GP with the IDT bit: (0x80 << 3) | 2 on
     * hardware; QEMU TCG reports (0x80 << 4) | 2. */
    PROBE("int $0x80");
    probe_expect("int $0x80", 13,
                 probe_last.error_code == 0x802 ? 0x802 : 0x402, 2);
}

void test_main(void)
{
    watch_attack(attacker, 10000);
}
