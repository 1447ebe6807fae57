/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HC_iret checks its frame: an unreadable frame is -EFAULT; a non-canonical
 * or hypervisor-half rip, unknown flags, or a return to user mode with no
 * user page tables is -EINVAL, and the call returns to its caller. A good
 * frame (the control) lands where it says with rax, rcx, rdi, r11 from it.
 */
#include "guest.h"

const char test_title[] = "iret-bad: HC_iret frame checks";

/* Registers found at the landing address of a successful HC_iret. */
uint64_t landed_regs[4]; /* rax rcx rdi r11 */

/*
 * long iret_try(struct iret_frame *f, int fill): if fill, f->rip becomes
 * the landing label and f->rsp the current stack; then HC_iret(f). Returns
 * HC_iret's error, or 1 if the iret happened and landed.
 */
long iret_try(struct iret_frame *f, int fill);
asm(".text\n"
    ".globl iret_try\n"
    "iret_try:\n"
    "    push %rbp; push %rbx; push %r12; push %r13; push %r14; push %r15\n"
    "    test %esi, %esi\n"
    "    jz 2f\n"
    "    lea 1f(%rip), %rax\n"
    "    mov %rax, 32(%rdi)\n"           /* rip */
    "    mov %rsp, 48(%rdi)\n"           /* rsp */
    "2:  call hypercall_page + 6 * 32\n" /* HC_iret: returns on failure */
    "    jmp 3f\n"
    "1:  mov %rax, landed_regs + 0(%rip)\n"
    "    mov %rcx, landed_regs + 8(%rip)\n"
    "    mov %rdi, landed_regs + 16(%rip)\n"
    "    mov %r11, landed_regs + 24(%rip)\n"
    "    mov $1, %eax\n"
    "3:  pop %r15; pop %r14; pop %r13; pop %r12; pop %rbx; pop %rbp\n"
    "    ret\n");
_Static_assert(HC_iret == 6, "iret_try calls stub 6");

static struct iret_frame good(void)
{
    return (struct iret_frame){
        .rax = 0x1a1a1a1a,
        .rcx = 0x2c2c2c2c,
        .rdi = 0x3d3d3d3d,
        .r11 = 0x4e4e4e4e,
        .rflags = 0x2 /* IF clear: keep events masked */,
    };
}

static void refused(struct iret_frame f, int fill, int64_t err,
                    const char *what)
{
    test_expect_eq(iret_try(&f, fill), err, what);
}

void test_main(void)
{
    struct iret_frame f = good();
    long rc;

    rc = iret_try(&f, 1);
    test_expect_eq(rc, 1, "a good frame: HC_iret lands at its rip");
    test_expect_eq(landed_regs[0], 0x1a1a1a1a, "  rax from the frame");
    test_expect_eq(landed_regs[1], 0x2c2c2c2c, "  rcx from the frame");
    test_expect_eq(landed_regs[2], 0x3d3d3d3d, "  rdi from the frame");
    test_expect_eq(landed_regs[3], 0x4e4e4e4e, "  r11 from the frame");
    test_expect_eq(shared_info->vcpu[0].upcall_mask, 1,
                   "  upcall_mask = !(rflags.IF) = 1");

    test_expect_eq(hc_iret((const void *)0x1000), -CARAPACE_EFAULT,
                   "frame pointer 0x1000 (unmapped)");
    test_expect_eq(hc_iret((const void *)HYP_VA_EXAMPLE), -CARAPACE_EFAULT,
                   "frame pointer in the hypervisor half");

    f = good();
    f.rip = GUEST_VA_END;
    f.rsp = (uint64_t)guest_stack_top;
    refused(f, 0, -CARAPACE_EINVAL, "rip 0x0000800000000000 (non-canonical)");
    f.rip = 0x8000000000000000ULL;
    refused(f, 0, -CARAPACE_EINVAL, "rip 0x8000000000000000 (non-canonical)");
    f.rip = HYP_VA_EXAMPLE;
    refused(f, 0, -CARAPACE_EINVAL, "rip in the hypervisor half");
    f = good();
    f.flags = 0x100;
    refused(f, 1, -CARAPACE_EINVAL, "flags 0x100 (unknown bit)");
    f.flags = 1ULL << 63;
    refused(f, 1, -CARAPACE_EINVAL, "flags bit 63 (unknown bit)");
    f = good();
    f.flags = TRAP_FRAME_USER;
    refused(f, 1, -CARAPACE_EINVAL, "TRAP_FRAME_USER with no user root");

    test_check(true, "each refused HC_iret returned to its caller");
}
