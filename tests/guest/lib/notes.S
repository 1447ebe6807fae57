/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The test guests' Carapace ELF notes and hypercall page
 * (lib/include/guest_image.h), for images linked at 0x400000.
 */
#include "guest_image.h"

#define GUEST_VIRT_BASE 0x400000

    GUEST_IMAGE _start, GUEST_VIRT_BASE

