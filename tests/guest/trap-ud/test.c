/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_set_trap_table: a #UD handler receives ud2 with the documented frame,
 * returns through HC_iret with the registers intact, and a bad table is
 * refused as a whole, leaving the previous one in force.
 */
#include "guest.h"

const char test_title[] = "trap-ud: #UD delivery, HC_iret, trap table checks";

static volatile unsigned int ud_count;
static struct trap_frame ud_frame;
static struct trap_regs ud_regs;
static uint64_t ud_frame_addr;

static void ud_handler(struct trap_frame *f)
{
    ud_count++;
    ud_frame = *f;
    ud_regs = *trap_regs(f);
    ud_frame_addr = (uint64_t)f;
    f->rip += 2; /* ud2 */
}

/* A second entry point for #UD: counts, then the common entry. Tables that
 * point #UD here show whether a refused table was applied in part. */
extern char ud_alt_entry[];
volatile uint64_t ud_alt_count;
asm(".text\n"
    ".globl ud_alt_entry\n"
    "ud_alt_entry:\n"
    "    lock incq ud_alt_count(%rip)\n"
    "    jmp trap_entry\n");

/* Do one ud2; returns the handler's count after it. */
static unsigned int do_ud2(void)
{
    asm volatile("ud2" ::: "memory");
    return ud_count;
}

#define PATTERN(i) (0x7e57000000000000ULL | ((uint64_t)(i) << 8) | (i))

/* ud_regs_probe(out): every register but rsp gets PATTERN(index), ud2,
 * then every register is stored in out[] (indices as above). */
void ud_regs_probe(uint64_t *out);
asm(".text\n"
    ".globl ud_regs_probe\n"
    "ud_regs_probe:\n" GUEST_PROBE_PROLOGUE
    "    movabs $0x7e57000000000000, %rax\n"
    "    movabs $0x7e57000000000101, %rbx\n"
    "    movabs $0x7e57000000000202, %rcx\n"
    "    movabs $0x7e57000000000303, %rdx\n"
    "    movabs $0x7e57000000000404, %rsi\n"
    "    movabs $0x7e57000000000505, %rdi\n"
    "    movabs $0x7e57000000000606, %rbp\n"
    "    movabs $0x7e57000000000707, %r8\n"
    "    movabs $0x7e57000000000808, %r9\n"
    "    movabs $0x7e57000000000909, %r10\n"
    "    movabs $0x7e57000000000a0a, %r11\n"
    "    movabs $0x7e57000000000b0b, %r12\n"
    "    movabs $0x7e57000000000c0c, %r13\n"
    "    movabs $0x7e57000000000d0d, %r14\n"
    "    movabs $0x7e57000000000e0e, %r15\n"
    "    ud2\n" GUEST_PROBE_EPILOGUE);

static void check_delivery(void)
{
    uint64_t at, sp;
    unsigned int before = ud_count;

    asm volatile("lea 1f(%%rip), %0\n\t"
                 "mov %%rsp, %1\n"
                 "1:\tud2"
                 : "=&r"(at), "=&r"(sp)
                 :
                 : "memory");
    test_expect_eq(ud_count - before, 1, "ud2 reached the #UD handler once");
    test_expect_eq(ud_frame.vector, 6, "frame->vector");
    test_expect_eq(ud_frame.rip, at, "frame->rip is the ud2");
    test_expect_eq(ud_frame.error_code, 0, "frame->error_code");
    test_expect_eq(ud_frame.flags & TRAP_FRAME_USER, 0,
                   "frame->flags has no TRAP_FRAME_USER (kernel mode)");
    test_expect_eq(ud_frame.flags & ~(uint64_t)TRAP_FRAME_USER, 0,
                   "frame->flags has no unknown bits");
    test_expect_eq(ud_frame.rsp, sp, "frame->rsp is rsp at the ud2");
    test_check(ud_frame.rsp >= ud_frame_addr + sizeof(struct trap_frame),
               "the frame (%#lx) lies below the interrupted rsp (%#lx)",
               (unsigned long)ud_frame_addr, (unsigned long)ud_frame.rsp);
    test_expect_eq(ud_frame_addr & 7, 0, "the frame is 8-byte aligned");
    test_expect_eq(ud_frame.rflags & 0x200, 0,
                   "frame->rflags.IF clear: events were masked");
}

static void check_registers(void)
{
    uint64_t out[15] = {0};
    char what[64];

    ud_regs_probe(out);
    for (int i = 0; i < 15; i++) {
        snprintf(what, sizeof(what), "%s in the handler", guest_reg_names[i]);
        test_expect_eq(((uint64_t *)&ud_regs)[i], PATTERN(i), what);
    }
    for (int i = 0; i < 15; i++) {
        /* rax, rcx, rdi and r11 come back through the iret frame. */
        snprintf(what, sizeof(what), "%s after HC_iret%s", guest_reg_names[i],
                 (i == RAX || i == RCX || i == RDI || i == R11)
                     ? " (via the iret frame)"
                     : "");
        test_expect_eq(out[i], PATTERN(i), what);
    }
}

static void refused(const struct trap_info *table, int64_t err,
                    const char *what)
{
    unsigned int before = ud_count;
    uint64_t alt_before = ud_alt_count;

    test_expect_eq(hc_set_trap_table(table), err, what);
    test_expect_eq(do_ud2() - before, 1, "  ud2 still reaches the old handler");
    test_expect_eq(ud_alt_count - alt_before, 0,
                   "  through the old entry (nothing applied)");
}

void test_main(void)
{
    const uint64_t entry = (uint64_t)trap_entry, alt = (uint64_t)ud_alt_entry;
    /* Each bad table first points #UD at ud_alt_entry, then has a bad entry. */
    const struct trap_info alt_only[] = {{.vector = 6, .address = alt}, {0}};
    const struct trap_info bad_vector[] = {
        {.vector = 6, .address = alt}, {.vector = 40, .address = entry}, {0}};
    const struct trap_info bad_pad[] = {
        {.vector = 6, .address = alt},
        {.vector = 13, .pad = {0, 0, 0, 1, 0, 0}, .address = entry},
        {0}};
    const struct trap_info bad_flags[] = {
        {.vector = 6, .address = alt},
        {.vector = 13, .flags = 0x80, .address = entry},
        {0}};
    const struct trap_info bad_noncanon[] = {
        {.vector = 6, .address = alt},
        {.vector = 13, .address = GUEST_VA_END},
        {0}};
    const struct trap_info bad_hyp[] = {
        {.vector = 6, .address = alt},
        {.vector = 13, .address = HYP_VA_EXAMPLE},
        {0}};

    trap_set_handler(6, ud_handler);
    test_expect_eq(trap_install(0), 0, "set_trap_table({#UD: trap_entry})");
    check_delivery();
    check_registers();

    /* The alternative entry works when the table is good... */
    test_expect_eq(hc_set_trap_table(alt_only), 0,
                   "set_trap_table({#UD: ud_alt_entry})");
    test_expect_eq(ud_alt_count, 0, "ud_alt_entry not used yet");
    do_ud2();
    test_expect_eq(ud_alt_count, 1, "ud2 went through ud_alt_entry");
    test_expect_eq(trap_install(0), 0,
                   "set_trap_table({#UD: trap_entry}) again");
    ud_alt_count = 0;

    /* ...and a bad table changes nothing at all. */
    refused(bad_vector, -CARAPACE_EINVAL, "table with vector 40");
    refused(bad_pad, -CARAPACE_EINVAL, "table with non-zero pad");
    refused(bad_flags, -CARAPACE_EINVAL, "table with unknown flags 0x80");
    refused(bad_noncanon, -CARAPACE_EINVAL,
            "table with handler 0x0000800000000000");
    refused(bad_hyp, -CARAPACE_EINVAL,
            "table with handler in the hypervisor half");
    refused((const void *)0x1000, -CARAPACE_EFAULT, "table pointer unmapped");
    refused((const void *)HYP_VA_EXAMPLE, -CARAPACE_EFAULT,
            "table pointer in the hypervisor half");
}
