/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercalls of the guest kernel (arch/x86_64 only: generic code goes
 * through arch.h): the call macros and typed helpers of
 * lib/include/hypercall_call.h, shared with the test guests.
 */
#ifndef GK_PV_HYPERCALL_H
#define GK_PV_HYPERCALL_H

#include <carapace/errno.h>

#include "hypercall_call.h"

#endif /* GK_PV_HYPERCALL_H */
