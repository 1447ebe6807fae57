/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A ticket-free test-and-set spinlock on compiler atomics. It is generic C so
 * that code using it also builds on the host for unit tests.
 */
#ifndef CARAPACE_SPINLOCK_H
#define CARAPACE_SPINLOCK_H

#include <stdbool.h>

struct spinlock {
    bool locked;
};

#define SPINLOCK_INIT                                                          \
    {                                                                          \
        false                                                                  \
    }

static inline void spinlock_lock(struct spinlock *l)
{
    while (__atomic_test_and_set(&l->locked, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            __builtin_ia32_pause();
    }
}

static inline void spinlock_unlock(struct spinlock *l)
{
    __atomic_clear(&l->locked, __ATOMIC_RELEASE);
}

#endif /* CARAPACE_SPINLOCK_H */
