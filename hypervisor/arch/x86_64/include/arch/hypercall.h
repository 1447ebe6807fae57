/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86_64 PV hypercalls, for the one table in common/hypercall.c
 * (include "hypercall.h", not this): X(name) for each HC_<name> this
 * architecture handles with hypercall_<name>.
 */
#ifndef CARAPACE_ARCH_HYPERCALL_H
#define CARAPACE_ARCH_HYPERCALL_H

#define ARCH_HYPERCALLS(X)                                                     \
    X(set_trap_table)    /* pv_hypercall.c */                                  \
    X(set_callbacks)     /* pv_hypercall.c */                                  \
    X(iret)              /* pv.c */                                            \
    X(stack_switch)      /* pv_hypercall.c */                                  \
    X(mmu_update)        /* pv_mmu.c */                                        \
    X(update_va_mapping) /* pv_mmu.c */                                        \
    X(mmuext_op)         /* pv_mmu.c */                                        \
    X(set_segment_base)  /* pv_hypercall.c */

#endif /* CARAPACE_ARCH_HYPERCALL_H */
