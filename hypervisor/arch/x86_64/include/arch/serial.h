/* SPDX-License-Identifier: BSD-2-Clause */
/* COM1 serial console (arch_console_write is declared in arch.h). */
#ifndef CARAPACE_ARCH_SERIAL_H
#define CARAPACE_ARCH_SERIAL_H

void serial_init(void);

#endif /* CARAPACE_ARCH_SERIAL_H */
