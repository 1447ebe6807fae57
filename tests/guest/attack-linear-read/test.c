/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A read-only recursive L4 entry is allowed, and every guest L4 also holds
 * the hypervisor's own slots; so through the recursive slot the MMU walks
 * the hypervisor's direct-map tables as if they were the guest's, and
 * addresses in that window translate, supervisor-only, to any machine
 * frame. The guest itself faults on them; the hypervisor must too: every
 * hypercall that reads or writes guest memory reads it as the guest could
 * from ring 3. dom0 plants a secret at the start of each of its 2 MiB-
 * aligned free frames (the frames the window shows, one per 2 MiB) and
 * the domU tries to print them with HC_console_write; the log must never
 * show one. The same image runs as dom0 and domU (boot.dts).
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "attack-linear-read: no hypervisor reads through "
                          "the recursive slot";

#define SLOT    1ULL   /* the recursive L4 slot */
#define DM_SLOT 258ULL /* the hypervisor's direct map (layout.h) */
#define RAM_2M  64     /* 128 MiB of RAM: 64 frames of 2 MiB */
#define SECRET  "DOM0-SECRET-"

/* The window address of machine frame x GiB + y * 2 MiB (see above). */
static uint64_t window_va(uint64_t x, uint64_t y)
{
    return (SLOT << 39) | (DM_SLOT << 30) | (x << 21) | (y << 12);
}

static void plant_secrets(void)
{
    unsigned int n = 0;

    for (uint64_t gfn = start_info.first_free_gfn; gfn < start_info.nr_frames;
         gfn++) {
        uint64_t mfn = gfn_to_mfn(gfn);

        if (mfn % 512)
            continue;
        snprintf((char *)gfn_to_va(gfn), 32, SECRET "%lx\n",
                 (unsigned long)mfn);
        n++;
    }
    test_check(n > 0, "dom0 planted %u secrets", n);
}

static void attacker(void)
{
    const uint64_t l4_mfn = va_to_mfn(start_info.pt_base_va);
    const uint64_t ma = (l4_mfn << 12) + SLOT * 8;
    uint64_t t0 = system_time_ns();
    unsigned int leaks = 0;

    /* Let dom0 plant first. */
    while (system_time_ns() - t0 < 200000000ULL)
        hc_sched_op(SCHED_yield, 0);
    if (!test_expect_eq(mmu_update_one(ma, pte_of_mfn(l4_mfn, PTE_GUEST_RO)), 0,
                        "a read-only recursive L4 entry"))
        return;
    for (uint64_t y = 0; y < RAM_2M; y++) {
        long rc = hc_console_write((const void *)window_va(0, y), 32);

        if (rc != -CARAPACE_EFAULT) {
            printf("\nHC_console_write of machine frame %#lx: %ld\n",
                   (unsigned long)(y << 9), rc);
            leaks++;
        }
    }
    test_expect_eq(leaks, 0,
                   "HC_console_write through the window: "
                   "-EFAULT for all 64 frames");
    /* Whole structures read through the same window. */
    test_expect_eq(hc_set_trap_table((const void *)window_va(0, 1)),
                   -CARAPACE_EFAULT, "HC_set_trap_table from the window");
    test_expect_eq(hc_mmu_update((void *)window_va(0, 1), 1, NULL),
                   -CARAPACE_EFAULT, "HC_mmu_update from the window");
    test_expect_eq(mmu_update_one(ma, 0), 0, "remove the recursive entry");
}

void test_main(void)
{
    if (start_info.domid == 0)
        plant_secrets();
    watch_attack(attacker, 20000);
}
