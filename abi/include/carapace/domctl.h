/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Domain control: HC_domctl(uint64_t cmd, void *arg), for dom0 only (the
 * toolstack's hypercall). Any other caller gets -CARAPACE_EPERM.
 */
#ifndef CARAPACE_ABI_DOMCTL_H
#define CARAPACE_ABI_DOMCTL_H

#include <stdint.h>

#include "abi.h"

#define DOMCTL_getdomaininfo  0 /* struct domctl_domaininfo * */
#define DOMCTL_createdomain   1 /* struct domctl_createdomain * */
#define DOMCTL_populate       2 /* struct domctl_memory *: grow to nr_frames */
#define DOMCTL_release        3 /* struct domctl_memory *: shrink to nr_frames */
#define DOMCTL_getp2m         4  /* struct domctl_p2m * */
#define DOMCTL_write_memory   5  /* struct domctl_write * */
#define DOMCTL_console_setup  6  /* struct domctl_console * */
#define DOMCTL_setvcpucontext 7  /* struct domctl_vcpucontext * */
#define DOMCTL_pause          8  /* arg = domid */
#define DOMCTL_unpause        9  /* arg = domid */
#define DOMCTL_destroy        10 /* arg = domid */
#define DOMCTL_shutdown       11 /* struct domctl_shutdown * */
#define DOMCTL_physinfo       12 /* struct domctl_physinfo * */
#define DOMCTL_readlog        13 /* struct domctl_readlog * */
#define DOMCTL_set_max_mem    14 /* struct domctl_memory *: nr_frames = max */
#define DOMCTL_fault_inject   15 /* struct domctl_fault_inject * (ABI 1.7) */
#define DOMCTL_copy           16 /* struct domctl_copy * (ABI 1.9) */

#define DOMCTL_NAME_MAX 32 /* with the NUL */

/* Domain states as getdomaininfo reports them (xl's letters r b p s c d). */
#define DOMCTL_STATE_RUNNING  0
#define DOMCTL_STATE_BLOCKED  1
#define DOMCTL_STATE_PAUSED   2
#define DOMCTL_STATE_SHUTDOWN 3
#define DOMCTL_STATE_CRASHED  4
#define DOMCTL_STATE_DYING    5

#define DOMCTL_F_PRIVILEGED 0x1
#define DOMCTL_F_HVM        0x2 /* an hvm domain (ABI 1.8) */
#define DOMCTL_F_TRAP       0x4 /* a trap domain (ABI 1.10) */

/*
 * DOMCTL_getdomaininfo: the domain with the lowest id >= domid. In: domid
 * (and every other field zero). Out: all fields. -ESRCH when there is none,
 * so `for (id = 0; getdomaininfo(id) == 0; id = info.domid + 1)` lists all.
 */
struct domctl_domaininfo {
    uint32_t domid;
    uint32_t state; /* DOMCTL_STATE_* */
    uint32_t flags; /* DOMCTL_F_* */
    uint32_t nr_vcpus;
    uint64_t memory_bytes;
    uint64_t cpu_time_ns;
    uint64_t hypercalls;
    uint32_t console_port;    /* the domain's end of its console channel; 0 */
    uint32_t console_gref;    /* grant ref of its console ring (for dom0)     */
    uint32_t shutdown_reason; /* SHUTDOWN_*, once stopped */
    uint32_t pad;
    char name[DOMCTL_NAME_MAX];
    uint64_t created_ns; /* system time when it was created (ABI 1.6) */
};
CARAPACE_ABI_CHECK(struct domctl_domaininfo, 96);

/*
 * DOMCTL_createdomain: a new domain, paused, with no memory: the lowest
 * free id >= 1 (out), a unique name (1..31 characters, letters, digits,
 * '-', '_', '.'), and a memory limit (bytes, a multiple of 4 KiB).
 * Domains made so are kept when they stop, until DOMCTL_destroy.
 */
struct domctl_createdomain {
    uint32_t domid; /* out */
    uint32_t flags; /* 0, DOMCTL_F_HVM (-ENOSYS without SVM), DOMCTL_F_TRAP */
    uint64_t max_memory_bytes;
    char name[DOMCTL_NAME_MAX];
};
CARAPACE_ABI_CHECK(struct domctl_createdomain, 48);

/* DOMCTL_populate / _release / _set_max_mem. populate gives the domain
 * guest frames 0 .. nr_frames - 1 (new frames zeroed); release takes
 * frames back from the top, down to nr_frames (not while the domain has
 * run: -EBUSY). */
struct domctl_memory {
    uint32_t domid;
    uint32_t pad;
    uint64_t nr_frames;
};
CARAPACE_ABI_CHECK(struct domctl_memory, 16);

/* DOMCTL_getp2m: machine frames of guest frames start .. start+count-1 into
 * the caller's buffer (uint64_t each); at most DOMCTL_P2M_MAX per call. */
#define DOMCTL_P2M_MAX 4096
struct domctl_p2m {
    uint32_t domid;
    uint32_t pad;
    uint64_t start, count;
    uint64_t buf; /* the caller's virtual address */
};
CARAPACE_ABI_CHECK(struct domctl_p2m, 32);

/* DOMCTL_write_memory: copy len bytes (at most DOMCTL_WRITE_MAX) from the
 * caller's buf to the domain's guest-physical address gpa (gfn * 4096 +
 * offset). Only into a domain that has never run, and never into a frame
 * in use as a page table (-EBUSY). */
#define DOMCTL_WRITE_MAX 65536
struct domctl_write {
    uint32_t domid;
    uint32_t pad;
    uint64_t gpa, len;
    uint64_t buf;
};
CARAPACE_ABI_CHECK(struct domctl_write, 32);

/* DOMCTL_console_setup: make guest frame gfn the domain's console ring:
 * grant it to dom0 as GNTTAB_RESERVED_CONSOLE and allocate the domain's
 * console event channel (out: port), unbound, for dom0. */
struct domctl_console {
    uint32_t domid;
    uint32_t port; /* out */
    uint64_t gfn;
};
CARAPACE_ABI_CHECK(struct domctl_console, 16);

/* DOMCTL_setvcpucontext: the state vCPU 0 starts in, as the hypervisor's
 * own builder sets it (docs/abi.md "Start of day"): rip, rsp, rdi = rsi =
 * start_info (virtual addresses), the L4 at guest frame l4_gfn (pinned now,
 * with full validation), the shared-info page at shared_gfn, and the
 * hypercall page filled at hypercall_gfn. Once per domain; it stays paused
 * until DOMCTL_unpause. For an hvm domain (ABI 1.8): rip is the Multiboot
 * entry (a guest-physical address), start_info the Multiboot information's,
 * shared_gfn the shared-info page, which must be the second-last frame
 * (the last is the console ring): the frames below it are the guest's RAM;
 * rsp, l4_gfn and hypercall_gfn must be 0. */
struct domctl_vcpucontext {
    uint32_t domid;
    uint32_t vcpu; /* 0 */
    uint64_t rip, rsp, start_info;
    uint64_t l4_gfn, shared_gfn, hypercall_gfn;
};
CARAPACE_ABI_CHECK(struct domctl_vcpucontext, 56);

/* DOMCTL_shutdown: ask the domain to shut down (reason SHUTDOWN_poweroff
 * or SHUTDOWN_reboot): it gets VIRQ_SHUTDOWN, with the reason in
 * shared_info->vcpu[0] ... see docs/abi.md; a guest that ignores it can be
 * destroyed. */
struct domctl_shutdown {
    uint32_t domid;
    uint32_t reason;
};
CARAPACE_ABI_CHECK(struct domctl_shutdown, 8);

/* DOMCTL_physinfo: the machine and the hypervisor. Both versions are
 * major << 16 | minor; version is the hypervisor's release (Carapace 0.1:
 * 0x1) and says nothing about the ABI, abi_version does. */
struct domctl_physinfo {
    uint64_t total_frames; /* RAM frames */
    uint64_t free_frames;
    uint32_t nr_cpus;
    uint32_t nr_domains;
    uint64_t hypervisor_frames; /* reserved or used by the hypervisor */
    uint32_t abi_version;       /* the CARAPACE_ABI_VERSION it speaks */
    uint32_t version;           /* its own release: major << 16 | minor */
    uint64_t dirty_frames;      /* (1.9) free, not yet zeroed by the idle
                                   loop: populate zeroes them itself */
};
CARAPACE_ABI_CHECK(struct domctl_physinfo, 48);

/* DOMCTL_readlog: the hypervisor's log ring (the last 16 KiB of what it
 * printed). In: offset (bytes ever logged to start from; 0 = the oldest
 * still kept), buf, len. Out: len = bytes copied, offset = where the next
 * read starts, lost = bytes between the asked offset and the oldest kept. */
struct domctl_readlog {
    uint64_t offset;
    uint64_t buf;
    uint64_t len;
    uint64_t lost; /* out */
};
CARAPACE_ABI_CHECK(struct domctl_readlog, 32);

/* DOMCTL_fault_inject (ABI 1.7), for tests: make the hypervisor's
 * countdown-th frame allocation from now on fail, once, as if memory had
 * run out (every allocation counts: domain structures, guest memory, p2m,
 * grant and event-channel tables, for any domain); countdown 0 disarms.
 * In: countdown; allocs, fired and pad zero. Out: what happened since the
 * previous call: allocs = allocations attempted, fired = 1 if the armed
 * one failed. */
struct domctl_fault_inject {
    uint64_t countdown;
    uint64_t allocs; /* out */
    uint32_t fired;  /* out */
    uint32_t pad;
};
CARAPACE_ABI_CHECK(struct domctl_fault_inject, 24);

/* DOMCTL_copy (ABI 1.9): copy from the caller's own frames into a domain
 * that has never run, many pieces per call, without a bounce through the
 * caller's kernel: segs points to count segments (at most
 * DOMCTL_COPY_MAX), each len bytes from the caller's guest frame src_gfn
 * at byte src_off to the domain's guest-physical address dst_gpa. A
 * segment stays within one page at both ends (src_off + len and dst_gpa's
 * offset + len at most 4096) and len is at least 1. Segments are copied
 * in order, so where two overlap the later one wins; the call stops at
 * the first bad one, with the earlier ones copied (a failed build is
 * destroyed anyway). */
#define DOMCTL_COPY_MAX 128
struct domctl_copy_seg {
    uint64_t src_gfn; /* the caller's guest frame */
    uint64_t dst_gpa; /* the domain's guest-physical address */
    uint32_t src_off;
    uint32_t len;
};
CARAPACE_ABI_CHECK(struct domctl_copy_seg, 24);

struct domctl_copy {
    uint32_t domid;
    uint32_t count;
    uint64_t segs; /* struct domctl_copy_seg[count], in the caller */
};
CARAPACE_ABI_CHECK(struct domctl_copy, 16);

#endif /* CARAPACE_ABI_DOMCTL_H */
