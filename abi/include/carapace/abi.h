/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Carapace hypercall ABI: the only headers the hypervisor, guest kernels
 * and the toolstack share. Fixed-width types only; every struct's size and
 * key offsets are pinned with _Static_assert. docs/abi.md documents it.
 *
 * Changing anything here means changing, together: these headers,
 * docs/abi.md, and CARAPACE_ABI_VERSION (major for an incompatible change,
 * minor for an addition a guest may ignore).
 */
#ifndef CARAPACE_ABI_ABI_H
#define CARAPACE_ABI_ABI_H

#define CARAPACE_ABI_MAJOR   1
#define CARAPACE_ABI_MINOR   11
#define CARAPACE_ABI_VERSION ((CARAPACE_ABI_MAJOR << 16) | CARAPACE_ABI_MINOR)

#define CARAPACE_ABI_CHECK(type, size)                                         \
    _Static_assert(sizeof(type) == (size), #type " is part of the ABI")

#endif /* CARAPACE_ABI_ABI_H */
