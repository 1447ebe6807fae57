/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names of x86 exception vectors and of the Carapace trap-frame vectors
 * (abi/include/carapace/trap.h), for messages: "#PF page fault", "event
 * upcall". One table for the hypervisor, the guest kernel and the test
 * guests.
 */
#ifndef CARAPACE_TRAPNAME_H
#define CARAPACE_TRAPNAME_H

#include <stdint.h>

/* The name of `vector`; "exception" for a vector it does not know. */
const char *trapname(uint64_t vector);

#endif /* CARAPACE_TRAPNAME_H */
