/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Error codes. A hypercall returns 0 (or a documented non-negative value)
 * on success and the negative of one of these on failure. The values are
 * Linux's, so a reader does not need a second table in their head (and
 * host unit tests of hypervisor code may compare them with <errno.h>'s).
 * The hypervisor uses them for its internal errors too; EIO is only that.
 */
#ifndef CARAPACE_ABI_ERRNO_H
#define CARAPACE_ABI_ERRNO_H

#define CARAPACE_EPERM    1   /* not allowed for this caller */
#define CARAPACE_ENOENT   2   /* no such object (entry not present, ...) */
#define CARAPACE_ESRCH    3   /* no such domain */
#define CARAPACE_E2BIG    7   /* count larger than the documented limit */
#define CARAPACE_EAGAIN   11  /* try again later (rate limit) */
#define CARAPACE_ENOMEM   12  /* out of memory */
#define CARAPACE_EFAULT   14  /* a guest address could not be read/written */
#define CARAPACE_EBUSY    16  /* object in use (frame typed otherwise) */
#define CARAPACE_EEXIST   17  /* already exists / already done */
#define CARAPACE_EINVAL   22  /* invalid argument */
#define CARAPACE_ENOSPC   28  /* no room left (no free event channel port) */
#define CARAPACE_ERANGE   34  /* number outside the valid range */
#define CARAPACE_ENOSYS   38  /* no such hypercall or sub-command */
#define CARAPACE_ENOTCONN 107 /* event channel port not connected to a peer */

#endif /* CARAPACE_ABI_ERRNO_H */
