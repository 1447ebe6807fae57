/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The check of one DOMCTL_copy segment (abi: carapace/domctl.h), apart
 * from the copy itself so that it runs on the host too
 * (tests/unit/copyseg_test.c).
 */
#ifndef CARAPACE_COPYSEG_H
#define CARAPACE_COPYSEG_H

#include <stdint.h>

#include <carapace/domctl.h>

/* 0 if segment s names src_gfn below src_frames (the caller's frames),
 * dst_gpa below dst_frames pages (the domain's), 1..4096 bytes and
 * stays within one page at both ends; -EINVAL otherwise. */
int copyseg_check(const struct domctl_copy_seg *s, uint64_t src_frames,
                  uint64_t dst_frames);

#endif /* CARAPACE_COPYSEG_H */
