/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest starts as the ABI says: HC_version answers, the start-info tree
 * describes dom0 as test.cfg configured it (16 MiB, its bootargs), the p2m,
 * shared-info page and initial tables are where it says, and the entry
 * state (registers, stack) is as documented.
 */
#include <libfdt.h>
#include <string.h>

#include "guest.h"

const char test_title[] = "hello: version, start info, entry state";

#define DOM0_MEM  (16ULL << 20) /* test.cfg: dom0_mem=16M */
#define BOOTARGS  "hello-arg1 hello-arg2"
#define VIRT_BASE 0x400000ULL

static uint64_t zero_bss[512]; /* the loader must zero .bss */

static void check_in_mapping(const char *what, uint64_t va, uint64_t size)
{
    uint64_t end = start_info.virt_base + start_info.nr_frames * PAGE_SIZE;

    test_check(va >= start_info.virt_base && va + size <= end &&
                   va + size >= va,
               "%s %#lx..+%#lx is inside the domain's mapping %#lx..%#lx", what,
               (unsigned long)va, (unsigned long)size,
               (unsigned long)start_info.virt_base, (unsigned long)end);
}

static void check_version(void)
{
    long features;

    test_expect_eq(hc_version(VERSION_ABI), CARAPACE_ABI_VERSION,
                   "HC_version(VERSION_ABI)");
    features = hc_version(VERSION_FEATURES);
    printf("HC_version(VERSION_FEATURES) = %#lx\n", features);
    test_check(features >= 0, "VERSION_FEATURES is a mask, not an error");
    /* Each call is an entry (a timer interrupt may add one between). */
    {
        long e1 = hc_version(VERSION_ENTRIES), e2 = hc_version(VERSION_ENTRIES);

        test_check(e1 > 0 && e2 - e1 >= 1 && e2 - e1 <= 3,
                   "VERSION_ENTRIES counts this vCPU's entries (%ld, then %ld)",
                   e1, e2);
    }
}

static void check_start_info(void)
{
    const struct start_info *si = &start_info;
    const void *fdt = si->fdt;

    test_expect_eq(si->problems, 0, "start-info properties missing or bad");
    test_expect_eq(fdt_node_check_compatible(fdt, 0, CARAPACE_SI_COMPATIBLE), 0,
                   "root is compatible with " CARAPACE_SI_COMPATIBLE);
    test_expect_eq(si->abi_version, CARAPACE_ABI_VERSION, "abi-version");
    test_expect_eq(si->domid, 0, "domain-id");
    test_expect_eq(si->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN),
                   SIF_PRIVILEGED | SIF_INITDOMAIN,
                   "flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)");
    printf("domain-name = \"%s\", console = \"%s\", %u module node(s)\n",
           si->name, si->console, si->nr_modules);
    test_expect_eq(si->memory_bytes, DOM0_MEM, "memory-bytes (dom0_mem=16M)");
    test_expect_eq(si->nr_frames, si->memory_bytes / PAGE_SIZE,
                   "nr-frames == memory-bytes / 4096");
    test_expect_eq(si->virt_base, VIRT_BASE, "virt-base");
    test_check(si->bootargs && strcmp(si->bootargs, BOOTARGS) == 0,
               "bootargs \"%s\" == \"" BOOTARGS "\"",
               si->bootargs ? si->bootargs : "(absent)");
    check_in_mapping("shared-info-va", si->shared_va, PAGE_SIZE);
    check_in_mapping("p2m-va", si->p2m_va, si->nr_frames * 8);
    check_in_mapping("pt-base-va", si->pt_base_va, PAGE_SIZE);
    check_in_mapping("start-info tree", (uint64_t)fdt, fdt_totalsize(fdt));
    test_check(si->pt_frames >= 1, "pt-frames = %lu",
               (unsigned long)si->pt_frames);
    test_check(si->first_free_gfn < si->nr_frames,
               "first-free-gfn %lu < nr-frames %lu",
               (unsigned long)si->first_free_gfn, (unsigned long)si->nr_frames);
    test_check((uint64_t)fdt >= (uint64_t)_end,
               "the start info (%p) is after the image (ends %p)", fdt, _end);
    test_check(va_to_gfn(si->pt_base_va) < si->first_free_gfn,
               "the initial L4 is below first-free-gfn");
}

static void check_p2m(void)
{
    uint64_t n = start_info.nr_frames, zeros = 0, dups = 0;

    for (uint64_t i = 0; i < n; i++) {
        if (p2m[i] == 0)
            zeros++;
        for (uint64_t j = i + 1; j < n; j++)
            if (p2m[i] == p2m[j])
                dups++;
    }
    printf("p2m[0] = %#lx, p2m[%lu] = %#lx\n", (unsigned long)p2m[0],
           (unsigned long)(n - 1), (unsigned long)p2m[n - 1]);
    test_expect_eq(zeros, 0, "p2m entries that are 0");
    test_expect_eq(dups, 0, "p2m entries that repeat another");
    test_expect_eq(va_to_mfn(start_info.pt_base_va) != 0, 1,
                   "the initial L4 has a machine frame");
}

static void check_shared_info(void)
{
    const volatile struct vcpu_info *v = &shared_info->vcpu[0];

    test_expect_eq(v->upcall_mask, 1, "vcpu[0].upcall_mask at entry");
    printf("vcpu[0].time: version %u, system_time %lu, mul %u, shift %d\n",
           v->time.version, (unsigned long)v->time.system_time,
           v->time.tsc_to_system_mul, v->time.tsc_shift);
    test_check(v->time.tsc_to_system_mul != 0,
               "vcpu[0].time.tsc_to_system_mul is set");
}

static void check_entry_state(void)
{
    static const char *const names[16] = {
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
        "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};
    uint64_t rsp = guest_entry_regs[7];
    unsigned int nonzero = 0;

    test_expect_eq(guest_entry_regs[5], (uint64_t)start_info.fdt,
                   "rdi at entry == start-info VA");
    test_expect_eq(guest_entry_regs[4], (uint64_t)start_info.fdt,
                   "rsi at entry == start-info VA");
    test_expect_eq(rsp & 15, 0, "rsp at entry % 16");
    check_in_mapping("initial stack pointer", rsp - 8, 8);
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 5 || i == 7 || !guest_entry_regs[i])
            continue;
        printf("  %s = %#lx at entry\n", names[i],
               (unsigned long)guest_entry_regs[i]);
        nonzero++;
    }
    test_expect_eq(nonzero, 0, "other registers not 0 at entry");
}

static void check_misc(void)
{
    uint64_t a, b, bad = 0;

    for (unsigned int i = 0; i < ARRAY_SIZE(zero_bss); i++)
        bad |= READ_ONCE(zero_bss[i]);
    test_expect_eq(bad, 0, ".bss is zero");
    a = rdtsc();
    for (volatile int i = 0; i < 1000; i++)
        ;
    b = rdtsc();
    test_check(b > a, "rdtsc works in guest kernel mode (%lu -> %lu)",
               (unsigned long)a, (unsigned long)b);
    test_check(hypercall_page[0] != (char)0xcc,
               "the hypercall page was filled (first byte %#x)",
               (unsigned char)hypercall_page[0]);
}

void test_main(void)
{
    check_version();
    check_start_info();
    check_p2m();
    check_shared_info();
    check_entry_state();
    check_misc();
}
