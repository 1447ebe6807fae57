/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_console_write checks its buffer: the length limit, and every byte of
 * the buffer must be mapped guest memory in the lower canonical half.
 */
#include <string.h>

#include "guest.h"

const char test_title[] = "console: HC_console_write arguments";

static char max_buf[CONSOLE_WRITE_MAX + 1];

void test_main(void)
{
    static const char msg[] = "console: this line is written by one call\n";
    uint64_t map_end = gfn_to_va(start_info.nr_frames);

    console_flush();
    test_expect_eq(hc_console_write(msg, sizeof(msg) - 1), sizeof(msg) - 1,
                   "HC_console_write(43 bytes) returns the length");
    test_expect_eq(hc_console_write(msg, 0), 0, "length 0");

    /* Exactly the limit: 64 lines of 64 bytes. */
    for (unsigned int i = 0; i < CONSOLE_WRITE_MAX; i++)
        max_buf[i] = (i % 64 == 63) ? '\n' : '.';
    max_buf[CONSOLE_WRITE_MAX] = '!';
    test_expect_eq(hc_console_write(max_buf, CONSOLE_WRITE_MAX),
                   CONSOLE_WRITE_MAX, "length CONSOLE_WRITE_MAX (4096)");
    test_expect_eq(hc_console_write(max_buf, CONSOLE_WRITE_MAX + 1),
                   -CARAPACE_E2BIG, "length CONSOLE_WRITE_MAX + 1");
    test_expect_eq(hc_console_write(max_buf, ~0ULL), -CARAPACE_E2BIG,
                   "length 2^64 - 1");

    test_expect_eq(hc_console_write((void *)0x1000, 10), -CARAPACE_EFAULT,
                   "unmapped buffer 0x1000");
    test_expect_eq(hc_console_write((void *)0, 10), -CARAPACE_EFAULT,
                   "NULL buffer");
    test_expect_eq(hc_console_write((void *)HYP_VA_EXAMPLE, 10),
                   -CARAPACE_EFAULT,
                   "hypervisor direct map 0xffff810000000000");
    test_expect_eq(hc_console_write((void *)0xffffffff80100000ULL, 10),
                   -CARAPACE_EFAULT, "hypervisor image 0xffffffff80100000");
    test_expect_eq(hc_console_write((void *)GUEST_VA_END, 10), -CARAPACE_EFAULT,
                   "non-canonical 0x0000800000000000");
    test_expect_eq(hc_console_write((void *)0x8000000000000000ULL, 10),
                   -CARAPACE_EFAULT, "non-canonical 0x8000000000000000");
    test_expect_eq(hc_console_write((void *)(GUEST_VA_END - 10), 100),
                   -CARAPACE_EFAULT, "buffer running off the lower half");
    test_expect_eq(hc_console_write((void *)0xfffffffffffffff0ULL, 0x20),
                   -CARAPACE_EFAULT, "buffer wrapping around 2^64");
    printf("domain mapping ends at %#lx\n", (unsigned long)map_end);
    test_expect_eq(hc_console_write((void *)(map_end - 10), 100),
                   -CARAPACE_EFAULT,
                   "buffer from the last 10 mapped bytes into unmapped memory");

    /* Still alive, and still writing. */
    test_expect_eq(hc_console_write("console: after the errors\n", 26), 26,
                   "a good write after the refused ones");
}
