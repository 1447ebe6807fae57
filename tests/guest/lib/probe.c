/* SPDX-License-Identifier: BSD-2-Clause */
/* Probing single instructions that must fault (guest.h, PROBE_ASM). */
#include "guest.h"

volatile uint64_t probe_at, probe_end;
volatile unsigned int probe_traps;
struct trap_frame probe_last;

void probe_record(struct trap_frame *f)
{
    probe_traps++;
    probe_last = *f;
    f->rip = probe_end; /* resume after the probed instruction */
}

bool probe_expect(const char *name, uint64_t vector, uint64_t error_code,
                  unsigned int len)
{
    static unsigned int seen;
    unsigned int n = probe_traps - seen;
    bool ok;

    seen = probe_traps;
    printf("  %s: %u trap(s), vector %lu, error code %#lx\n", name, n,
           (unsigned long)probe_last.vector,
           (unsigned long)probe_last.error_code);
    ok = test_check(
        n == 1 && probe_last.vector == vector &&
            (error_code == PROBE_ANY || probe_last.error_code == error_code) &&
            probe_last.rip == probe_at,
        "%s: one trap, vector %lu at the instruction", name,
        (unsigned long)vector);
    if (ok && len)
        ok = test_expect_eq(probe_end - probe_at, len, "  its length");
    return ok;
}
