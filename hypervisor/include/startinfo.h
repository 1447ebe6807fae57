/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The start-info tree a guest finds at start of day: a flattened device tree
 * whose root properties are the CARAPACE_SI_* of
 * abi/include/carapace/startinfo.h (layout in common/startinfo.c). The
 * domain builder fills a struct startinfo_desc and calls startinfo_build().
 *
 * The tree must sit at an 8-byte aligned address (libfdt requires it).
 * libfdt is user-space code (it uses the red zone): in the hypervisor, call
 * these only with interrupts disabled.
 */
#ifndef CARAPACE_STARTINFO_H
#define CARAPACE_STARTINFO_H

#include <stddef.h>
#include <stdint.h>

#include <carapace/startinfo.h>

/* Limits on a description, so that any valid one fits an int-sized tree. */
#define STARTINFO_MAX_MODULES 256
#define STARTINFO_MAX_STRING  4096 /* characters, without the NUL */

struct startinfo_module {
    uint64_t va, size;    /* where the module is mapped in the guest */
    const char *bootargs; /* NULL counts as "" */
};

/* One field per CARAPACE_SI_* property. NULL strings count as "". */
struct startinfo_desc {
    uint32_t abi_version; /* CARAPACE_SI_ABI */
    uint32_t domid;       /* CARAPACE_SI_DOMID */
    uint32_t flags;       /* CARAPACE_SI_FLAGS: SIF_* only */
    const char *name;     /* CARAPACE_SI_NAME */
    uint64_t memory_bytes;
    uint64_t virt_base;
    uint64_t nr_frames;
    uint64_t p2m_va;
    uint64_t shared_info_va;
    uint64_t pt_base_va;
    uint64_t pt_frames;
    uint64_t first_free_gfn;
    const char *console;   /* CARAPACE_SI_CONSOLE, e.g. "hypervisor" */
    const char *bootargs;  /* CARAPACE_SI_BOOTARGS: the kernel command line */
    uint64_t console_gfn;  /* CARAPACE_SI_CONSOLE_GFN */
    uint32_t console_port; /* CARAPACE_SI_CONSOLE_PORT */
    const struct startinfo_module *modules; /* in order: module@0, @1 ... */
    unsigned nmodules;
};

/*
 * Write the tree for d into buf[0..size). 0 on success, -ENOSPC if it does
 * not fit, -EINVAL for an unaligned buffer or a bad description (unknown
 * flags, a count without its array or over the limit, a string over
 * STARTINFO_MAX_STRING, a module that wraps past 2^64).
 */
int startinfo_build(void *buf, size_t size, const struct startinfo_desc *d);

/*
 * Bytes startinfo_build needs for d at most (0 for a bad description). The
 * size depends only on the strings and the module count, never on the
 * numbers, so a builder can reserve room before it knows the addresses.
 */
size_t startinfo_size(const struct startinfo_desc *d);

#endif /* CARAPACE_STARTINFO_H */
