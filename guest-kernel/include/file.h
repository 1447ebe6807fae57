/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Open files (kernel/file.c): a shared pool of reference-counted open-file
 * objects; a process's fds point into it (spawn shares fds 0-2).
 */
#ifndef GK_FILE_H
#define GK_FILE_H

#include <stdint.h>

#include "uapi/sys.h"
#include "vm.h"

struct file;

/* Returns a new open file, or NULL with *err = -SYS_E*. */
struct file *file_open(const char *path, int flags, int *err);
struct file *file_dup(struct file *f);
void file_close(struct file *f);
long file_read(struct file *f, struct vm *vm, uint64_t ubuf, uint64_t len);
long file_write(struct file *f, struct vm *vm, uint64_t ubuf, uint64_t len);
int64_t file_seek(struct file *f, int64_t off, int whence);
int file_stat(struct file *f, struct sys_stat *st);
int file_isatty(struct file *f);

#endif /* GK_FILE_H */
