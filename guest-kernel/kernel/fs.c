/* SPDX-License-Identifier: BSD-2-Clause */
/* The ramdisk filesystem; see fs.h. Lookups scan the node table: the
 * ramdisk holds tens of files, so a linear scan is the simple choice. */
#include <stdbool.h>
#include <string.h>

#include "cpio.h"
#include "fs.h"
#include "print.h"

static struct fs_node fs_nodes[FS_NODES_MAX];
static int fs_count;

const struct fs_node *fs_node(int n)
{
    return n >= 0 && n < fs_count ? &fs_nodes[n] : NULL;
}

static int fs_child(int dir, const char *name, size_t len)
{
    for (int i = 1; i < fs_count; i++) {
        const struct fs_node *n = &fs_nodes[i];

        if (n->parent == dir && n->name_len == len &&
            memcmp(n->name, name, len) == 0)
            return i;
    }
    return -1;
}

static int fs_add(int dir, const char *name, size_t len, uint32_t mode)
{
    int n = fs_child(dir, name, len);

    if (n >= 0)
        return n;
    if (fs_count == FS_NODES_MAX)
        return -1;
    fs_nodes[fs_count] = (struct fs_node){
        .name = name, .name_len = (uint32_t)len, .mode = mode, .parent = dir};
    return fs_count++;
}

/* Adds every directory of path, then its last component. */
static int fs_add_path(const char *path, size_t len, uint32_t mode)
{
    int dir = 0;

    while (len) {
        const char *slash = memchr(path, '/', len);
        size_t part = slash ? (size_t)(slash - path) : len;
        bool last = part == len;

        if (part && !(part == 1 && path[0] == '.')) {
            dir = fs_add(dir, path, part, last ? mode : SYS_S_IFDIR);
            if (dir < 0)
                return -1;
            if (!last && fs_nodes[dir].mode != SYS_S_IFDIR)
                return -1; /* a file used as a directory */
        }
        path += last ? part : part + 1;
        len -= last ? part : part + 1;
    }
    return dir;
}

static int fs_add_entry(const struct cpio_entry *e)
{
    uint32_t type = e->mode & CPIO_MODE_TYPE;
    int n;

    if (type != CPIO_MODE_DIR && type != CPIO_MODE_REG)
        return 0; /* symlinks, devices: not supported, skipped */
    n = fs_add_path(e->name, e->name_len,
                    type == CPIO_MODE_DIR ? SYS_S_IFDIR : SYS_S_IFREG);
    if (n < 0) {
        kprintf("kernel: ramdisk: cannot add '%s'\n", e->name);
        return 0;
    }
    if (n == 0 || fs_nodes[n].mode != SYS_S_IFREG)
        return 0;
    fs_nodes[n].data = e->data;
    fs_nodes[n].size = e->size;
    return 1;
}

int fs_init(const void *archive, size_t size)
{
    struct cpio c;
    struct cpio_entry e;
    int rc, files = 0;

    fs_nodes[0] = (struct fs_node){.name = "", .mode = SYS_S_IFDIR};
    fs_count = 1;
    fs_add_path("dev/console", 11, SYS_S_IFCHR);
    if (!archive)
        return 0;
    cpio_init(&c, archive, size);
    while ((rc = cpio_next(&c, &e)) > 0)
        files += fs_add_entry(&e);
    return rc < 0 ? rc : files;
}

int fs_mknod(int dir, const char *name, size_t len, uint32_t mode, uint32_t dev)
{
    int n;

    if (dir < 0 || dir >= fs_count || fs_nodes[dir].mode != SYS_S_IFDIR)
        return -SYS_ENOTDIR;
    n = fs_add(dir, name, len, mode);
    if (n < 0)
        return -SYS_ENOSPC;
    if (fs_nodes[n].mode != mode)
        return -SYS_EEXIST;
    fs_nodes[n].dev = dev;
    return n;
}

void fs_node_set(int n, const char *name, size_t len, uint32_t dev)
{
    if (n < 0 || n >= fs_count)
        return;
    fs_nodes[n].name = name;
    fs_nodes[n].name_len = (uint32_t)len;
    fs_nodes[n].dev = dev;
}

int fs_lookup(const char *path)
{
    int node = 0;

    while (*path) {
        const char *end = strchr(path, '/');
        size_t len = end ? (size_t)(end - path) : strlen(path);

        if (len == 0 || (len == 1 && path[0] == '.')) {
            /* "//" and "/./" stay where they are */
        } else if (len == 2 && path[0] == '.' && path[1] == '.') {
            node = fs_nodes[node].parent;
        } else {
            if (fs_nodes[node].mode != SYS_S_IFDIR)
                return -SYS_ENOTDIR;
            node = fs_child(node, path, len);
            if (node < 0)
                return -SYS_ENOENT;
        }
        path += end ? len + 1 : len;
    }
    return node;
}

long fs_path(int n, char *buf, size_t len)
{
    size_t at = len;

    if (len < 2)
        return -SYS_ENAMETOOLONG;
    buf[--at] = '\0';
    for (; n > 0; n = fs_nodes[n].parent) {
        const struct fs_node *f = &fs_nodes[n];

        if (at < f->name_len + 1)
            return -SYS_ENAMETOOLONG;
        at -= f->name_len;
        memcpy(buf + at, f->name, f->name_len);
        buf[--at] = '/';
    }
    if (at == len - 1)
        buf[--at] = '/'; /* the root itself */
    memmove(buf, buf + at, len - at);
    return (long)(len - at - 1);
}

int fs_readdir(const char *path, uint64_t index, struct sys_dirent *out)
{
    int dir = fs_lookup(path);

    if (dir < 0)
        return dir;
    if (fs_nodes[dir].mode != SYS_S_IFDIR)
        return -SYS_ENOTDIR;
    for (int i = 1; i < fs_count; i++) {
        const struct fs_node *n = &fs_nodes[i];
        size_t len;

        if (n->parent != dir || index-- != 0)
            continue;
        memset(out, 0, sizeof(*out));
        out->mode = n->mode;
        out->size = n->size;
        len = n->name_len < SYS_NAME_MAX - 1 ? n->name_len : SYS_NAME_MAX - 1;
        memcpy(out->name, n->name, len);
        return 1;
    }
    return 0;
}
