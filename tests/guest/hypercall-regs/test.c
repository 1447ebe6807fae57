/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hypercall preserves every register but rax (the result), rcx and r11,
 * as the calling convention in hypercall.h says: nothing of the
 * hypervisor's leaks into, or is lost from, the others.
 */
#include "guest.h"

const char test_title[] =
    "hypercall-regs: registers preserved across a hypercall";

/* hc_regs_probe(out): every register but rsp gets a known value (rdi = 0 =
 * VERSION_ABI, the argument), HC_version is called through its stub, and
 * every register is stored in out[] in the order above. */
void hc_regs_probe(uint64_t *out);
asm(".text\n"
    ".globl hc_regs_probe\n"
    "hc_regs_probe:\n" GUEST_PROBE_PROLOGUE
    "    movabs $0xc0de00000000b0b0, %rbx\n"
    "    movabs $0xc0de00000000d0d0, %rdx\n"
    "    movabs $0xc0de000000005151, %rsi\n"
    "    xor %edi, %edi\n"
    "    movabs $0xc0de00000000b9b9, %rbp\n"
    "    movabs $0xc0de000000000808, %r8\n"
    "    movabs $0xc0de000000000909, %r9\n"
    "    movabs $0xc0de000000001010, %r10\n"
    "    movabs $0xc0de000000001212, %r12\n"
    "    movabs $0xc0de000000001313, %r13\n"
    "    movabs $0xc0de000000001414, %r14\n"
    "    movabs $0xc0de000000001515, %r15\n"
    "    call hypercall_page + 1 * 32\n" /* HC_version */
    GUEST_PROBE_EPILOGUE);

_Static_assert(HC_version == 1, "hc_regs_probe calls stub 1");

void test_main(void)
{
    static const uint64_t expected[15] = {
        [RBX] = 0xc0de00000000b0b0, [RDX] = 0xc0de00000000d0d0,
        [RSI] = 0xc0de000000005151, [RDI] = 0,
        [RBP] = 0xc0de00000000b9b9, [R8] = 0xc0de000000000808,
        [R9] = 0xc0de000000000909,  [R10] = 0xc0de000000001010,
        [R12] = 0xc0de000000001212, [R13] = 0xc0de000000001313,
        [R14] = 0xc0de000000001414, [R15] = 0xc0de000000001515,
    };
    uint64_t out[15] = {0};
    char what[48];

    hc_regs_probe(out);
    test_expect_eq(out[RAX], CARAPACE_ABI_VERSION, "rax: HC_version's result");
    for (int i = 0; i < 15; i++) {
        if (i == RAX || i == RCX || i == R11)
            continue;
        snprintf(what, sizeof(what), "%s after the hypercall",
                 guest_reg_names[i]);
        test_expect_eq(out[i], expected[i], what);
    }
    printf("rcx = %#lx, r11 = %#lx after it (clobbered by convention)\n",
           (unsigned long)out[RCX], (unsigned long)out[R11]);
}
