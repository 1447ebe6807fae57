/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The GDT and the TSS. In long mode segments are flat; the GDT matters for
 * privilege levels and for the TSS, which gives the ring-0 stack for
 * entries from guests (rsp0) and the separate IST stacks for double fault,
 * NMI and machine check.
 */
#include <stdint.h>

#include <arch/gdt.h>
#include <arch/layout.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "TSS layout");

extern char boot_stack_top[], ist_df_top[], ist_nmi_top[], ist_mc_top[];

static struct tss gdt_tss __attribute__((aligned(16)));

/* Descriptor bits: present, DPL, code/data, long mode, granularity. */
#define SEG_CODE64(dpl) (0x00af9a000000ffffULL | ((uint64_t)(dpl) << 45))
#define SEG_DATA(dpl)   (0x00cf92000000ffffULL | ((uint64_t)(dpl) << 45))

/*
 * No 32-bit code segment, at any privilege level: a guest that could load
 * one (a far jump to it) would run in compatibility mode, where `syscall`
 * enters ring 0 at MSR_CSTAR and `sysenter` is valid on some CPUs. Slot
 * 0x18 stays empty (a far jump to it is a #GP): it only exists because
 * SYSRET derives the selectors after it (gdt.h).
 */
static uint64_t gdt_table[8] __attribute__((aligned(16))) = {
    0,
    SEG_CODE64(0), /* 0x08 */
    SEG_DATA(0),   /* 0x10 */
    0,             /* 0x18: SYSRET's base, never a segment */
    SEG_DATA(3),   /* 0x20 */
    SEG_CODE64(3), /* 0x28 */
    0,             /* 0x30: TSS, filled in by gdt_init */
    0,
};

static void gdt_set_tss(void)
{
    uint64_t base = (uint64_t)&gdt_tss;
    uint64_t limit = sizeof(gdt_tss) - 1;

    /* A 16-byte system descriptor: type 9 (available 64-bit TSS). */
    gdt_table[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                             (0x89ULL << 40) | ((limit >> 16) << 48) |
                             ((base >> 24) & 0xff) << 56;
    gdt_table[GDT_TSS / 8 + 1] = base >> 32;
}

void gdt_init(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed))
    ptr = {sizeof(gdt_table) - 1, (uint64_t)gdt_table};

    gdt_tss.rsp[0] = (uint64_t)boot_stack_top;
    gdt_tss.ist[IST_DF - 1] = (uint64_t)ist_df_top;
    gdt_tss.ist[IST_NMI - 1] = (uint64_t)ist_nmi_top;
    gdt_tss.ist[IST_MC - 1] = (uint64_t)ist_mc_top;
    gdt_tss.iomap_base = sizeof(gdt_tss); /* no I/O bitmap: guests get #GP */
    gdt_set_tss();

    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(ptr), "i"(GDT_HV_CS), "i"(GDT_HV_DS), "r"(GDT_TSS)
                     : "rax", "memory");
}
