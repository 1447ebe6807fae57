/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The root filesystem (kernel/fs.c): a read-only tree built at boot from
 * the cpio ramdisk, plus /dev/console and the writable /tmp (tmpfs.h).
 * Directories need no records in the archive: they are derived from the paths.
 * Nodes are numbered; 0 is /.
 */
#ifndef GK_FS_H
#define GK_FS_H

#include <stddef.h>
#include <stdint.h>

#include "uapi/sys.h"

#define FS_NODES_MAX 1536 /* the ramdisk, and 2 per /dev/dom/N */

struct fs_node {
    const char *name; /* the last component, not NUL-terminated */
    uint32_t name_len;
    uint32_t mode; /* SYS_S_IF* */
    int parent;
    const void *data;
    uint64_t size;
    uint32_t dev; /* character devices: FS_DEV_* */
};

#define FS_DEV_CONSOLE 0       /* /dev/console: the tty */
#define FS_DEV_DOMCONS 0x100   /* + domid: /dev/dom/N/console (dom0) */
#define FS_DEV_TMP     0x10000 /* + slot: a regular file of /tmp (tmpfs.c) */

/* Returns the number of regular files, or a negative cpio error. */
int fs_init(const void *cpio, size_t size);
/* Node number of an absolute (or root-relative) path, or -SYS_E*. */
int fs_lookup(const char *path);
const struct fs_node *fs_node(int n);
/* Adds name (kept by pointer: stable storage) under directory node dir:
 * the new (or existing) node, or -SYS_ENOSPC / -SYS_ENOTDIR. */
int fs_mknod(int dir, const char *name, size_t len, uint32_t mode,
             uint32_t dev);
/* Renames node n (name kept by pointer) and sets its device number: the
 * console back end gives a slot's /dev/dom/N nodes to the next domain. */
void fs_node_set(int n, const char *name, size_t len, uint32_t dev);
/* The absolute path of node n into buf[0..len), NUL-terminated: its
 * length, or -SYS_ENAMETOOLONG. */
long fs_path(int n, char *buf, size_t len);
/* The index-th entry of directory path: 1, 0 past the end, or -SYS_E*. */
int fs_readdir(const char *path, uint64_t index, struct sys_dirent *out);

#endif /* GK_FS_H */
