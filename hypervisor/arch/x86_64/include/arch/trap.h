/* SPDX-License-Identifier: BSD-2-Clause */
/* The IDT and trap dispatch (trap.c), and stack walking (backtrace.c). */
#ifndef CARAPACE_ARCH_TRAP_H
#define CARAPACE_ARCH_TRAP_H

#define VECTOR_TIMER    0xf0
#define VECTOR_SPURIOUS 0xff
/* Not a hardware vector: marks frames built by syscall_entry. */
#define VECTOR_SYSCALL 0x100

#ifndef __ASSEMBLY__
#include <stdint.h>

#include <arch/regs.h>

void trap_init(void);
void trap_handle(struct cpu_regs *regs);

/* Print "Backtrace:" and one symbolized line per frame, starting at rip and
 * following the frame-pointer chain from rbp. */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* Return through `frame`, discarding the current stack (entry.S). */
__attribute__((noreturn)) void entry_resume(struct cpu_regs *frame);

#endif /* __ASSEMBLY__ */
#endif /* CARAPACE_ARCH_TRAP_H */
