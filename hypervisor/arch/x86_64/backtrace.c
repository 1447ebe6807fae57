/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Symbolized backtraces by walking the frame-pointer chain (the hypervisor
 * is built with -fno-omit-frame-pointer): each frame holds the caller's rbp
 * at [rbp] and the return address at [rbp + 8]. The walk only follows
 * frame pointers that stay inside one of the hypervisor's stacks and move
 * towards its top, so a corrupt chain ends the trace instead of faulting.
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch.h"
#include "panic.h"
#include "symbols.h"
#include <arch/cpu.h>
#include <arch/trap.h>

#define BACKTRACE_LINES  32   /* lines printed at most */
#define BACKTRACE_FRAMES 4096 /* frames walked at most (recursion) */

/* {bottom, top} pairs, defined in boot.S. */
extern const uint64_t hv_stacks[], hv_stacks_end[];

static bool backtrace_frame_ok(uint64_t rbp)
{
    const uint64_t *s;

    if (rbp & 7)
        return false;
    for (s = hv_stacks; s < hv_stacks_end; s += 2) {
        if (rbp >= s[0] && rbp + 16 <= s[1])
            return true;
    }
    return false;
}

static void backtrace_line(uint64_t addr)
{
    uint64_t off;
    const char *name = symbols_lookup(addr, &off);

    if (name)
        fatal_printf("  %016lx %s+%#lx\n", addr, name, off);
    else
        fatal_printf("  %016lx ?\n", addr);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
    uint64_t last = 0, repeats = 0;
    unsigned lines = 1;

    fatal_printf("Backtrace:\n");
    backtrace_line(rip);
    for (unsigned n = 0; n < BACKTRACE_FRAMES && lines < BACKTRACE_LINES &&
                         backtrace_frame_ok(rbp);
         n++) {
        const uint64_t *frame = (const uint64_t *)rbp;

        if (frame[1] == 0)
            break;
        /* Return addresses point after the call; -1 names the caller.
         * Deep recursion prints one line, then a count. */
        if (frame[1] == last) {
            repeats++;
        } else {
            if (repeats)
                fatal_printf("  ... the same frame %lu more times\n", repeats);
            repeats = 0;
            last = frame[1];
            backtrace_line(frame[1] - 1);
            lines++;
        }
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
    if (repeats)
        fatal_printf("  ... the same frame %lu more times\n", repeats);
}

void arch_backtrace_here(void)
{
    uint64_t rbp = read_rbp();
    const uint64_t *frame = (const uint64_t *)rbp;

    /* Start at our caller: this function itself is of no interest. */
    backtrace_print(frame[1] - 1, frame[0]);
}
