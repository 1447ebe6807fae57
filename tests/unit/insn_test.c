/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the trap-and-emulate instruction decoder
 * (hypervisor/arch/x86_64/insn.c): each instruction of a table of byte
 * strings (as gas assembles them) decodes to the expected length, opcode
 * and operands; truncated, over-long and unknown ones are refused with
 * their codes; then random byte strings, each in a heap buffer of exactly
 * its size, never make it read past the end (ASan) nor return a length
 * beyond the bytes or 15.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/insn.h"
#include "check.h"
#include <carapace/errno.h>

struct vec {
    const char *what;
    uint8_t b[16];
    size_t n;
    int err;
    uint8_t len;
    uint16_t op;
    const char *name;
};

#define V(what, name, op, len, ...)                                            \
    {                                                                          \
        what, {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__}), 0, len, op,     \
            name                                                               \
    }
#define BAD(what, err, ...)                                                    \
    {                                                                          \
        what, {__VA_ARGS__}, sizeof((uint8_t[]){__VA_ARGS__}), err, 0, 0, NULL \
    }

static const struct vec vecs[] = {
    V("cli", "cli", 0xfa, 1, 0xfa),
    V("sti", "sti", 0xfb, 1, 0xfb),
    V("hlt", "hlt", 0xf4, 1, 0xf4),
    V("lgdt 0x10(%rip)", "lgdt", INSN_0F(0x01), 7, 0x0f, 0x01, 0x15, 0x10, 0, 0,
      0),
    V("lidt (%rax)", "lidt", INSN_0F(0x01), 3, 0x0f, 0x01, 0x18),
    V("sgdt (%rdi)", "sgdt", INSN_0F(0x01), 3, 0x0f, 0x01, 0x07),
    V("mov %rax,%cr3", "mov to cr", INSN_0F(0x22), 3, 0x0f, 0x22, 0xd8),
    V("mov %cr4,%rax", "mov from cr", INSN_0F(0x20), 3, 0x0f, 0x20, 0xe0),
    V("ltr %ax", "ltr", INSN_0F(0x00), 3, 0x0f, 0x00, 0xd8),
    V("iretq", "iret", 0xcf, 2, 0x48, 0xcf),
    V("int $0x80", "int", 0xcd, 2, 0xcd, 0x80),
    V("out %al,$0x80", "out", 0xe6, 2, 0xe6, 0x80),
    V("out %ax,(%dx)", "out", 0xef, 2, 0x66, 0xef),
    V("swapgs", "swapgs", INSN_0F(0x01), 3, 0x0f, 0x01, 0xf8),
    V("wrmsr", "wrmsr", INSN_0F(0x30), 2, 0x0f, 0x30),
    V("lretq", "lret", 0xcb, 2, 0x48, 0xcb),
    V("lcall *(%rax)", "far call or jmp", 0xff, 2, 0xff, 0x18),
    V("mov %eax,%ds", "mov to a segment register", 0x8e, 2, 0x8e, 0xd8),
    V("pop %fs", "pop fs", INSN_0F(0xa1), 2, 0x0f, 0xa1),
    V("smsw %eax", "smsw", INSN_0F(0x01), 3, 0x0f, 0x01, 0xe0),
    V("vmmcall", "vmmcall", INSN_0F(0x01), 3, 0x0f, 0x01, 0xd9),
    BAD("nop", -CARAPACE_EINVAL, 0x90),
    BAD("prefetchw", -CARAPACE_EINVAL, 0x0f, 0x0d, 0x08),
    BAD("inc (%rax): ff /0", -CARAPACE_EINVAL, 0xff, 0x00),
    BAD("call *%rax: ff /2", -CARAPACE_EINVAL, 0xff, 0xd0),
    BAD("lcall with a register operand", -CARAPACE_EINVAL, 0xff, 0xd8),
    BAD("0f 01 /5 with memory", -CARAPACE_EINVAL, 0x0f, 0x01, 0x28),
    BAD("mov $1,(%rax) as c7 /1", -CARAPACE_EINVAL, 0xc7, 0x08, 1, 0, 0, 0),
    BAD("0f alone", -CARAPACE_EFAULT, 0x0f),
    BAD("0f 01 alone", -CARAPACE_EFAULT, 0x0f, 0x01),
    BAD("lgdt with its displacement cut", -CARAPACE_EFAULT, 0x0f, 0x01, 0x15,
        0x10),
    BAD("int with no vector", -CARAPACE_EFAULT, 0xcd),
    BAD("prefixes only", -CARAPACE_EFAULT, 0x66, 0x66, 0x48),
    BAD("16 bytes: 15 prefixes and cli", -CARAPACE_EINVAL, 0x66, 0x66, 0x66,
        0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
        0xfa),
};

static void test_table(void)
{
    for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
        const struct vec *v = &vecs[i];
        struct insn in;
        int err = insn_decode(v->b, v->n, &in);

        if (err != v->err)
            printf("%s: error %d, expected %d\n", v->what, err, v->err);
        CHECK_EQ(err, v->err);
        if (err || v->err)
            continue;
        if (in.len != v->len || in.op != v->op)
            printf("%s: len %u op %#x\n", v->what, in.len, in.op);
        CHECK_EQ(in.len, v->len);
        CHECK_EQ(in.op, v->op);
        CHECK_STR(insn_name(&in), v->name);
    }
}

static uint64_t regs[INSN_GPRS];

/* Decode b[0..n), which must succeed with length n. */
static struct insn decode(const uint8_t *b, size_t n)
{
    struct insn in;

    CHECK_EQ(insn_decode(b, n, &in), 0);
    CHECK_EQ(in.len, n);
    return in;
}

static void test_operands(void)
{
    struct insn in;

    for (unsigned r = 0; r < INSN_GPRS; r++)
        regs[r] = 0x1000 * (r + 1);
    /* mov %rax,%cr8: REX.R extends the control register. */
    in = decode((const uint8_t[]){0x44, 0x0f, 0x22, 0xc0}, 4);
    CHECK_EQ(in.reg, 8);
    CHECK_EQ(in.rm, INSN_RAX);
    CHECK(!insn_has_mem(&in));
    /* mov %cr3,%r9: REX.B extends the register. */
    in = decode((const uint8_t[]){0x41, 0x0f, 0x20, 0xd9}, 4);
    CHECK_EQ(in.reg, 3);
    CHECK_EQ(in.rm, 9);
    CHECK_EQ(in.opsize, 8);
    /* lgdt 0x10(%rip) at 0x5000: from the next instruction. */
    in = decode((const uint8_t[]){0x0f, 0x01, 0x15, 0x10, 0, 0, 0}, 7);
    CHECK(in.rip_rel);
    CHECK_EQ(insn_ea(&in, regs, 0x5000), 0x5017);
    /* invlpg (%rsp): a SIB with no index. */
    in = decode((const uint8_t[]){0x0f, 0x01, 0x3c, 0x24}, 4);
    CHECK_STR(insn_name(&in), "invlpg");
    CHECK_EQ(insn_ea(&in, regs, 0), regs[INSN_RSP]);
    /* invlpg 0x10(%rax,%rcx,4) */
    in = decode((const uint8_t[]){0x0f, 0x01, 0x7c, 0x88, 0x10}, 5);
    CHECK_EQ(insn_ea(&in, regs, 0), regs[INSN_RAX] + 4 * regs[INSN_RCX] + 0x10);
    /* invlpg 0x1000(,%r12,8): REX.X, no base, disp32. */
    in = decode((const uint8_t[]){0x42, 0x0f, 0x01, 0x3c, 0xe5, 0, 0x10, 0, 0},
                9);
    CHECK_EQ(in.base, INSN_NO_REG);
    CHECK_EQ(in.index, 12);
    CHECK_EQ(insn_ea(&in, regs, 0), 8 * regs[12] + 0x1000);
    /* lidt -8(%rbp): disp8 is signed. */
    in = decode((const uint8_t[]){0x0f, 0x01, 0x5d, 0xf8}, 4);
    CHECK_EQ(insn_ea(&in, regs, 0), regs[INSN_RBP] - 8);
    /* lgdt 0x100(%r13): mod 2, REX.B, disp32. */
    in = decode((const uint8_t[]){0x41, 0x0f, 0x01, 0x95, 0, 1, 0, 0}, 8);
    CHECK_EQ(insn_ea(&in, regs, 0), regs[13] + 0x100);
    /* movq $-1,(%rax): imm32 sign-extended to 64 bits. */
    in = decode((const uint8_t[]){0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff}, 7);
    CHECK_EQ(in.imm, UINT64_MAX);
    CHECK_EQ(in.opsize, 8);
    /* movw $0x1234,(%rax): a 16-bit immediate. */
    in = decode((const uint8_t[]){0x66, 0xc7, 0x00, 0x34, 0x12}, 5);
    CHECK_EQ(in.imm, 0x1234);
    CHECK_EQ(in.opsize, 2);
    /* mov %rax,%gs:0x10: the override is kept, no base or index. */
    in = decode((const uint8_t[]){0x65, 0x48, 0x89, 0x04, 0x25, 0x10, 0, 0, 0},
                9);
    CHECK_EQ(in.seg, 0x65);
    CHECK_EQ(insn_ea(&in, regs, 0), 0x10);
    /* lgdt (%eax): 32-bit addressing truncates. */
    regs[INSN_RAX] = 0x123456789aULL;
    in = decode((const uint8_t[]){0x67, 0x0f, 0x01, 0x10}, 4);
    CHECK(in.addr32);
    CHECK_EQ(insn_ea(&in, regs, 0), 0x3456789a);
    /* A REX followed by a legacy prefix does not count: iret is 16-bit. */
    in = decode((const uint8_t[]){0x48, 0x66, 0xcf}, 3);
    CHECK_EQ(in.rex, 0);
    CHECK_EQ(in.opsize, 2);
    /* 14 prefixes and cli: 15 bytes, the most there may be. */
    {
        uint8_t b[15];

        memset(b, 0x66, 14);
        b[14] = 0xfa;
        in = decode(b, 15);
        CHECK_EQ(in.op, 0xfa);
    }
    /* in %dx,%al is a byte operation; out %eax,$0x40 is not. */
    CHECK_EQ(decode((const uint8_t[]){0xec}, 1).opsize, 1);
    CHECK_EQ(decode((const uint8_t[]){0xe7, 0x40}, 2).opsize, 4);
}

/* Random bytes, each string alone in a buffer of its own size. */
static void test_random(void)
{
    unsigned ok = 0;

    srand(16);
    for (unsigned i = 0; i < 200000; i++) {
        size_t n = 1 + (size_t)rand() % 16;
        uint8_t *b = malloc(n);
        struct insn in;
        int err;

        for (size_t k = 0; k < n; k++) /* opcodes the table knows, often */
            b[k] = (uint8_t)(rand() % 4 ? rand()
                                        : "\x0f\x01\xfa\xcd\x66\x48"
                                          "\xff\x8e"[rand() % 8]);
        err = insn_decode(b, n, &in);
        if (err == 0) {
            ok++;
            if (in.len > n || in.len > INSN_MAX_LEN || in.len == 0)
                CHECK(!"length within the bytes and 15");
        } else if (err != -CARAPACE_EINVAL && err != -CARAPACE_EFAULT) {
            CHECK(!"only -EINVAL or -EFAULT");
        }
        free(b);
    }
    CHECK(ok > 1000); /* the random strings did reach the decoder's paths */
}

int main(void)
{
    test_table();
    test_operands();
    test_random();
    return check_finish();
}
