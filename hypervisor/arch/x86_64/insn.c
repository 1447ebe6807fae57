/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The x86-64 instruction decoder of trap-and-emulate (arch/insn.h): the
 * opcode table below lists every instruction it knows, with the parts it
 * has. Decoding is a walk over the bytes that never reads past n: the
 * prefixes (a REX counts only right before the opcode, as the CPU has
 * it), the opcode, ModRM with SIB and displacement, the immediate.
 */
#include <carapace/errno.h>

#include <arch/insn.h>

/* What an opcode has after it. */
#define F_MODRM 0x01 /* a ModRM byte */
#define F_IB    0x02 /* an 8-bit immediate */
#define F_IW    0x04 /* a 16-bit immediate */
#define F_IZ    0x08 /* 16 or 32 bits by operand size, sign-extended */
#define F_BYTE  0x10 /* a byte operation: operand size 1 */
#define F_OP64  0x20 /* operand size 64 by default (push/pop, mov cr) */
#define F_MEM   0x40 /* ModRM must name memory (mod != 3) */

struct insn_form {
    uint16_t op;
    uint8_t flags;
    const char *name;
};

static const struct insn_form insn_table[] = {
    {0x6c, F_BYTE, "insb"},
    {0x6d, 0, "ins"},
    {0x6e, F_BYTE, "outsb"},
    {0x6f, 0, "outs"},
    {0x88, F_MODRM | F_BYTE, "mov"},
    {0x89, F_MODRM, "mov"},
    {0x8a, F_MODRM | F_BYTE, "mov"},
    {0x8b, F_MODRM, "mov"},
    {0x8c, F_MODRM, "mov from a segment register"},
    {0x8e, F_MODRM, "mov to a segment register"},
    {0x9c, F_OP64, "pushf"},
    {0x9d, F_OP64, "popf"},
    {0xc6, F_MODRM | F_BYTE | F_IB, "mov"},
    {0xc7, F_MODRM | F_IZ, "mov"},
    {0xca, F_IW, "lret"},
    {0xcb, 0, "lret"},
    {0xcc, 0, "int3"},
    {0xcd, F_IB, "int"},
    {0xcf, 0, "iret"},
    {0xe4, F_BYTE | F_IB, "in"},
    {0xe5, F_IB, "in"},
    {0xe6, F_BYTE | F_IB, "out"},
    {0xe7, F_IB, "out"},
    {0xec, F_BYTE, "in"},
    {0xed, 0, "in"},
    {0xee, F_BYTE, "out"},
    {0xef, 0, "out"},
    {0xf4, 0, "hlt"},
    {0xfa, 0, "cli"},
    {0xfb, 0, "sti"},
    {0xff, F_MODRM | F_MEM, "far call or jmp"}, /* /3 and /5 only */
    {INSN_0F(0x00), F_MODRM, "sldt/str/lldt/ltr/verr/verw"},
    {INSN_0F(0x01), F_MODRM, "group 7"},
    {INSN_0F(0x02), F_MODRM, "lar"},
    {INSN_0F(0x03), F_MODRM, "lsl"},
    {INSN_0F(0x05), 0, "syscall"},
    {INSN_0F(0x06), 0, "clts"},
    {INSN_0F(0x07), 0, "sysret"},
    {INSN_0F(0x08), 0, "invd"},
    {INSN_0F(0x09), 0, "wbinvd"},
    {INSN_0F(0x0b), 0, "ud2"},
    {INSN_0F(0x20), F_MODRM | F_OP64, "mov from cr"},
    {INSN_0F(0x21), F_MODRM | F_OP64, "mov from dr"},
    {INSN_0F(0x22), F_MODRM | F_OP64, "mov to cr"},
    {INSN_0F(0x23), F_MODRM | F_OP64, "mov to dr"},
    {INSN_0F(0x30), 0, "wrmsr"},
    {INSN_0F(0x31), 0, "rdtsc"},
    {INSN_0F(0x32), 0, "rdmsr"},
    {INSN_0F(0x33), 0, "rdpmc"},
    {INSN_0F(0xa0), F_OP64, "push fs"},
    {INSN_0F(0xa1), F_OP64, "pop fs"},
    {INSN_0F(0xa2), 0, "cpuid"},
    {INSN_0F(0xa8), F_OP64, "push gs"},
    {INSN_0F(0xa9), F_OP64, "pop gs"},
};

static const char *const insn_group7[8] = {
    "sgdt", "sidt", "lgdt", "lidt", "smsw", NULL, "lmsw", "invlpg",
};
static const char *const insn_group6[8] = {
    "sldt", "str", "lldt", "ltr", "verr", "verw", NULL, NULL,
};

static const struct insn_form *insn_lookup(uint16_t op)
{
    for (size_t i = 0; i < sizeof(insn_table) / sizeof(insn_table[0]); i++)
        if (insn_table[i].op == op)
            return &insn_table[i];
    return NULL;
}

/* The decoder's position in the bytes. */
struct insn_cursor {
    const uint8_t *b;
    size_t n, at;
};

static int insn_take(struct insn_cursor *c, unsigned k, uint64_t *v)
{
    *v = 0;
    if (c->at + k > c->n)
        return -CARAPACE_EFAULT;
    if (c->at + k > INSN_MAX_LEN)
        return -CARAPACE_EINVAL;
    for (unsigned i = 0; i < k; i++)
        *v |= (uint64_t)c->b[c->at + i] << (8 * i);
    c->at += k;
    return 0;
}

/* Prefixes, then the opcode (one or two bytes). */
static int insn_prefixes(struct insn_cursor *c, struct insn *in, bool *o16)
{
    uint64_t b;

    for (;;) {
        int err = insn_take(c, 1, &b);

        if (err)
            return err;
        if (b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x66 || b == 0x67 ||
            b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
            b == 0x65) {
            in->rex = 0; /* a REX counts only right before the opcode */
            in->lock |= b == 0xf0;
            in->repne |= b == 0xf2;
            in->rep |= b == 0xf3;
            *o16 |= b == 0x66;
            in->addr32 |= b == 0x67;
            if (b != 0xf0 && b != 0xf2 && b != 0xf3 && b != 0x66 && b != 0x67)
                in->seg = (uint8_t)b;
        } else if ((b & 0xf0) == 0x40) {
            in->rex = (uint8_t)b;
        } else {
            break;
        }
    }
    in->op = (uint16_t)b;
    if (b == 0x0f) {
        int err = insn_take(c, 1, &b);

        if (err)
            return err;
        in->op = (uint16_t)INSN_0F(b);
    }
    return 0;
}

/* ModRM, then SIB and displacement for a memory operand. */
static int insn_modrm(struct insn_cursor *c, struct insn *in)
{
    uint64_t m, sib, d;
    unsigned dlen = 0;
    int err = insn_take(c, 1, &m);

    if (err)
        return err;
    in->modrm = true;
    in->mod = (uint8_t)(m >> 6);
    in->reg = (uint8_t)(((m >> 3) & 7) | (in->rex & 4 ? 8 : 0));
    in->rm = (uint8_t)((m & 7) | (in->rex & 1 ? 8 : 0));
    in->base = in->index = INSN_NO_REG;
    in->scale = 1;
    if (in->mod == 3)
        return 0;
    in->base = in->rm;
    if ((m & 7) == 4) { /* SIB */
        if ((err = insn_take(c, 1, &sib)))
            return err;
        in->scale = (uint8_t)(1u << (sib >> 6));
        in->index = (uint8_t)(((sib >> 3) & 7) | (in->rex & 2 ? 8 : 0));
        if (in->index == INSN_RSP)
            in->index = INSN_NO_REG; /* index 4 without REX.X: none */
        in->base = (uint8_t)((sib & 7) | (in->rex & 1 ? 8 : 0));
        if ((sib & 7) == 5 && in->mod == 0) {
            in->base = INSN_NO_REG;
            dlen = 4;
        }
    } else if ((m & 7) == 5 && in->mod == 0) {
        in->base = INSN_NO_REG;
        in->rip_rel = true;
        dlen = 4;
    }
    if (in->mod == 1)
        dlen = 1;
    else if (in->mod == 2)
        dlen = 4;
    if ((err = insn_take(c, dlen, &d)))
        return err;
    in->disp = dlen == 1 ? (int8_t)d : dlen == 4 ? (int32_t)d : 0;
    return 0;
}

/* The group opcodes: only the members the table names. */
static bool insn_group_ok(const struct insn *in)
{
    if (in->op == 0xff)
        return (in->reg & 7) == 3 || (in->reg & 7) == 5;
    if (in->op == 0xc6 || in->op == 0xc7)
        return (in->reg & 7) == 0;
    if (in->op == INSN_0F(0x00))
        return insn_group6[in->reg & 7] != NULL;
    if (in->op == INSN_0F(0x01)) {
        if (in->mod != 3)
            return insn_group7[in->reg & 7] != NULL;
        /* Register forms: smsw, lmsw, and those of 0f 01 c8 .. ff. */
        return (in->reg & 7) != 0 && (in->reg & 7) != 5;
    }
    return true;
}

int insn_decode(const uint8_t *b, size_t n, struct insn *in)
{
    struct insn_cursor c = {.b = b, .n = n};
    const struct insn_form *f;
    bool o16 = false;
    int err;

    *in = (struct insn){.base = INSN_NO_REG, .index = INSN_NO_REG, .scale = 1};
    if ((err = insn_prefixes(&c, in, &o16)))
        return err;
    f = insn_lookup(in->op);
    if (!f)
        return -CARAPACE_EINVAL;
    in->opsize = in->rex & 8 ? 8 : o16 ? 2 : (f->flags & F_OP64) ? 8 : 4;
    if (f->flags & F_BYTE)
        in->opsize = 1;
    if ((f->flags & F_MODRM) && (err = insn_modrm(&c, in)))
        return err;
    if (((f->flags & F_MEM) && in->mod == 3) || !insn_group_ok(in))
        return -CARAPACE_EINVAL;
    in->imm_len = f->flags & F_IB ? 1 : f->flags & F_IW ? 2 : 0;
    if (f->flags & F_IZ)
        in->imm_len = in->opsize == 2 ? 2 : 4;
    if ((err = insn_take(&c, in->imm_len, &in->imm)))
        return err;
    if ((f->flags & F_IZ) && in->imm_len == 4 && in->opsize == 8)
        in->imm = (uint64_t)(int64_t)(int32_t)in->imm;
    in->len = (uint8_t)c.at;
    return 0;
}

bool insn_has_mem(const struct insn *in)
{
    return in->modrm && in->mod != 3;
}

uint64_t insn_ea(const struct insn *in, const uint64_t gpr[INSN_GPRS],
                 uint64_t rip)
{
    uint64_t ea = (uint64_t)in->disp;

    if (in->rip_rel)
        ea += rip + in->len;
    if (in->base != INSN_NO_REG)
        ea += gpr[in->base & 15];
    if (in->index != INSN_NO_REG)
        ea += gpr[in->index & 15] * in->scale;
    return in->addr32 ? (uint32_t)ea : ea;
}

const char *insn_name(const struct insn *in)
{
    const struct insn_form *f = insn_lookup(in->op);

    if (in->op == INSN_0F(0x01) && in->modrm) {
        if (in->mod != 3 || (in->reg & 7) == 4 || (in->reg & 7) == 6)
            return insn_group7[in->reg & 7];
        if ((in->rm & 7) == 0 && (in->reg & 7) == 7)
            return "swapgs";
        if ((in->rm & 7) == 1 && (in->reg & 7) == 3)
            return "vmmcall";
        return "group 7 (register form)";
    }
    if (in->op == INSN_0F(0x00) && in->modrm)
        return insn_group6[in->reg & 7];
    return f ? f->name : "unknown";
}
