/* SPDX-License-Identifier: BSD-2-Clause */
/* DOMCTL_copy's segment check (copyseg.h). */
#include <carapace/errno.h>

#include "addr.h"
#include "copyseg.h"

int copyseg_check(const struct domctl_copy_seg *s, uint64_t src_frames,
                  uint64_t dst_frames)
{
    const uint64_t dst_off = s->dst_gpa & (PAGE_SIZE - 1);

    /* Each bound against what is left, so that no sum can wrap. */
    if (s->len == 0 || s->src_off >= PAGE_SIZE ||
        s->len > PAGE_SIZE - s->src_off || s->len > PAGE_SIZE - dst_off)
        return -CARAPACE_EINVAL;
    if (s->src_gfn >= src_frames || s->dst_gpa / PAGE_SIZE >= dst_frames)
        return -CARAPACE_EINVAL;
    return 0;
}
