/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared request/response rings over one page, between a front end (which
 * produces requests and consumes responses) and a back end (the reverse),
 * in two domains that share the page through a grant and signal each other
 * through an event channel. Header-only; docs/abi.md "Shared rings".
 *
 * CARAPACE_RING_DEFINE(name, req_type, rsp_type) defines
 *
 *   union name_entry        a request or a response (one slot)
 *   struct name_sring       the shared page: req_prod, req_event, rsp_prod,
 *                           rsp_event, 48 bytes of padding, then the slots
 *   struct name_front       the front end's private view
 *   struct name_back        the back end's private view
 *
 * and static inline functions name_sring_init, name_front_init,
 * name_back_init, name_get_request, name_get_response, name_free_requests,
 * name_unconsumed_requests, name_unconsumed_responses,
 * name_push_requests, name_push_responses (both return whether to notify),
 * name_final_check_requests, name_final_check_responses.
 *
 * Indices are free-running uint32_t counters (they wrap at 2^32; only
 * differences are used) masked by the slot count, a power of two. Each
 * side writes only its own producer index and its own event index:
 *
 *   - A producer fills slots through its private index, then publishes
 *     them all at once (push): write barrier, store prod, full barrier,
 *     then it notifies only if the new prod crossed the other side's event
 *     index: (new - event) < (new - old).
 *   - A consumer that has nothing more to do sets event = cons + 1 ("wake
 *     me for the next one"), full barrier, and looks again (final check).
 *     Only if that finds nothing may it sleep: an item published between
 *     its last look and the event store is seen by the second look, and
 *     one published after it sends a notification. No wake-up is lost.
 */
#ifndef CARAPACE_ABI_RING_H
#define CARAPACE_ABI_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CARAPACE_RING_PAGE_SIZE 4096u
#define CARAPACE_RING_HEADER    64u /* the four indices and padding */

/* The largest power of two <= x (x < 2^16; 0 for 0). */
#define CARAPACE_RING_P2_1_(x) ((x) >= 2u ? 2u : (x))
#define CARAPACE_RING_P2_2_(x)                                                 \
    ((x) >= 4u ? 4u * CARAPACE_RING_P2_1_((x) / 4u) : CARAPACE_RING_P2_1_(x))
#define CARAPACE_RING_P2_4_(x)                                                 \
    ((x) >= 16u ? 16u * CARAPACE_RING_P2_2_((x) / 16u) : CARAPACE_RING_P2_2_(x))
#define CARAPACE_RING_P2_8_(x)                                                 \
    ((x) >= 256u ? 256u * CARAPACE_RING_P2_4_((x) / 256u)                      \
                 : CARAPACE_RING_P2_4_(x))
#define CARAPACE_RING_POW2(x) CARAPACE_RING_P2_8_((uint32_t)(x))

/* Called in the final checks between the first look and the event store,
 * where a lost wake-up would hide: a host test defines it to publish an
 * item there, or to widen the window. Nothing by default. */
#ifndef CARAPACE_RING_FINAL_CHECK_HOOK
#define CARAPACE_RING_FINAL_CHECK_HOOK() ((void)0)
#endif

/* Slots of the given size that fit in one page after the header. */
#define CARAPACE_RING_SLOTS(entry_size)                                        \
    CARAPACE_RING_POW2((CARAPACE_RING_PAGE_SIZE - CARAPACE_RING_HEADER) /      \
                       (entry_size))

#define CARAPACE_RING_DEFINE(name, req_type, rsp_type)                         \
    union name##_entry {                                                       \
        req_type req;                                                          \
        rsp_type rsp;                                                          \
    };                                                                         \
    struct name##_sring {                                                      \
        uint32_t req_prod, req_event;                                          \
        uint32_t rsp_prod, rsp_event;                                          \
        uint8_t pad[CARAPACE_RING_HEADER - 16];                                \
        union name##_entry ring[];                                             \
    };                                                                         \
    struct name##_front {                                                      \
        uint32_t req_prod_pvt; /* requests filled, maybe not pushed */         \
        uint32_t rsp_cons;     /* responses consumed */                        \
        uint32_t nr_ents;                                                      \
        struct name##_sring *sring;                                            \
    };                                                                         \
    struct name##_back {                                                       \
        uint32_t rsp_prod_pvt; /* responses filled, maybe not pushed */        \
        uint32_t req_cons;     /* requests consumed */                         \
        uint32_t nr_ents;                                                      \
        struct name##_sring *sring;                                            \
    };                                                                         \
    enum {                                                                     \
        name##_ring_slots = CARAPACE_RING_SLOTS(sizeof(union name##_entry))    \
    };                                                                         \
    _Static_assert(offsetof(struct name##_sring, ring) ==                      \
                       CARAPACE_RING_HEADER,                                   \
                   #name " ring header");                                      \
    _Static_assert(name##_ring_slots >= 1, #name " entry too large");          \
    /* Once, by whoever sets up the page (the front end). */                   \
    static inline void name##_sring_init(struct name##_sring *s)               \
    {                                                                          \
        s->req_prod = s->rsp_prod = 0;                                         \
        s->req_event = s->rsp_event = 1;                                       \
        for (size_t i_ = 0; i_ < sizeof(s->pad); i_++)                         \
            s->pad[i_] = 0;                                                    \
    }                                                                          \
    static inline void name##_front_init(struct name##_front *f,               \
                                         struct name##_sring *s)               \
    {                                                                          \
        f->req_prod_pvt = 0;                                                   \
        f->rsp_cons = 0;                                                       \
        f->nr_ents = name##_ring_slots;                                        \
        f->sring = s;                                                          \
    }                                                                          \
    /* Attach to a page the front end initialised (it may hold items). */      \
    static inline void name##_back_init(struct name##_back *b,                 \
                                        struct name##_sring *s)                \
    {                                                                          \
        b->rsp_prod_pvt = __atomic_load_n(&s->rsp_prod, __ATOMIC_ACQUIRE);     \
        b->req_cons = b->rsp_prod_pvt;                                         \
        b->nr_ents = name##_ring_slots;                                        \
        b->sring = s;                                                          \
    }                                                                          \
    static inline req_type *name##_get_request(struct name##_sring *s,         \
                                               uint32_t idx)                   \
    {                                                                          \
        return &s->ring[idx & (name##_ring_slots - 1)].req;                    \
    }                                                                          \
    static inline rsp_type *name##_get_response(struct name##_sring *s,        \
                                                uint32_t idx)                  \
    {                                                                          \
        return &s->ring[idx & (name##_ring_slots - 1)].rsp;                    \
    }                                                                          \
    /* Slots the front end may fill now. */                                    \
    static inline uint32_t name##_free_requests(const struct name##_front *f)  \
    {                                                                          \
        return f->nr_ents - (f->req_prod_pvt - f->rsp_cons);                   \
    }                                                                          \
    /* Responses published and not consumed (after the acquire, the slots      \
     * up to rsp_prod may be read). */                                         \
    static inline uint32_t name##_unconsumed_responses(                        \
        const struct name##_front *f)                                          \
    {                                                                          \
        return __atomic_load_n(&f->sring->rsp_prod, __ATOMIC_ACQUIRE) -        \
               f->rsp_cons;                                                    \
    }                                                                          \
    /* Requests published and not consumed, never more than the back end       \
     * has room to answer (a front end that overfills cannot overrun it). */   \
    static inline uint32_t name##_unconsumed_requests(                         \
        const struct name##_back *b)                                           \
    {                                                                          \
        uint32_t reqs_ =                                                       \
            __atomic_load_n(&b->sring->req_prod, __ATOMIC_ACQUIRE) -           \
            b->req_cons;                                                       \
        uint32_t room_ = b->nr_ents - (b->req_cons - b->rsp_prod_pvt);         \
        return reqs_ < room_ ? reqs_ : room_;                                  \
    }                                                                          \
    /* Publishes the filled requests; true: notify the back end. */            \
    static inline bool name##_push_requests(struct name##_front *f)            \
    {                                                                          \
        uint32_t old_ = f->sring->req_prod, new_ = f->req_prod_pvt;            \
        __atomic_store_n(&f->sring->req_prod, new_, __ATOMIC_RELEASE);         \
        __atomic_thread_fence(__ATOMIC_SEQ_CST);                               \
        return (uint32_t)(new_ - __atomic_load_n(&f->sring->req_event,         \
                                                 __ATOMIC_RELAXED)) <          \
               (uint32_t)(new_ - old_);                                        \
    }                                                                          \
    /* Publishes the filled responses; true: notify the front end. */          \
    static inline bool name##_push_responses(struct name##_back *b)            \
    {                                                                          \
        uint32_t old_ = b->sring->rsp_prod, new_ = b->rsp_prod_pvt;            \
        __atomic_store_n(&b->sring->rsp_prod, new_, __ATOMIC_RELEASE);         \
        __atomic_thread_fence(__ATOMIC_SEQ_CST);                               \
        return (uint32_t)(new_ - __atomic_load_n(&b->sring->rsp_event,         \
                                                 __ATOMIC_RELAXED)) <          \
               (uint32_t)(new_ - old_);                                        \
    }                                                                          \
    /* The back end's last look before it sleeps: the number of requests       \
     * to handle (0: sleep; a new request will notify). */                     \
    static inline uint32_t name##_final_check_requests(struct name##_back *b)  \
    {                                                                          \
        uint32_t n_ = name##_unconsumed_requests(b);                           \
        if (n_)                                                                \
            return n_;                                                         \
        CARAPACE_RING_FINAL_CHECK_HOOK();                                      \
        __atomic_store_n(&b->sring->req_event, b->req_cons + 1,                \
                         __ATOMIC_RELAXED);                                    \
        __atomic_thread_fence(__ATOMIC_SEQ_CST);                               \
        return name##_unconsumed_requests(b);                                  \
    }                                                                          \
    /* The front end's last look before it sleeps, for responses. */           \
    static inline uint32_t name##_final_check_responses(                       \
        struct name##_front *f)                                                \
    {                                                                          \
        uint32_t n_ = name##_unconsumed_responses(f);                          \
        if (n_)                                                                \
            return n_;                                                         \
        CARAPACE_RING_FINAL_CHECK_HOOK();                                      \
        __atomic_store_n(&f->sring->rsp_event, f->rsp_cons + 1,                \
                         __ATOMIC_RELAXED);                                    \
        __atomic_thread_fence(__ATOMIC_SEQ_CST);                               \
        return name##_unconsumed_responses(f);                                 \
    }                                                                          \
    _Static_assert(1, #name)

#endif /* CARAPACE_ABI_RING_H */
