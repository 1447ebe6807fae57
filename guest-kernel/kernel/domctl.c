/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SYS_domctl: HC_domctl for dom0's processes (the toolstack). The kernel
 * root does not map user memory, so the hypervisor is never given a user
 * pointer: each command's struct is copied into the kernel, a command
 * with a data buffer (getp2m, readlog) has its data bounced through
 * domctl_buf (one call's worth: the ABI's own per-call limits), and the
 * results are copied back. write_memory bounces nothing: the process's
 * pages go to the hypervisor as DOMCTL_copy segments, named by their
 * frames (the command itself is not offered to processes, which could
 * name the kernel's frames with it). Unknown commands get -SYS_ENOSYS
 * without reaching the hypervisor; a domU's calls do reach it, and it
 * answers -EPERM (-SYS_EPERM).
 *
 * The toolstack's shutdown requests to a domU (VIRQ_SHUTDOWN, with the
 * reason in shared info) end here too: a message, then the domain stops
 * with that reason.
 */
#include <string.h>

#include <carapace/domctl.h>
#include <carapace/sched.h>

#include "arch.h"
#include "conback.h"
#include "console.h"
#include "domctl.h"
#include "print.h"
#include "proc.h"
#include "uapi/sys.h"

#define DOMCTL_BUF (DOMCTL_WRITE_MAX)

_Static_assert(DOMCTL_P2M_MAX * 8 <= DOMCTL_BUF, "p2m bounce");
_Static_assert(DOMCTL_COPY_MAX * sizeof(struct domctl_copy_seg) <= DOMCTL_BUF,
               "copy segments");
_Static_assert(ARCH_SHUTDOWN_POWEROFF == SHUTDOWN_poweroff &&
                   ARCH_SHUTDOWN_REBOOT == SHUTDOWN_reboot,
               "shutdown reasons");

static bool domctl_dom0;
static uint8_t domctl_buf[DOMCTL_BUF] __attribute__((aligned(4096)));

void domctl_init(bool dom0)
{
    domctl_dom0 = dom0;
}

bool domctl_is_dom0(void)
{
    return domctl_dom0;
}

/* The size of cmd's struct (0: arg is a value), or -1: unknown. */
static long domctl_arg_size(uint64_t cmd)
{
    switch (cmd) {
    case DOMCTL_getdomaininfo:
        return sizeof(struct domctl_domaininfo);
    case DOMCTL_createdomain:
        return sizeof(struct domctl_createdomain);
    case DOMCTL_populate:
    case DOMCTL_release:
    case DOMCTL_set_max_mem:
        return sizeof(struct domctl_memory);
    case DOMCTL_getp2m:
        return sizeof(struct domctl_p2m);
    case DOMCTL_write_memory:
        return sizeof(struct domctl_write);
    case DOMCTL_console_setup:
        return sizeof(struct domctl_console);
    case DOMCTL_setvcpucontext:
        return sizeof(struct domctl_vcpucontext);
    case DOMCTL_pause:
    case DOMCTL_unpause:
    case DOMCTL_destroy:
        return 0;
    case DOMCTL_shutdown:
        return sizeof(struct domctl_shutdown);
    case DOMCTL_physinfo:
        return sizeof(struct domctl_physinfo);
    case DOMCTL_readlog:
        return sizeof(struct domctl_readlog);
    default:
        return -1;
    }
}

static long domctl_getp2m(struct proc *p, struct domctl_p2m *a)
{
    uint64_t ubuf = a->buf;
    long rc;

    if (a->count > DOMCTL_P2M_MAX)
        return -SYS_E2BIG;
    if (a->count && !vm_range_ok(ubuf, a->count * 8))
        return -SYS_EFAULT;
    a->buf = (uint64_t)domctl_buf;
    rc = arch_domctl(DOMCTL_getp2m, (uint64_t)a);
    a->buf = ubuf;
    if (rc == 0 && vm_copy_out(&p->vm, ubuf, domctl_buf, a->count * 8))
        return -SYS_EFAULT;
    return rc;
}

/* Add the piece of a write at done to the segment list; false if its
 * user page cannot be read. */
static bool domctl_write_seg(struct proc *p, const struct domctl_write *a,
                             struct domctl_copy_seg *seg, uint64_t *done)
{
    uint64_t src = a->buf + *done, gpa = a->gpa + *done;
    uint64_t n = ARCH_PAGE_SIZE - (src & (ARCH_PAGE_SIZE - 1));
    uint64_t room = ARCH_PAGE_SIZE - (gpa & (ARCH_PAGE_SIZE - 1));
    uint32_t gfn = vm_user_gfn(&p->vm, src, false);

    n = n < room ? n : room;
    n = n < a->len - *done ? n : a->len - *done;
    if (!gfn)
        return false;
    *seg = (struct domctl_copy_seg){.src_gfn = gfn,
                                    .dst_gpa = gpa,
                                    .src_off = src & (ARCH_PAGE_SIZE - 1),
                                    .len = (uint32_t)n};
    *done += n;
    return true;
}

static long domctl_write(struct proc *p, struct domctl_write *a)
{
    struct domctl_copy_seg *seg = (struct domctl_copy_seg *)domctl_buf;
    struct domctl_copy c = {.domid = a->domid, .segs = (uint64_t)seg};
    uint64_t done = 0;
    long rc;

    if (a->len > SYS_DOMCTL_WRITE_MAX)
        return -SYS_E2BIG;
    if (a->pad || a->gpa + a->len < a->gpa)
        return -SYS_EINVAL;
    if (a->len == 0) /* still says whether the domain can be written */
        return arch_domctl(DOMCTL_copy, (uint64_t)&c);
    while (done < a->len) {
        if (!domctl_write_seg(p, a, &seg[c.count++], &done))
            return -SYS_EFAULT;
        if (c.count < DOMCTL_COPY_MAX && done < a->len)
            continue;
        rc = arch_domctl(DOMCTL_copy, (uint64_t)&c);
        if (rc)
            return rc;
        c.count = 0;
    }
    return 0;
}

static long domctl_readlog(struct proc *p, struct domctl_readlog *a)
{
    uint64_t ubuf = a->buf;
    long rc;

    if (a->len > DOMCTL_BUF)
        a->len = DOMCTL_BUF; /* a short read: the caller reads on */
    if (a->len && !vm_range_ok(ubuf, a->len))
        return -SYS_EFAULT;
    a->buf = (uint64_t)domctl_buf;
    rc = arch_domctl(DOMCTL_readlog, (uint64_t)a);
    a->buf = ubuf;
    if (rc == 0 && a->len > DOMCTL_BUF)
        return -SYS_EIO; /* the hypervisor wrote more than it was given */
    if (rc == 0 && vm_copy_out(&p->vm, ubuf, domctl_buf, a->len))
        return -SYS_EFAULT;
    return rc;
}

long domctl_syscall(struct proc *p, uint64_t cmd, uint64_t uarg)
{
    /* SYS_DOMCTL_CONSOLE_LATER: the kernel's flag, not the hypervisor's. */
    const bool console_later = (cmd & SYS_DOMCTL_CONSOLE_LATER) != 0;
    union {
        struct domctl_domaininfo info;
        struct domctl_createdomain create;
        struct domctl_memory mem;
        struct domctl_p2m p2m;
        struct domctl_write write;
        struct domctl_console console;
        struct domctl_vcpucontext ctx;
        struct domctl_shutdown shutdown;
        struct domctl_physinfo phys;
        struct domctl_readlog log;
    } a;
    long size, rc;

    cmd &= ~(uint64_t)SYS_DOMCTL_CONSOLE_LATER;
    size = domctl_arg_size(cmd);

    /* A domU's call goes to the hypervisor too: it is the one that says
     * -EPERM (and a test in a domU checks that it does). */
    if (size < 0)
        return -SYS_ENOSYS;
    if (size == 0)
        return arch_domctl(cmd, uarg); /* a domain id, by value */
    if (vm_copy_in(&p->vm, &a, uarg, (size_t)size))
        return -SYS_EFAULT;
    switch (cmd) {
    case DOMCTL_getp2m:
        rc = domctl_getp2m(p, &a.p2m);
        break;
    case DOMCTL_write_memory:
        rc = domctl_write(p, &a.write);
        break;
    case DOMCTL_readlog:
        rc = domctl_readlog(p, &a.log);
        break;
    default:
        rc = arch_domctl(cmd, (uint64_t)&a);
    }
    /* Serve the new console now, or refuse the domain while it is still
     * being built (the toolstack then destroys it); with
     * SYS_DOMCTL_CONSOLE_LATER, only when first attached (SYS_domcons). */
    if (cmd == DOMCTL_console_setup && rc == 0 && domctl_dom0 && !console_later)
        rc = conback_setup(a.console.domid);
    /* Out fields (and what the hypervisor left of the in fields). */
    if (vm_copy_out(&p->vm, uarg, &a, (size_t)size))
        return -SYS_EFAULT;
    return rc;
}

void domctl_shutdown_check(void)
{
    uint32_t req = arch_shutdown_request();

    if (domctl_dom0 || req == 0)
        return;
    req--;
    kprintf("kernel: the toolstack asks for a %s: shutting down\n",
            req == ARCH_SHUTDOWN_REBOOT ? "reboot" : "poweroff");
    console_flush();
    arch_shutdown(req == ARCH_SHUTDOWN_REBOOT ? ARCH_SHUTDOWN_REBOOT
                                              : ARCH_SHUTDOWN_POWEROFF);
}
