/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the builder's two halves (toolstack/lib/ only): build.c (pv
 * domains) and build_hvm.c (hvm domains), which use the same steps,
 * messages and domctl calls.
 */
#ifndef CAP_BUILD_PRIV_H
#define CAP_BUILD_PRIV_H

#include "build.h"
#include "elf.h"

struct build {
    build_domctl_fn domctl;
    const struct build_params *p;
    struct elf_image img;
    struct domlayout l;
    uint32_t domid;
    uint32_t port;
    uint64_t *p2m;
    char *err;
    size_t errlen;
    uint64_t free_before; /* free frames before populating (UINT64_MAX: ?) */
    uint64_t *stage_ns;   /* build_result's, for build_mark */
    uint64_t mark;        /* the clock at the last build_mark */
};

/* "step: cause" into b->err; returns -1. */
__attribute__((format(printf, 3, 4))) int
build_fail(struct build *b, enum build_step s, const char *fmt, ...);
/* Profiling: the time since the last mark goes to step s. */
void build_mark(struct build *b, enum build_step s);
/* A domctl of step s: 0, or -1 with a message naming the error. */
int build_call(struct build *b, enum build_step s, uint64_t op, void *arg);
/* Copies len bytes to guest-physical gpa, in DOMCTL_WRITE_MAX chunks. */
int build_write(struct build *b, enum build_step s, uint64_t gpa,
                const void *src, uint64_t len);
/* createdomain (hvm if b->p->hvm), set_max_mem and populate to b->l.nr
 * frames; pv: the p2m too. */
int build_memory(struct build *b);
/* console_setup with the ring at guest frame gfn (b->port: the port). */
int build_console(struct build *b, uint64_t gfn);
/* build_domain and build_plan for an hvm domain (build_hvm.c); domctl
 * NULL: plan only. */
int build_hvm(build_domctl_fn domctl, const struct build_params *p,
              struct build_result *r, char *err, size_t errlen);

#endif /* CAP_BUILD_PRIV_H */
