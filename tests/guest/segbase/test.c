/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_set_segment_base sets the FS and kernel GS bases the guest then uses,
 * and refuses an unknown selector and bases outside the guest's half of the
 * address space, leaving the current bases alone.
 */
#include <libfdt.h>

#include "guest.h"

const char test_title[] = "segbase: HC_set_segment_base";

static uint64_t fs_buf[4] = {0xf5f5000000000000, 0xf5f5000000000001,
                             0xf5f5000000000002, 0xf5f5000000000003};
static uint64_t gs_buf[4] = {0x6565000000000000, 0x6565000000000001,
                             0x6565000000000002, 0x6565000000000003};

static uint64_t read_fs8(void)
{
    uint64_t v;

    asm volatile("mov %%fs:8, %0" : "=r"(v));
    return v;
}

static uint64_t read_gs8(void)
{
    uint64_t v;

    asm volatile("mov %%gs:8, %0" : "=r"(v));
    return v;
}

static uint64_t read_fs_canary(void)
{
    uint64_t v;

    asm volatile("mov %%fs:0x28, %0" : "=r"(v));
    return v;
}

static void refused(uint64_t which, uint64_t base, const char *what)
{
    test_expect_eq(hc_set_segment_base(which, base), -CARAPACE_EINVAL, what);
}

void test_main(void)
{
    const uint64_t canary = guest_tls[GUEST_TLS_CANARY_OFFSET / 8];
    int len = 0;
    const fdt32_t *domid;

    test_expect_eq(hc_set_segment_base(SEGBASE_FS, (uint64_t)fs_buf), 0,
                   "set_segment_base(FS, buffer)");
    test_expect_eq(read_fs8(), fs_buf[1], "%fs:8 reads buffer[1]");
    test_expect_eq(guest_tls_install(), 0, "FS back to the TLS block");
    test_expect_eq(read_fs_canary(), canary, "%fs:0x28 is the canary again");

    test_expect_eq(hc_set_segment_base(SEGBASE_GS_KERNEL, (uint64_t)gs_buf), 0,
                   "set_segment_base(GS_KERNEL, buffer)");
    test_expect_eq(read_gs8(), gs_buf[1], "%gs:8 reads buffer[1]");
    test_expect_eq(hc_set_segment_base(SEGBASE_GS_USER, (uint64_t)fs_buf), 0,
                   "set_segment_base(GS_USER, buffer)");
    test_expect_eq(read_gs8(), gs_buf[1],
                   "%gs:8 in kernel mode still reads the kernel GS buffer");

    refused(3, (uint64_t)fs_buf, "set_segment_base(which 3)");
    refused(~0ULL, (uint64_t)fs_buf, "set_segment_base(which 2^64 - 1)");
    refused(SEGBASE_FS, HYP_VA_EXAMPLE, "FS base in the hypervisor half");
    refused(SEGBASE_FS, GUEST_VA_END, "FS base 0x0000800000000000");
    refused(SEGBASE_GS_KERNEL, HYP_VA_EXAMPLE,
            "GS_KERNEL base in the hypervisor half");
    refused(SEGBASE_GS_KERNEL, GUEST_VA_END,
            "GS_KERNEL base 0x0000800000000000");
    refused(SEGBASE_GS_USER, HYP_VA_EXAMPLE,
            "GS_USER base in the hypervisor half");
    refused(SEGBASE_GS_USER, 0x8000000000000000ULL,
            "GS_USER base 0x8000000000000000");

    /* The refused calls changed nothing. */
    test_expect_eq(read_fs_canary(), canary, "%fs:0x28 after the refusals");
    test_expect_eq(read_gs8(), gs_buf[1], "%gs:8 after the refusals");
    domid = fdt_getprop(start_info.fdt, 0, CARAPACE_SI_DOMID, &len);
    test_check(domid && len == 4 && fdt32_to_cpu(*domid) == 0,
               "libfdt still reads the start info (domain-id)");
    test_expect_eq(start_info_read(start_info.fdt, &start_info), 0,
                   "start info read again, every property");
}
