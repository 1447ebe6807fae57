/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest memory access by guest virtual address, as the guest itself could
 * make it from ring 3.
 *
 * Guests own the lower canonical half; anything else (the hypervisor's
 * half, non-canonical addresses, ranges that wrap) is refused before it is
 * touched. Inside it, the hypervisor does not let the MMU translate for
 * it: ring 0 may use supervisor translations a guest cannot, and a guest
 * can manufacture some. Every guest L4 holds the hypervisor's own slots
 * (supervisor entries), so a read-only recursive L4 entry lets the MMU
 * walk the hypervisor's direct-map tables as if they were the guest's; in
 * that window guest addresses translate, supervisor-only, to any machine
 * frame. So guestmem walks the current guest root in software and goes on
 * only if every level is present and user-accessible (and writable, for a
 * write), exactly what a ring-3 access with CR0.WP needs; then it copies
 * through the direct map. Since the PV MMU forces PTE_U on every guest
 * entry (pvmm.c), "U at every level" admits all of the guest's own
 * mappings and none through a hypervisor slot but the read-only M2P
 * (slot 256, user-readable by design). SMAP no longer matters here: no
 * guest page is touched through a user mapping in ring 0.
 *
 * The walk does not set the Accessed and Dirty bits. One CPU, interrupts
 * off: the tables cannot change under the walk.
 */
#include <carapace/errno.h>

#include "arch.h"
#include "guestmem.h"
#include <arch/cpu.h>
#include <arch/guestmem.h>
#include <arch/paging.h>

#define GUEST_VA_LIMIT  0x0000800000000000ULL
#define GUESTMEM_OFFSET 0xfffULL

bool guestmem_range_ok(gva_t va, uint64_t len)
{
    return gva_val(va) <= GUEST_VA_LIMIT && len <= GUEST_VA_LIMIT - gva_val(va);
}

uint64_t guestmem_walk(uint64_t root, gva_t gva, bool write)
{
    const uint64_t need = PTE_P | PTE_U | (write ? PTE_W : 0);
    const uint64_t va = gva_val(gva);
    uint64_t e = root;

    if (va >= GUEST_VA_LIMIT)
        return GUESTMEM_FAULT;
    for (unsigned shift = 39;; shift -= 9) {
        const uint64_t *t = arch_phys_to_virt(e & PTE_ADDR_MASK);

        e = __atomic_load_n(&t[(va >> shift) & 511], __ATOMIC_RELAXED);
        if ((e & need) != need)
            return GUESTMEM_FAULT;
        if (shift == 12)
            return (e & PTE_ADDR_MASK) | (va & GUESTMEM_OFFSET);
        if (e & PTE_PS) /* no guest has superpages; a hypervisor slot may */
            return GUESTMEM_FAULT;
    }
}

/* One string move: what the copy cost before the software walk (the
 * hypervisor's memcpy moves a byte per loop iteration). */
static void guestmem_move(void *dst, const void *src, size_t n)
{
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

int guestmem_copy_root(uint64_t root, gva_t va, void *buf, size_t len,
                       bool write)
{
    uint8_t *b = buf;

    if (!guestmem_range_ok(va, len))
        return -CARAPACE_EFAULT;
    while (len > 0) {
        size_t chunk = PAGE_SIZE - (gva_val(va) & GUESTMEM_OFFSET);
        uint64_t pa = guestmem_walk(root, va, write);
        void *p;

        if (pa == GUESTMEM_FAULT)
            return -CARAPACE_EFAULT;
        if (chunk > len)
            chunk = len;
        p = arch_phys_to_virt(pa);
        if (write)
            guestmem_move(p, b, chunk);
        else
            guestmem_move(b, p, chunk);
        va = gva_add(va, chunk);
        b += chunk;
        len -= chunk;
    }
    return 0;
}

int guestmem_read(void *dst, gva_t va, size_t len)
{
    return guestmem_copy_root(read_cr3(), va, dst, len, false);
}

int guestmem_write(gva_t va, const void *src, size_t len)
{
    return guestmem_copy_root(read_cr3(), va, (void *)src, len, true);
}
