/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the PV MMU (pvmm.c, pvmm_ops.c) on the fake machine
 * of tests/unit/pvmm_test.c, which this file includes. The input is the
 * stream unit/pvmm's fuzz test draws its random numbers from (8 bytes a
 * number, zeroes past the end): each number picks an operation, a frame,
 * an entry value, a slot, as there. After every operation the same checker
 * recounts every count from the page contents and compares, and a refused
 * operation must have changed nothing; at the end the domain is released
 * and every count must be back to 0. A broken rule aborts.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *fz_in;
static size_t fz_left;

static uint64_t fz_rand(void)
{
    uint64_t v = 0;
    size_t n = fz_left < 8 ? fz_left : 8;

    memcpy(&v, fz_in, n);
    fz_in += n;
    fz_left -= n;
    return v;
}

/* unit/pvmm's checks, as aborts (check.h is not included). */
#define CARAPACE_TEST_CHECK_H
#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
            abort();                                                           \
        }                                                                      \
    } while (0)
#define CHECK_EQ(a, b) CHECK((uint64_t)(a) == (uint64_t)(b))
static int check_finish(void)
{
    return 0;
}

#define FZ_RAND_EXTERNAL
#define main pvmm_unit_main
int pvmm_unit_main(void);
#include "../../unit/pvmm_test.c"
#undef main

/* At most this many operations an input (each takes 8 to 40 bytes). */
#define MAX_OPS 2000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned i, ok = 0, failed = 0;

    log_set_level(LOG_ERROR);
    fz_in = data;
    fz_left = size;
    fz_start();
    for (i = 0; fz_left > 0 && i < MAX_OPS; i++) {
        if (fz_step(i, &ok, &failed) != 0)
            abort();
    }
    fz_teardown();
    return 0;
}
