/* SPDX-License-Identifier: BSD-2-Clause */
/* Generic start of day (main.c). */
#ifndef CARAPACE_MAIN_H
#define CARAPACE_MAIN_H

#define CARAPACE_VERSION       "0.1"
#define CARAPACE_VERSION_MAJOR 0
#define CARAPACE_VERSION_MINOR 1

/* Entered by the architecture once it can report faults, with the boot
 * information device tree (bootinfo.h). Never returns. */
__attribute__((noreturn)) void start_of_day(const void *fdt);

/* The boot information tree start_of_day() was given (NULL before). */
const void *main_bootinfo(void);

#endif /* CARAPACE_MAIN_H */
