/* SPDX-License-Identifier: BSD-2-Clause */
/* Loading a static ELF64 x86-64 program into a user address space
 * (kernel/loader.c, on lib/elf.c's parser). */
#ifndef GK_LOADER_H
#define GK_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

/* Returns 0 and the entry point, or -SYS_ENOEXEC (not a program we can
 * run) or -SYS_ENOMEM. Sets vm's heap start past the image. */
int loader_load(struct vm *vm, const void *image, size_t size, uint64_t *entry);

#endif /* GK_LOADER_H */
