/* SPDX-License-Identifier: BSD-2-Clause */
/* Open files: ramdisk files, /tmp files, directories (fstat only) and the
 * consoles. */
#include <stdbool.h>
#include <string.h>

#include "conback.h"
#include "file.h"
#include "fs.h"
#include "tmpfs.h"
#include "tty.h"
#include "uapi/sys.h"

#define FILE_MAX (SYS_PROC_MAX * SYS_FD_MAX)

struct file {
    int refs; /* 0: free */
    int node;
    uint32_t mode;
    uint32_t dev;
    int flags;
    uint64_t off;
};

static struct file file_pool[FILE_MAX];

#define FILE_O_FLAGS                                                           \
    (3 | SYS_O_NONBLOCK | SYS_O_APPEND | SYS_O_CREAT | SYS_O_TRUNC)

static bool file_is_tmp(const struct fs_node *n)
{
    return n->mode == SYS_S_IFREG && n->dev >= FS_DEV_TMP;
}

/* O_CREAT of a path that does not exist: only directly in /tmp. */
static int file_create(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[SYS_NAME_MAX];
    size_t len = slash ? (size_t)(slash - path) : 0;
    int d;

    if (!slash || len >= sizeof(dir))
        return -SYS_EROFS;
    memcpy(dir, path, len);
    dir[len] = '\0';
    d = fs_lookup(len ? dir : "/");
    if (d < 0)
        return d; /* no such directory: as for any missing path */
    if (!tmpfs_is_dir(d))
        return -SYS_EROFS;
    return tmpfs_create(slash + 1, strlen(slash + 1));
}

/* The node to open: looked up, or made in /tmp with O_CREAT; -SYS_E*. */
static int file_node(const char *path, int flags)
{
    int node = fs_lookup(path);
    const struct fs_node *n;

    if (node == -SYS_ENOENT && (flags & SYS_O_CREAT))
        node = file_create(path);
    if (node < 0)
        return node;
    n = fs_node(node);
    if ((flags & 3) != SYS_O_RDONLY && n->mode != SYS_S_IFCHR &&
        !file_is_tmp(n))
        return n->mode == SYS_S_IFDIR ? -SYS_EISDIR : -SYS_EROFS;
    if ((flags & SYS_O_TRUNC) && file_is_tmp(n) && (flags & 3) != SYS_O_RDONLY)
        tmpfs_truncate(n->dev - FS_DEV_TMP);
    return node;
}

struct file *file_open(const char *path, int flags, int *err)
{
    const struct fs_node *n;
    int node;

    if (flags & ~FILE_O_FLAGS || (flags & 3) == 3) {
        *err = -SYS_EINVAL;
        return NULL;
    }
    node = file_node(path, flags);
    if (node < 0) {
        *err = node;
        return NULL;
    }
    n = fs_node(node);
    for (int i = 0; i < FILE_MAX; i++) {
        struct file *f = &file_pool[i];

        if (f->refs)
            continue;
        *f = (struct file){.refs = 1,
                           .node = node,
                           .mode = n->mode,
                           .dev = n->dev,
                           .flags = flags};
        return f;
    }
    *err = -SYS_EMFILE;
    return NULL;
}

struct file *file_dup(struct file *f)
{
    if (f)
        f->refs++;
    return f;
}

void file_close(struct file *f)
{
    if (f && f->refs > 0)
        f->refs--;
}

long file_read(struct file *f, struct vm *vm, uint64_t ubuf, uint64_t len)
{
    const struct fs_node *n = fs_node(f->node);
    uint64_t count;

    if ((f->flags & 3) == SYS_O_WRONLY)
        return -SYS_EBADF;
    if (f->mode == SYS_S_IFCHR && f->dev >= FS_DEV_DOMCONS)
        return conback_read(f->dev - FS_DEV_DOMCONS, &f->off, f->flags, vm,
                            ubuf, len);
    if (f->mode == SYS_S_IFCHR)
        return tty_read(vm, ubuf, len);
    if (f->mode == SYS_S_IFDIR)
        return -SYS_EISDIR;
    if (file_is_tmp(n)) {
        long r = tmpfs_read(f->dev - FS_DEV_TMP, f->off, vm, ubuf, len);

        if (r > 0)
            f->off += (uint64_t)r;
        return r;
    }
    if (f->off >= n->size)
        return 0;
    count = n->size - f->off < len ? n->size - f->off : len;
    if (vm_copy_out(vm, ubuf, (const char *)n->data + f->off, count))
        return -SYS_EFAULT;
    f->off += count;
    return (long)count;
}

long file_write(struct file *f, struct vm *vm, uint64_t ubuf, uint64_t len)
{
    long r;

    if ((f->flags & 3) == SYS_O_RDONLY)
        return -SYS_EBADF;
    if (f->mode == SYS_S_IFCHR && f->dev >= FS_DEV_DOMCONS)
        return conback_write(f->dev - FS_DEV_DOMCONS, vm, ubuf, len);
    if (f->mode == SYS_S_IFCHR)
        return tty_write(vm, ubuf, len);
    if (!file_is_tmp(fs_node(f->node)))
        return -SYS_EBADF;
    if (f->flags & SYS_O_APPEND)
        f->off = tmpfs_size(f->dev - FS_DEV_TMP);
    r = tmpfs_write(f->dev - FS_DEV_TMP, f->off, vm, ubuf, len);
    if (r > 0)
        f->off += (uint64_t)r;
    return r;
}

/* The size of the file behind f: a ramdisk file's, or a /tmp file's now. */
static uint64_t file_size(const struct file *f)
{
    const struct fs_node *n = fs_node(f->node);

    return file_is_tmp(n) ? tmpfs_size(n->dev - FS_DEV_TMP) : n->size;
}

int64_t file_seek(struct file *f, int64_t off, int whence)
{
    int64_t base;

    if (f->mode == SYS_S_IFCHR)
        return -SYS_ESPIPE;
    switch (whence) {
    case 0: /* SEEK_SET */
        base = 0;
        break;
    case 1: /* SEEK_CUR */
        base = (int64_t)f->off;
        break;
    case 2: /* SEEK_END */
        base = (int64_t)file_size(f);
        break;
    default:
        return -SYS_EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -SYS_EINVAL;
    f->off = (uint64_t)(base + off);
    return (int64_t)f->off;
}

int file_stat(struct file *f, struct sys_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->mode = f->mode;
    st->size = f->mode == SYS_S_IFREG ? file_size(f) : 0;
    return 0;
}

int file_isatty(struct file *f)
{
    return f->mode == SYS_S_IFCHR && f->dev == FS_DEV_CONSOLE;
}
