/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_multicall(calls, count): run several hypercalls with one entry into
 * the hypervisor. Each call's return value is written to its `result`.
 * The batch stops after the first call that fails; later entries are not
 * run and their `result` is left as it was. HC_iret and HC_multicall
 * inside a batch fail with -CARAPACE_EINVAL. Returns the number of calls
 * run, counting the one that failed, or a negative error if the array
 * itself is bad.
 */
#ifndef CARAPACE_ABI_MULTICALL_H
#define CARAPACE_ABI_MULTICALL_H

#include <stdint.h>

#include "abi.h"

struct multicall_entry {
    uint64_t op;
    int64_t result;
    uint64_t args[5];
};
CARAPACE_ABI_CHECK(struct multicall_entry, 56);

#define MULTICALL_MAX 64

#endif /* CARAPACE_ABI_MULTICALL_H */
