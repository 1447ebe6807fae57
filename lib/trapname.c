/* SPDX-License-Identifier: BSD-2-Clause */
/* Names of exception and trap-frame vectors (trapname.h). */
#include <carapace/trap.h>

#include "trapname.h"

static const char *const trapname_x86[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range exceeded",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor segment overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack-segment fault",
    "#GP general protection",
    "#PF page fault",
    "vector 15 (reserved)",
    "#MF x87 floating-point",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD floating-point",
    "#VE virtualization",
    "#CP control protection",
    [28] = "#HV hypervisor injection",
    [29] = "#VC VMM communication",
    [30] = "#SX security",
};

const char *trapname(uint64_t vector)
{
    if (vector == TRAP_VECTOR_EVENT)
        return "event upcall";
    if (vector == TRAP_VECTOR_SYSCALL)
        return "syscall";
    if (vector == TRAP_VECTOR_FAILSAFE)
        return "failsafe callback";
    if (vector < 32 && trapname_x86[vector])
        return trapname_x86[vector];
    return "exception";
}
