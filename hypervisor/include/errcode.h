/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal error codes: functions return 0 or a negative code. The values are
 * Linux's, so host unit tests may include <errno.h> beside this header. They
 * move to abi/ when the hypercall ABI defines its error codes.
 */
#ifndef CARAPACE_ERRCODE_H
#define CARAPACE_ERRCODE_H

#define EPERM  1
#define ENOENT 2
#define EIO    5
#define E2BIG  7
#define ENOMEM 12
#define EFAULT 14
#define EBUSY  16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38

#endif /* CARAPACE_ERRCODE_H */
