/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * copyseg_check (DOMCTL_copy's segment check) over its edges: every
 * length and offset at both ends of a page, gfns at and past both
 * domains' ends, values near 2^32 and 2^64 that would wrap a sum; and,
 * against a model written here from the ABI's words, every combination
 * of a grid of offsets and lengths.
 */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include <errno.h>
#include "copyseg.h"

#define PG        4096u
#define SRC_PAGES 16u
#define DST_PAGES 8u

static int check(uint64_t src_gfn, uint32_t src_off, uint64_t dst_gpa,
                 uint32_t len)
{
    struct domctl_copy_seg s = {
        .src_gfn = src_gfn, .dst_gpa = dst_gpa, .src_off = src_off, .len = len};

    return copyseg_check(&s, SRC_PAGES, DST_PAGES);
}

/* The ABI's rule, spelled with 128-bit sums so nothing can wrap. */
static bool model_ok(uint64_t src_gfn, uint32_t src_off, uint64_t dst_gpa,
                     uint32_t len)
{
    unsigned __int128 s_end = (unsigned __int128)src_off + len;
    unsigned __int128 d_end = (unsigned __int128)(dst_gpa % PG) + len;

    return len >= 1 && s_end <= PG && d_end <= PG && src_gfn < SRC_PAGES &&
           dst_gpa / PG < DST_PAGES;
}

static void edges(void)
{
    CHECK_EQ(check(0, 0, 0, PG), 0); /* a whole page */
    CHECK_EQ(check(SRC_PAGES - 1, PG - 1, DST_PAGES * PG - 1, 1), 0);
    CHECK_EQ(check(0, 0, 0, 0), -EINVAL);              /* empty */
    CHECK_EQ(check(0, 0, 0, PG + 1), -EINVAL);         /* over a page */
    CHECK_EQ(check(0, 1, 0, PG), -EINVAL);             /* source crosses */
    CHECK_EQ(check(0, 0, 1, PG), -EINVAL);             /* dest crosses */
    CHECK_EQ(check(0, PG, 0, 1), -EINVAL);             /* offset past */
    CHECK_EQ(check(SRC_PAGES, 0, 0, 1), -EINVAL);      /* source past end */
    CHECK_EQ(check(0, 0, DST_PAGES * PG, 1), -EINVAL); /* dest past end */
    CHECK_EQ(check(UINT64_MAX, 0, 0, 1), -EINVAL);
    CHECK_EQ(check(0, 0, UINT64_MAX, 1), -EINVAL);
    CHECK_EQ(check(0, 0, UINT64_MAX - PG + 1, 8), -EINVAL);
    CHECK_EQ(check(0, UINT32_MAX, 0, 2), -EINVAL); /* off + len wraps */
    CHECK_EQ(check(0, 2, 0, UINT32_MAX), -EINVAL);
    CHECK_EQ(check(0, 0, 0, UINT32_MAX), -EINVAL);
}

static void grid(void)
{
    static const uint32_t offs[] = {0,    1,    7,    8,    2048,
                                    4088, 4095, 4096, 4097, UINT32_MAX};
    static const uint32_t lens[] = {0,    1,    8,    9,         2048,
                                    4095, 4096, 4097, UINT32_MAX};
    static const uint64_t gfns[] = {0, 1, SRC_PAGES - 1, SRC_PAGES, UINT64_MAX};
    static const uint64_t gpas[] = {
        0, 1, 4095, 4096, DST_PAGES * PG - 1, DST_PAGES * PG, UINT64_MAX};
    unsigned bad = 0;

    for (unsigned a = 0; a < sizeof(offs) / sizeof(offs[0]); a++)
        for (unsigned b = 0; b < sizeof(lens) / sizeof(lens[0]); b++)
            for (unsigned c = 0; c < sizeof(gfns) / sizeof(gfns[0]); c++)
                for (unsigned d = 0; d < sizeof(gpas) / sizeof(gpas[0]); d++) {
                    bool want = model_ok(gfns[c], offs[a], gpas[d], lens[b]);
                    int got = check(gfns[c], offs[a], gpas[d], lens[b]);

                    bad += got != (want ? 0 : -EINVAL);
                }
    CHECK_EQ(bad, 0);
}

int main(void)
{
    edges();
    grid();
    return check_finish();
}
