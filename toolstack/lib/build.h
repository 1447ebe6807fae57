/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The domain builder: a domU from a guest ELF image, on HC_domctl, with
 * the layout and start-of-day state the hypervisor's own builder gives
 * (docs/abi.md "Start of day"). Any failure destroys what was made.
 */
#ifndef CAP_BUILD_H
#define CAP_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domlayout.h"
#include "multiboot.h"

/* HC_domctl as the builder sees it: 0 or a non-negative result, or a
 * negative errno value. */
typedef long (*build_domctl_fn)(uint64_t op, void *arg);

/* The steps, in order (for messages, and for --fail-at in tests). */
enum build_step {
    BUILD_PARSE,
    BUILD_CREATE,
    BUILD_MAX_MEM,
    BUILD_POPULATE,
    BUILD_P2M,
    BUILD_LOAD,
    BUILD_CONSOLE,
    BUILD_START_INFO,
    BUILD_PAGE_TABLES,
    BUILD_CONTEXT,
    BUILD_UNPAUSE,
    BUILD_NSTEPS,
};

struct build_params {
    const char *name;
    uint64_t memory_bytes;
    const void *kernel;
    size_t kernel_size;
    const void *ramdisk; /* NULL: none */
    size_t ramdisk_size;
    const char *cmdline;
    bool paused; /* leave it paused */
    bool hvm;    /* kernel is a Multiboot image, run under SVM */
    bool trap;   /* the same, run in ring 3 by trap-and-emulate */
    /* dom0's console back end connects only when the console is attached
     * (SYS_domcons), not at once: for domains by the thousand. */
    bool console_later;
    int fail_at; /* tests: fail at this step (-1: never) */
    /* Profiling (cap bench): a clock in ns, or NULL; build_result's
     * stage_ns then gets the time spent in each step. */
    uint64_t (*clock)(void);
};

/* Where everything went, in guest frames. */

struct build_result {
    uint32_t domid;
    uint32_t console_port;
    uint64_t entry;                     /* the image's (build_plan) */
    uint32_t abi_version;               /* the image's ABI note (build_plan) */
    struct domlayout layout;            /* lib/domlayout.h (pv) */
    struct multiboot_layout hvm_layout; /* lib/multiboot.h (hvm) */
    uint64_t stage_ns[BUILD_NSTEPS];    /* with build_params.clock */
};

/* 0, or -1 with "step: cause" in err (and nothing left behind). */
/* What build_domain would lay out, without a single domctl (cap create
 * -n): 0 with r's layout, entry and ABI version, or -1 as build_domain. */
int build_plan(const struct build_params *p, struct build_result *r, char *err,
               size_t errlen);
int build_domain(build_domctl_fn domctl, const struct build_params *p,
                 struct build_result *r, char *err, size_t errlen);
const char *build_step_name(enum build_step s);

#endif /* CAP_BUILD_H */
