/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The grant-reference allocator. The table (one frame from
 * arch_grant_setup, mapped by the arch layer) is set up on first use; free
 * refs are a stack. Granting writes gfn and domid, then publishes flags
 * with a release store; ending swaps flags from the value written to 0,
 * which fails while the hypervisor has GTF_reading/GTF_writing set (the
 * grantee maps the page): such a ref stays granted until it unmaps.
 * Ref 0 is the console ring's in a domU (the builder granted it): never
 * handed out.
 */
#include "grant.h"
#include "arch.h"
#include "print.h"
#include "uapi/sys.h"

static struct arch_grant_entry *grant_table;
static int grant_setup_err; /* after a failed setup: don't retry */
static uint16_t grant_free_refs[ARCH_GRANT_PER_FRAME];
static unsigned int grant_nfree;
static uint16_t grant_flags[ARCH_GRANT_PER_FRAME]; /* what we wrote */

static int grant_init(void)
{
    int err = 0;

    if (grant_table)
        return 0;
    if (grant_setup_err)
        return grant_setup_err;
    grant_table = arch_grant_setup(&err);
    if (!grant_table) {
        grant_setup_err = err ? err : -SYS_EIO;
        return grant_setup_err;
    }
    /* Ref 0 is reserved (the console); hand out the low refs first. */
    for (unsigned int r = ARCH_GRANT_PER_FRAME - 1; r >= 1; r--)
        grant_free_refs[grant_nfree++] = (uint16_t)r;
    return 0;
}

static void grant_write(uint16_t ref, uint32_t dom, uint32_t gfn, bool readonly)
{
    struct arch_grant_entry *e = &grant_table[ref];
    uint16_t flags = ARCH_GTF_permit_access;

    e->domid = (uint16_t)dom;
    e->pad = 0;
    e->gfn = gfn;
    if (readonly)
        flags |= ARCH_GTF_readonly;
    grant_flags[ref] = flags;
    __atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

int grant_access(uint32_t dom, uint32_t gfn, bool readonly)
{
    int err = grant_init();
    uint16_t ref;

    if (err)
        return err;
    if (dom > 0xffff)
        return -SYS_EINVAL;
    if (grant_nfree == 0)
        return -SYS_ENOSPC;
    ref = grant_free_refs[--grant_nfree];
    grant_write(ref, dom, gfn, readonly);
    return ref;
}

int grant_access_ref(uint32_t ref, uint32_t dom, uint32_t gfn, bool readonly)
{
    int err = grant_init();
    unsigned int i;

    if (err)
        return err;
    if (dom > 0xffff || ref == 0 || ref >= ARCH_GRANT_PER_FRAME)
        return -SYS_EINVAL;
    for (i = 0; i < grant_nfree && grant_free_refs[i] != ref; i++)
        ;
    if (i == grant_nfree)
        return -SYS_EEXIST;
    grant_free_refs[i] = grant_free_refs[--grant_nfree];
    grant_write((uint16_t)ref, dom, gfn, readonly);
    return (int)ref;
}

int grant_end(uint32_t ref)
{
    uint16_t expect;

    if (!grant_table || ref == 0 || ref >= ARCH_GRANT_PER_FRAME ||
        !grant_flags[ref])
        return -SYS_EINVAL;
    expect = grant_flags[ref];
    if (!__atomic_compare_exchange_n(&grant_table[ref].flags, &expect, 0, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return -SYS_EBUSY; /* mapped (reading/writing set) */
    grant_flags[ref] = 0;
    grant_free_refs[grant_nfree++] = (uint16_t)ref;
    return 0;
}

int grant_map(uint32_t dom, uint32_t ref, bool readonly, void **va,
              uint32_t *handle)
{
    return arch_grant_map(dom, ref, readonly, va, handle);
}

int grant_unmap(void *va, uint32_t handle)
{
    return arch_grant_unmap(va, handle);
}

unsigned int grant_free_count(void)
{
    return grant_nfree;
}
