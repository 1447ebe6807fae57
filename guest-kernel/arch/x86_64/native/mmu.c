/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * User address spaces on the bare MMU: page tables written directly, CR3
 * loaded and TLB entries flushed with the real instructions.
 *
 * Layout, as on the pv backend: a process's root L4 has slot 0 only,
 * pointing to its L3, whose entry 0 is its one L2 (the user GiB) with L1s
 * under it made on demand. Unlike pv, the same root also maps the kernel:
 * L3 entry 1 is the kernel's L2 (boot.S), without the user bit, so ring 3
 * cannot reach it and no root switch is needed to enter the kernel. The
 * kernel still touches user memory only through its linear map (vm.c).
 *
 * The pv backend batches updates into one hypercall; here a write is a
 * store, so arch_space_commit has nothing to send. An unmap flushes its
 * TLB entry with invlpg (the one case in which a stale entry could let a
 * process reach a freed frame).
 */
#include <string.h>

#include "arch.h"
#include "cpu.h"
#include "frame.h"
#include "native.h"
#include "print.h"
#include "uapi/sys.h"

#define PTE_P  0x001ULL
#define PTE_W  0x002ULL
#define PTE_U  0x004ULL
#define PTE_NX (1ULL << 63)

#define MMU_TABLE (PTE_P | PTE_W | PTE_U)

static struct arch_space *mmu_current; /* the user root now, NULL: boot's */

static uint64_t mmu_pte(uint32_t gfn, uint64_t flags)
{
    return (frame_mfn(gfn) << ARCH_PAGE_SHIFT) | flags;
}

static uint64_t *mmu_table(uint32_t gfn)
{
    return frame_va(gfn);
}

static void mmu_load_root(uint64_t phys)
{
    asm volatile("mov %0, %%cr3" ::"r"(phys) : "memory");
}

void arch_tlb_flush(void)
{
    uint64_t cr3;

    asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
}

void arch_space_commit(void)
{
}

int arch_space_create(struct arch_space *s)
{
    uint64_t *l4, *l3;

    if (cpu_space_tables(s))
        return -SYS_ENOMEM;
    l4 = mmu_table(s->l4);
    l3 = mmu_table(s->l3);
    l4[0] = mmu_pte(s->l3, MMU_TABLE);
    l3[0] = mmu_pte(s->l2, MMU_TABLE);
    l3[1] = native_phys(native_kernel_l2) | PTE_P | PTE_W; /* not user */
    return 0;
}

int arch_space_map(struct arch_space *s, uint64_t va, uint32_t gfn,
                   unsigned int flags)
{
    unsigned int i2 = (unsigned int)(va >> 21) & 511;
    unsigned int i1 = (unsigned int)(va >> 12) & 511;
    uint64_t *l1, old, pte = PTE_P | PTE_U;

    if (va >= ARCH_USER_END)
        panic("arch_space_map: %#lx is not a user address", (long)va);
    if (!s->l1[i2]) {
        uint32_t t = frame_alloc();

        if (!t)
            return -SYS_ENOMEM;
        mmu_table(s->l2)[i2] = mmu_pte(t, MMU_TABLE);
        s->l1[i2] = t;
    }
    if (flags & ARCH_MAP_WRITE)
        pte |= PTE_W;
    if (!(flags & ARCH_MAP_EXEC))
        pte |= PTE_NX;
    l1 = mmu_table(s->l1[i2]);
    old = l1[i1];
    l1[i1] = mmu_pte(gfn, pte);
    if ((old & PTE_P) && mmu_current == s)
        asm volatile("invlpg (%0)" ::"r"(va) : "memory");
    return 0;
}

uint32_t arch_space_lookup(struct arch_space *s, uint64_t va,
                           unsigned int *flags)
{
    return cpu_space_lookup(s, va, flags);
}

void arch_space_each(struct arch_space *s, void (*fn)(uint32_t gfn))
{
    cpu_space_each(s, fn);
}

void arch_space_destroy(struct arch_space *s)
{
    /* Off the root first: its frames go back to the free list. */
    if (mmu_current == s) {
        mmu_load_root(native_phys(native_boot_l4));
        mmu_current = NULL;
    }
    cpu_space_free(s);
}

void arch_space_switch(struct arch_space *s, uint64_t kstack_top)
{
    if (mmu_current != s) {
        mmu_load_root(frame_mfn(s->l4) << ARCH_PAGE_SHIFT);
        mmu_current = s;
    }
    native_set_kstack(kstack_top);
    native_wrmsr(0xc0000100, s->fs_base); /* MSR_FS_BASE */
}

int arch_space_set_tls(struct arch_space *s, uint64_t fs_base)
{
    if (fs_base >= ARCH_USER_END)
        return -SYS_EINVAL;
    s->fs_base = fs_base;
    if (mmu_current == s)
        native_wrmsr(0xc0000100, fs_base);
    return 0;
}
