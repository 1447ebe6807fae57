/* SPDX-License-Identifier: BSD-2-Clause */
/* /tmp in memory (tmpfs.h). One CPU, no preemption inside the kernel: no
 * locks. */
#include <stdbool.h>
#include <string.h>

#include "arch.h"
#include "frame.h"
#include "fs.h"
#include "tmpfs.h"
#include "uapi/sys.h"

struct tmpfs_file {
    bool used;
    char name[SYS_NAME_MAX]; /* the fs node points at it */
    uint64_t size;
    uint32_t page[TMPFS_PAGES]; /* gfns; 0: not written yet (zeroes) */
};

static struct tmpfs_file tmpfs_files[TMPFS_FILES];
static int tmpfs_dir = -1;

int tmpfs_init(void)
{
    int dir = fs_mknod(0, "tmp", 3, SYS_S_IFDIR, 0);

    if (dir < 0)
        return dir;
    tmpfs_dir = dir;
    return 0;
}

int tmpfs_is_dir(int dir)
{
    return dir >= 0 && dir == tmpfs_dir;
}

int tmpfs_create(const char *name, size_t len)
{
    if (tmpfs_dir < 0 || len == 0 || memchr(name, '/', len))
        return -SYS_EINVAL;
    if (len >= SYS_NAME_MAX)
        return -SYS_ENAMETOOLONG;
    for (uint32_t i = 0; i < TMPFS_FILES; i++) {
        struct tmpfs_file *f = &tmpfs_files[i];
        int node;

        if (f->used)
            continue;
        memcpy(f->name, name, len);
        f->name[len] = '\0';
        node = fs_mknod(tmpfs_dir, f->name, len, SYS_S_IFREG, FS_DEV_TMP + i);
        if (node < 0)
            return node;
        f->used = true;
        f->size = 0;
        return node;
    }
    return -SYS_ENOSPC;
}

uint64_t tmpfs_size(uint32_t slot)
{
    return slot < TMPFS_FILES ? tmpfs_files[slot].size : 0;
}

long tmpfs_read(uint32_t slot, uint64_t off, struct vm *vm, uint64_t ubuf,
                uint64_t len)
{
    const struct tmpfs_file *f = &tmpfs_files[slot];
    uint64_t done = 0;

    if (off >= f->size)
        return 0;
    if (len > f->size - off)
        len = f->size - off;
    while (done < len) {
        uint64_t at = off + done, in = at % ARCH_PAGE_SIZE;
        uint64_t n =
            ARCH_PAGE_SIZE - in < len - done ? ARCH_PAGE_SIZE - in : len - done;
        uint32_t gfn = f->page[at / ARCH_PAGE_SIZE];
        static const char zeroes[ARCH_PAGE_SIZE];
        const char *src = gfn ? (const char *)frame_va(gfn) + in : zeroes;

        if (vm_copy_out(vm, ubuf + done, src, n))
            return done ? (long)done : -SYS_EFAULT;
        done += n;
    }
    return (long)done;
}

long tmpfs_write(uint32_t slot, uint64_t off, struct vm *vm, uint64_t ubuf,
                 uint64_t len)
{
    struct tmpfs_file *f = &tmpfs_files[slot];
    uint64_t done = 0;

    while (done < len) {
        uint64_t at = off + done, in = at % ARCH_PAGE_SIZE;
        uint64_t n =
            ARCH_PAGE_SIZE - in < len - done ? ARCH_PAGE_SIZE - in : len - done;
        uint32_t *gfn;

        if (at / ARCH_PAGE_SIZE >= TMPFS_PAGES)
            return done ? (long)done : -SYS_EFBIG;
        gfn = &f->page[at / ARCH_PAGE_SIZE];
        if (!*gfn && !(*gfn = frame_alloc()))
            return done ? (long)done : -SYS_ENOSPC;
        if (vm_copy_in(vm, (char *)frame_va(*gfn) + in, ubuf + done, n))
            return done ? (long)done : -SYS_EFAULT;
        done += n;
        if (at + n > f->size)
            f->size = at + n;
    }
    return (long)done;
}

void tmpfs_truncate(uint32_t slot)
{
    struct tmpfs_file *f = &tmpfs_files[slot];

    for (unsigned i = 0; i < TMPFS_PAGES; i++) {
        if (f->page[i])
            frame_free(f->page[i]);
        f->page[i] = 0;
    }
    f->size = 0;
}
