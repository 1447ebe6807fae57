/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Calling the hypervisor through the hypercall page, for PV guests on
 * x86_64 (the guest kernel and the test guests). hcN(nr, ...) calls the
 * stub at hypercall_page + 32 * nr (nr must be a constant) with the
 * arguments in rdi, rsi, rdx, r10, r8 and returns rax; rcx and r11 are
 * clobbered (docs/abi.md, "Calling convention"). Each guest puts its own
 * typed helpers on top.
 */
#ifndef CARAPACE_LIB_HYPERCALL_CALL_H
#define CARAPACE_LIB_HYPERCALL_CALL_H

#include <stdint.h>

#include <carapace/hypercall.h>

extern char hypercall_page[4096];

#define HC_STUB_    "call hypercall_page + %c[off]"
#define HC_OFF_(nr) [off] "i"((nr)*HYPERCALL_STUB_SIZE)
#define HC_CLOBBER_ "rcx", "r11", "memory"

#define hc0(nr)                                                                \
    ({                                                                         \
        long ret_;                                                             \
        asm volatile(HC_STUB_ : "=a"(ret_) : HC_OFF_(nr) : HC_CLOBBER_);       \
        ret_;                                                                  \
    })

#define hc1(nr, a1)                                                            \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_)                                   \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

#define hc2(nr, a1, a2)                                                        \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        register uint64_t a2_ asm("rsi") = (uint64_t)(a2);                     \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_), "+r"(a2_)                        \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

#define hc3(nr, a1, a2, a3)                                                    \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        register uint64_t a2_ asm("rsi") = (uint64_t)(a2);                     \
        register uint64_t a3_ asm("rdx") = (uint64_t)(a3);                     \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_), "+r"(a2_), "+r"(a3_)             \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

#define hc4(nr, a1, a2, a3, a4)                                                \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        register uint64_t a2_ asm("rsi") = (uint64_t)(a2);                     \
        register uint64_t a3_ asm("rdx") = (uint64_t)(a3);                     \
        register uint64_t a4_ asm("r10") = (uint64_t)(a4);                     \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_), "+r"(a2_), "+r"(a3_), "+r"(a4_)  \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

#define hc5(nr, a1, a2, a3, a4, a5)                                            \
    ({                                                                         \
        long ret_;                                                             \
        register uint64_t a1_ asm("rdi") = (uint64_t)(a1);                     \
        register uint64_t a2_ asm("rsi") = (uint64_t)(a2);                     \
        register uint64_t a3_ asm("rdx") = (uint64_t)(a3);                     \
        register uint64_t a4_ asm("r10") = (uint64_t)(a4);                     \
        register uint64_t a5_ asm("r8") = (uint64_t)(a5);                      \
        asm volatile(HC_STUB_                                                  \
                     : "=a"(ret_), "+r"(a1_), "+r"(a2_), "+r"(a3_), "+r"(a4_), \
                       "+r"(a5_)                                               \
                     : HC_OFF_(nr)                                             \
                     : HC_CLOBBER_);                                           \
        ret_;                                                                  \
    })

#endif /* CARAPACE_LIB_HYPERCALL_CALL_H */
