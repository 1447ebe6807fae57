/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shadow page tables, the generic part (spt.c): walking a trap-and-emulate
 * guest's own page tables in software, as the MMU would for it, and the
 * shadow entry that stands for a translation in the tables the CPU really
 * uses (shadow.c keeps those).
 *
 * A guest's page tables hold guest-physical addresses; the walk reads and
 * writes them only through the caller's callbacks, which refuse anything
 * outside the domain's RAM. So the walk can name a guest-physical page,
 * never a machine frame: the caller looks that up in the domain's own p2m,
 * and a guest can map nothing but its own RAM. Host-tested:
 * tests/unit/spt_test.c.
 */
#ifndef CARAPACE_ARCH_SPT_H
#define CARAPACE_ARCH_SPT_H

#include <stdbool.h>
#include <stdint.h>

/* The access a walk is for. */
#define SPT_WRITE 0x1
#define SPT_USER  0x2 /* the guest's user mode (virtual CPL 3) */
#define SPT_FETCH 0x4

/* The guest's #PF error code bits. */
#define SPT_PF_P    0x01 /* a protection fault (else: not present) */
#define SPT_PF_W    0x02
#define SPT_PF_U    0x04
#define SPT_PF_RSVD 0x08
#define SPT_PF_I    0x10

/* Read (write) the 8-byte entry at guest-physical gpa: false if gpa is
 * outside the domain's RAM. */
typedef bool (*spt_read_fn)(void *ctx, uint64_t gpa, uint64_t *val);
typedef bool (*spt_write_fn)(void *ctx, uint64_t gpa, uint64_t val);

struct spt_ops {
    spt_read_fn read;
    spt_write_fn write;
    void *ctx;
};

struct spt_walk {
    uint64_t gpa;      /* the translation of the address */
    bool write, user;  /* what the guest's entries allow, all levels */
    bool nx;           /* no fetch */
    bool dirty;        /* the leaf's D bit (set by the walk for a write) */
    uint64_t table[4]; /* guest-physical table frames used, root first */
    unsigned ntables;  /* 4, or fewer above a large page */
    uint32_t pf_error; /* -EFAULT: the #PF error code the guest gets */
    uint64_t bad_gpa;  /* -ERANGE: the address outside its RAM */
};

/* Guest-virtual va to guest-physical, through the tables at cr3 (a
 * guest-physical address), for the access `access` (SPT_*); nxe: the
 * guest's EFER.NXE. Sets the Accessed bits on the way and the Dirty bit of
 * the leaf for a write, as the MMU does. 0; -EFAULT: the guest takes a #PF
 * (w->pf_error); -ERANGE: a table or entry lies outside the domain's RAM
 * (w->bad_gpa), which no guest page fault describes: the caller crashes
 * the domain. */
int spt_walk(uint64_t cr3, uint64_t va, unsigned access, bool nxe,
             const struct spt_ops *ops, struct spt_walk *w);

/* The shadow leaf entry for walk w, the page being machine frame mfn:
 * present and user (everything of the guest runs in ring 3), writable
 * only if the guest's entries allow it, the page is dirty already (so the
 * first write still faults, and the walk sets D) and it is not one of
 * the guest's page tables (pt_frame), no-execute as the guest says. */
uint64_t spt_shadow_leaf(const struct spt_walk *w, uint64_t mfn, bool pt_frame);

#endif /* CARAPACE_ARCH_SPT_H */
