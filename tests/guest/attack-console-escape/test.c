/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A domU's console output reaches the operator's terminal: escape
 * sequences in it could clear the screen, move the cursor, retitle the
 * window, or rewrite a line to look like dom0's. The hypervisor shows its
 * control characters as ^X instead (newline and tab pass). The domU
 * writes a few; test.cfg checks what the log shows. The same image runs as
 * dom0 (which watches) and as the domU (boot.dts).
 */
#include "guest.h"

const char test_title[] = "attack-console-escape: a domU's control "
                          "characters reach the terminal escaped";

static void attacker(void)
{
    static const char clear[] = "clear: \x1b[2J\x1b[H|\n";
    static const char forge[] = "forge: \rDomain 0 (dom0): poweroff\n";
    static const char title[] = "title: \x1b]0;owned\x07|\n";
    static const char misc[] = "misc: \b\x7f\x01\tend|\n";

    test_expect_eq(hc_console_write(clear, sizeof(clear) - 1),
                   sizeof(clear) - 1, "write a screen clear");
    test_expect_eq(hc_console_write(forge, sizeof(forge) - 1),
                   sizeof(forge) - 1, "write a carriage return forgery");
    test_expect_eq(hc_console_write(title, sizeof(title) - 1),
                   sizeof(title) - 1, "write a window title");
    test_expect_eq(hc_console_write(misc, sizeof(misc) - 1), sizeof(misc) - 1,
                   "write backspace, DEL, ^A and a tab");
}

void test_main(void)
{
    watch_attack(attacker, 10000);
}
