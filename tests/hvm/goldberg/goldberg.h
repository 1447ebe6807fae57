/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the Goldberg demo kernel's runtime (goldberg.c) and its probes
 * (probes.c) share: the layout of the descriptor tables the kernel loads,
 * the probe harness and the verdicts.
 */
#ifndef GOLDBERG_H
#define GOLDBERG_H

#include <stdint.h>

#define GDT_CODE  0x08
#define GDT_DATA  0x10
#define GDT_UDATA 0x28 /* ring 3, for the ring-3 run */
#define GDT_UCODE 0x30
#define GDT_PROBE 0x38 /* a ring-0 data segment, limit 0xabcde */
#define GDT_TSS   0x40
#define GDT_LDT   0x50
#define GDT_SIZE  0x60

#define PROBE_LIMIT 0xabcdeu
#define PROBE_AR    0x00409300u /* LAR's view: D/B, P, DPL 0, data RW A */
#define PROBE_DESC  0x004a93000000bcdeULL

#define INT_VECTOR 0x81 /* the INT n probe's gate: DPL 0 */
#define GB_STUBS   23   /* boot.S: vectors 0..21, then INT_VECTOR */

#define RFLAGS_IF   (1UL << 9)
#define RFLAGS_IOPL (3UL << 12)
#define CR0_TS      (1UL << 3)
#define CR4_UMIP    (1UL << 11)

struct __attribute__((packed)) gb_dtr {
    uint16_t limit;
    uint64_t base;
};

/* What the kernel loaded into GDTR and IDTR (gb_tables_load). */
extern struct gb_dtr gb_gdtr, gb_idtr;

enum gb_verdict { GB_OK, GB_LEAK, GB_LOST, GB_TRAP, GB_VERDICTS };

/* The probe in flight: where a fault in it resumes (0: none in flight),
 * and what the fault was. Written by a probe's own asm and by gb_trap. */
extern volatile uint64_t gb_resume;
extern volatile int gb_fault_vec; /* -1: no fault */
extern volatile uint64_t gb_fault_err;
/* The INT n probe's handler: the CS its frame showed, and that it ran. */
extern volatile uint64_t gb_int_cs;
extern volatile int gb_int_seen;

/* A probe's asm: arm the resume point (label 1, at its end), run the
 * instructions, disarm. A fault inside resumes at label 1 with
 * gb_fault_vec set; a register the asm preset (a "+" operand) keeps its
 * value. Every probe clobbers r11. */
#define PROBE_BEGIN                                                            \
    "lea 1f(%%rip), %%r11\n\t"                                                 \
    "mov %%r11, gb_resume(%%rip)\n\t"
#define PROBE_END                                                              \
    "\n1:\n\t"                                                                 \
    "movq $0, gb_resume(%%rip)\n\t"

/* Before a probe: no fault seen yet. */
void gb_arm(void);
/* After it: one line, NAME OBSERVED verdict=V; a fault makes V trap. */
void gb_report(const char *name, const char *observed, enum gb_verdict v);
__attribute__((format(printf, 1, 2))) void gb_printf(const char *fmt, ...);

/* probes.c: every probe, in the order of the list. */
void gb_probes_run(void);
/* attacks.c: the shadow-MMU probes the mask names. */
#define GB_ATTACK_ALIAS        0x01
#define GB_ATTACK_CR3RACE      0x02
#define GB_ATTACK_FOREIGN      0x04
#define GB_ATTACK_FOREIGNTABLE 0x08
#define GB_ATTACK_HYPRANGE     0x10
#define GB_ATTACK_TRIPLE       0x20
#define GB_ATTACK_OUTS         0x40
#define GB_ATTACK_DR           0x80
#define GB_ATTACK_NOPAGING     0x100
void gb_attacks_run(unsigned mask);
/* boot.S: the far CALL probe's target, which returns the CS pushed. */
void gb_far_callee(void);

#endif
