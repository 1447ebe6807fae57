/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The read-only M2P table at M2P_VIRT_START: it inverts the p2m for every
 * frame of the domain, it cannot be written (#PF, present + write), and
 * nothing of the hypervisor is mapped beside it (the page after the
 * table's end faults as not present).
 */
#include <carapace/mmu.h>

#include "guest.h"

const char test_title[] = "m2p: the read-only machine-to-guest table";

static volatile unsigned int faults;
static struct trap_frame last;

static void pf_handler(struct trap_frame *f)
{
    faults++;
    last = *f;
    f->rip = probe_end;
}

/* Write v to p, or fault: the handler resumes after the store. */
static void try_write(volatile uint64_t *p, uint64_t v)
{
    asm volatile("lea 2f(%%rip), %%r11\n\t"
                 "mov %%r11, %[end]\n\t"
                 "mov %[v], (%[p])\n"
                 "2:"
                 : [end] "=m"(probe_end)
                 : [p] "r"(p), [v] "r"(v)
                 : "r11", "memory");
}

static uint64_t try_read(volatile uint64_t *p)
{
    uint64_t v = 0xdead;

    asm volatile("lea 2f(%%rip), %%r11\n\t"
                 "mov %%r11, %[end]\n\t"
                 "mov (%[p]), %[v]\n"
                 "2:"
                 : [end] "=m"(probe_end), [v] "+r"(v)
                 : [p] "r"(p)
                 : "r11", "memory");
    return v;
}

void test_main(void)
{
    const volatile uint64_t *m2p = (const volatile uint64_t *)M2P_VIRT_START;
    uint64_t bad = 0, max_mfn = 0, end;

    trap_set_handler(14, pf_handler);
    test_expect_eq(trap_install(0), 0, "set_trap_table({#PF})");
    for (uint64_t g = 0; g < start_info.nr_frames; g++) {
        bad += m2p[p2m[g]] != g;
        if (p2m[g] > max_mfn)
            max_mfn = p2m[g];
    }
    test_expect_eq(bad, 0, "m2p[p2m[g]] == g for every guest frame");
    printf("%lu frames checked, highest mfn %#lx\n",
           (unsigned long)start_info.nr_frames, (unsigned long)max_mfn);

    try_write((volatile uint64_t *)&m2p[p2m[0]], 1234);
    test_expect_eq(faults, 1, "a write to the M2P faults");
    test_expect_eq(last.error_code, 0x7, "#PF: present, write, user");
    test_expect_eq(m2p[p2m[0]], 0, "the entry is unchanged");

    /* 128 MiB of RAM (test.cfg): the table ends at 32768 * 8 bytes. */
    end = M2P_VIRT_START + 32768 * 8;
    test_expect_eq(try_read((volatile uint64_t *)(end - 8)), M2P_INVALID,
                   "the table's last entry (no RAM there) is invalid");
    test_expect_eq(faults, 1, "and readable");
    try_read((volatile uint64_t *)end);
    test_expect_eq(faults, 2, "the page after the table faults");
    test_expect_eq(last.error_code, 0x4, "#PF: not present, read, user");
    try_read((volatile uint64_t *)(M2P_VIRT_START + (1ULL << 39) - 8));
    test_expect_eq(faults, 3, "the end of the M2P slot faults");
}
