/* SPDX-License-Identifier: BSD-2-Clause */
/* x86_64 start of day (setup.c). */
#ifndef CARAPACE_ARCH_SETUP_H
#define CARAPACE_ARCH_SETUP_H

#include <stdint.h>

/* TSC value when the hypervisor's C code started. */
extern uint64_t setup_boot_tsc;

/* Called by boot.S; never returns. */
__attribute__((noreturn)) void arch_setup(void);

#endif /* CARAPACE_ARCH_SETUP_H */
