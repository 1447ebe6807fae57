/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * /tmp (kernel/tmpfs.c): the one writable directory, in memory. Its files
 * are fs nodes of type SYS_S_IFREG whose dev is FS_DEV_TMP + their slot;
 * their pages come from the frame allocator as they are written and go
 * back on truncation. Files are never removed (there is no unlink): at
 * most TMPFS_FILES of them, TMPFS_PAGES pages each, for configurations and
 * small outputs, not for data.
 */
#ifndef GK_TMPFS_H
#define GK_TMPFS_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

#define TMPFS_FILES 32
#define TMPFS_PAGES 16 /* 64 KiB a file */

/* Make /tmp (after the ramdisk, which may not have one). 0 or -SYS_E*. */
int tmpfs_init(void);
/* A new empty file /tmp/NAME (name[0..len), no '/'): its fs node, or
 * -SYS_ENOSPC (no slot or node left), -SYS_ENAMETOOLONG, -SYS_EINVAL. */
int tmpfs_create(const char *name, size_t len);
/* Is directory node dir /tmp? */
int tmpfs_is_dir(int dir);
uint64_t tmpfs_size(uint32_t slot);
long tmpfs_read(uint32_t slot, uint64_t off, struct vm *vm, uint64_t ubuf,
                uint64_t len);
/* -SYS_EFBIG past TMPFS_PAGES pages, -SYS_ENOSPC out of frames, after
 * what fitted (then the count of what was written). */
long tmpfs_write(uint32_t slot, uint64_t off, struct vm *vm, uint64_t ubuf,
                 uint64_t len);
void tmpfs_truncate(uint32_t slot);

#endif /* GK_TMPFS_H */
