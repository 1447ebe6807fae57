/* SPDX-License-Identifier: BSD-2-Clause */
/* Open files: ramdisk files, directories (fstat only) and the console. */
#include <string.h>

#include "conback.h"
#include "file.h"
#include "fs.h"
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

struct file *file_open(const char *path, int flags, int *err)
{
    int node = fs_lookup(path);
    const struct fs_node *n;

    if (flags & ~(3 | SYS_O_NONBLOCK) || (flags & 3) == 3) {
        *err = -SYS_EINVAL;
        return NULL;
    }
    if (node < 0) {
        *err = node;
        return NULL;
    }
    n = fs_node(node);
    if (n->mode != SYS_S_IFCHR && (flags & 3) != SYS_O_RDONLY) {
        *err = n->mode == SYS_S_IFDIR ? -SYS_EISDIR : -SYS_EROFS;
        return NULL;
    }
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
    if (f->mode != SYS_S_IFCHR || (f->flags & 3) == SYS_O_RDONLY)
        return -SYS_EBADF;
    if (f->dev >= FS_DEV_DOMCONS)
        return conback_write(f->dev - FS_DEV_DOMCONS, vm, ubuf, len);
    return tty_write(vm, ubuf, len);
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
        base = (int64_t)fs_node(f->node)->size;
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
    st->size = f->mode == SYS_S_IFREG ? fs_node(f->node)->size : 0;
    return 0;
}

int file_isatty(struct file *f)
{
    return f->mode == SYS_S_IFCHR && f->dev == FS_DEV_CONSOLE;
}
