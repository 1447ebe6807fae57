/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The demo kernel's probes of a shadow MMU (goldberg.c runs them when its
 * command line names them instead of the instruction probes). They use
 * the last two slots of the kernel's one L1 (boot.S: gb_l1 maps 0..2 MiB),
 * virtual 0x1fe000 and 0x1ff000, as windows, and tables of their own.
 *
 *   alias       map the L1 itself at 0x1fe000 (writable), and through that
 *               alias point 0x1ff000 at page A, then at page B: each read
 *               must see the page just mapped (a shadow that missed a
 *               write through an alias would show the old one)
 *   cr3race     a second address space whose L1 is written while it is
 *               not the current one, just before the switch to it, and
 *               again after switching back: every read after a switch
 *               sees the last write
 *   foreign     point 0x1ff000 at guest-physical 1 GiB, outside the RAM
 *               of any small domain, and read it
 *   foreigntable  point an L2 entry at a "table" at 1 GiB and read
 *               through it
 *   hyprange    map and read an address in the hypervisor's half
 *               (0xffff800000000000, PML4 slot 256)
 *   triple      an exception with an empty IDT (a triple fault)
 *   outs        string port I/O (rep outsb), which is not emulated
 *   dr          a write to a debug register (DR7)
 *   nopaging    CR0 with paging off
 *
 * alias and cr3race print `goldberg: attack NAME ... verdict=ok|stale` and
 * must be ok everywhere; the others must never return on a trap domain
 * (the hypervisor crashes the domain, with a report, and goes on); if one
 * does return, it says so with verdict=mapped (or verdict=survived).
 */
#include <stdint.h>

#include "goldberg.h"

#define PTE_PWU 0x7UL
#define WIN     0x1ff000UL /* L1 slot 511 */
#define ALIAS   0x1fe000UL /* L1 slot 510 */
#define FOREIGN 0x40000000UL

extern uint64_t goldberg_l4[512], gb_l2[512], gb_l1_table[512] __asm__("gb_l1");
/* Every page-table write is volatile: the order of the writes and of the
 * accesses through them is the test. */
#define gb_l1 ((volatile uint64_t *)gb_l1_table)

static unsigned long page_a[512] __attribute__((aligned(4096)));
static unsigned long page_b[512] __attribute__((aligned(4096)));
/* The second address space of cr3race, and the hyprange tables. */
static volatile uint64_t l4b[512] __attribute__((aligned(4096)));
static volatile uint64_t l3b[512] __attribute__((aligned(4096)));
static volatile uint64_t l2b[512] __attribute__((aligned(4096)));
static volatile uint64_t l1b[512] __attribute__((aligned(4096)));

static void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

static void set_cr3(uint64_t pa)
{
    __asm__ volatile("mov %0, %%cr3" ::"r"(pa) : "memory");
}

static unsigned long peek(unsigned long va)
{
    return *(volatile unsigned long *)va;
}

static void attack_alias(void)
{
    volatile uint64_t *alias = (volatile uint64_t *)ALIAS;
    unsigned long first, second;

    gb_l1[510] = (uintptr_t)gb_l1 | PTE_PWU;
    invlpg(ALIAS);
    alias[511] = (uintptr_t)page_a | PTE_PWU;
    invlpg(WIN);
    first = peek(WIN);
    alias[511] = (uintptr_t)page_b | PTE_PWU;
    invlpg(WIN);
    second = peek(WIN);
    alias[511] = 0;
    gb_l1[510] = 0;
    invlpg(WIN);
    invlpg(ALIAS);
    gb_printf("goldberg: attack alias: through an alias of its L1, %#lx "
              "read %#lx then %#lx (pages A, B: %#lx, %#lx) verdict=%s\n",
              WIN, first, second, page_a[0], page_b[0],
              first == page_a[0] && second == page_b[0] ? "ok" : "stale");
}

static void attack_cr3race(void)
{
    unsigned long reads[3];

    for (unsigned i = 0; i < 512; i++)
        l1b[i] = gb_l1[i];
    l4b[0] = (uintptr_t)l3b | PTE_PWU;
    l3b[0] = (uintptr_t)l2b | PTE_PWU;
    l2b[0] = (uintptr_t)l1b | PTE_PWU;
    l1b[511] = (uintptr_t)page_a | PTE_PWU; /* while not current */
    set_cr3((uintptr_t)l4b);
    reads[0] = peek(WIN);
    l1b[511] = (uintptr_t)page_b | PTE_PWU; /* while current */
    invlpg(WIN);
    reads[1] = peek(WIN);
    set_cr3((uintptr_t)goldberg_l4);
    l1b[511] = (uintptr_t)page_a | PTE_PWU; /* not current again */
    set_cr3((uintptr_t)l4b);
    reads[2] = peek(WIN);
    set_cr3((uintptr_t)goldberg_l4);
    gb_printf("goldberg: attack cr3race: a second root's L1 written around "
              "CR3 switches, %#lx read %#lx %#lx %#lx verdict=%s\n",
              WIN, reads[0], reads[1], reads[2],
              reads[0] == page_a[0] && reads[1] == page_b[0] &&
                      reads[2] == page_a[0]
                  ? "ok"
                  : "stale");
}

/* The three that a trap domain must not survive. */
static void attack_foreign(int kind)
{
    unsigned long va = WIN, got;

    if (kind == 0) {
        gb_l1[511] = FOREIGN | PTE_PWU;
    } else if (kind == 1) {
        ((volatile uint64_t *)gb_l2)[1] = FOREIGN | PTE_PWU; /* 2-4 MiB */
        va = 0x200000;
    } else {
        l3b[0] = (uintptr_t)l2b | PTE_PWU;
        l2b[0] = (uintptr_t)l1b | PTE_PWU;
        l1b[0] = (uintptr_t)page_a | PTE_PWU;
        ((volatile uint64_t *)goldberg_l4)[256] = (uintptr_t)l3b | PTE_PWU;
        va = 0xffff800000000000UL;
    }
    invlpg(va);
    got = peek(va);
    gb_printf("goldberg: attack %s: read %#lx at %#lx verdict=mapped\n",
              kind == 0   ? "foreign"
              : kind == 1 ? "foreigntable"
                          : "hyprange",
              got, va);
}

/* What a trap domain must be crashed for, each with its report. */
static void attack_misbehave(unsigned mask)
{
    static const struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};
    unsigned long cr0;

    if (mask & GB_ATTACK_TRIPLE) {
        __asm__ volatile("lidt %0\n\tud2" ::"m"(empty));
    } else if (mask & GB_ATTACK_OUTS) {
        __asm__ volatile("rep outsb" ::"S"(page_a), "c"(4), "d"(0x3f8)
                         : "memory");
    } else if (mask & GB_ATTACK_DR) {
        __asm__ volatile("mov %0, %%dr7" ::"r"(0UL));
    } else {
        __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
        __asm__ volatile("mov %0, %%cr0" ::"r"(cr0 & ~(1UL << 31)));
    }
    gb_printf("goldberg: attack misbehave %#x verdict=survived\n", mask);
}

void gb_attacks_run(unsigned mask)
{
    for (unsigned i = 0; i < 512; i++) {
        page_a[i] = 0xaaaa0000 + i;
        page_b[i] = 0xbbbb0000 + i;
    }
    if (mask & GB_ATTACK_ALIAS)
        attack_alias();
    if (mask & GB_ATTACK_CR3RACE)
        attack_cr3race();
    if (mask & GB_ATTACK_FOREIGN)
        attack_foreign(0);
    if (mask & GB_ATTACK_FOREIGNTABLE)
        attack_foreign(1);
    if (mask & GB_ATTACK_HYPRANGE)
        attack_foreign(2);
    if (mask &
        (GB_ATTACK_TRIPLE | GB_ATTACK_OUTS | GB_ATTACK_DR | GB_ATTACK_NOPAGING))
        attack_misbehave(mask);
}
