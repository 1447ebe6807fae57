/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoding the x86-64 instructions a trap-and-emulate guest faults on
 * (insn.c): its kernel runs in ring 3, so a privileged instruction is a
 * #GP (or #UD) whose bytes the hypervisor reads from guest memory and
 * decodes here before emulating it against the virtual CPU (trapvm_emul.c).
 *
 * Only 64-bit mode, and only what emulation needs: the legacy prefixes,
 * REX, the one- and two-byte opcodes of the table in insn.c (the
 * privileged and sensitive instructions, and the moves a far transfer or a
 * segment load makes), ModRM, SIB, displacements and immediates. Anything
 * else is refused, never guessed at. The bytes are hostile: the decoder
 * reads at most n of them (and never more than the architectural 15).
 *
 * Host-tested: tests/unit/insn_test.c (ASan, UBSan).
 */
#ifndef CARAPACE_ARCH_INSN_H
#define CARAPACE_ARCH_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INSN_MAX_LEN 15

/* General registers in the hardware's numbering (ModRM, REX). */
enum insn_reg {
    INSN_RAX,
    INSN_RCX,
    INSN_RDX,
    INSN_RBX,
    INSN_RSP,
    INSN_RBP,
    INSN_RSI,
    INSN_RDI,
    INSN_R8,
    INSN_GPRS = 16,
};
#define INSN_NO_REG 0xff

/* Two-byte opcodes are 0x0f00 | their second byte. */
#define INSN_0F(b) (0x0f00u | (b))

struct insn {
    uint8_t len;     /* bytes in all */
    uint8_t opsize;  /* operand size in bytes: 2, 4 or 8 (1 for byte ops) */
    uint8_t rex;     /* the REX prefix, or 0 */
    uint8_t seg;     /* a segment override (0x26 .. 0x65), or 0 */
    bool addr32;     /* 67: 32-bit addressing */
    bool rep, repne; /* f3, f2 */
    bool lock;       /* f0 */
    uint16_t op;     /* the opcode (INSN_0F for two bytes) */
    bool modrm;      /* has a ModRM byte: the fields below are set */
    uint8_t mod, reg, rm; /* reg and rm extended by REX.R and REX.B */
    /* The memory operand (modrm and mod != 3): base + index * scale +
     * disp, or rip-relative (disp from the next instruction). */
    uint8_t base, index, scale; /* INSN_NO_REG when absent */
    bool rip_rel;
    int64_t disp;
    uint64_t imm; /* the immediate, zero-extended */
    uint8_t imm_len;
};

/* Decode the instruction in b[0..n): 0, -EINVAL if it is not one the
 * table knows (or is malformed: longer than 15 bytes, a ModRM form it
 * forbids), or -EFAULT if the n bytes end inside it (the caller could
 * read no further). */
int insn_decode(const uint8_t *b, size_t n, struct insn *in);

/* Does the instruction have a memory operand? */
bool insn_has_mem(const struct insn *in);

/* The memory operand's effective address, without any segment base, from
 * the registers (hardware order) and the address of the instruction. */
uint64_t insn_ea(const struct insn *in, const uint64_t gpr[INSN_GPRS],
                 uint64_t rip);

/* The instruction's mnemonic, for reports ("mov to cr", "lgdt", ...). */
const char *insn_name(const struct insn *in);

#endif /* CARAPACE_ARCH_INSN_H */
