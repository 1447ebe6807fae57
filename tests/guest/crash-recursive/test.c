/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A #PF handler that faults itself, forever: the hypervisor must crash the
 * domain (when the guest stack cannot take another frame, or at a nesting
 * limit) with a report, not hang and not fall over itself.
 */
#include "guest.h"

const char test_title[] = "crash-recursive: a #PF handler that faults";

/* The handler: read unmapped memory, again and again, never returning. */
extern char pf_recurse[];
asm(".text\n"
    ".globl pf_recurse\n"
    "pf_recurse:\n"
    "    mov 0x1000, %rax\n"
    "    jmp pf_recurse\n");

void test_main(void)
{
    const uint64_t free = start_info.first_free_gfn;
    const struct trap_info table[] = {
        {.vector = 14, .address = (uint64_t)pf_recurse}, {0}};
    uint64_t guard, top;

    if (free + 5 > start_info.nr_frames) {
        test_error("no 5 free frames after first-free-gfn %lu",
                   (unsigned long)free);
        return;
    }
    /* A stack of 4 free frames with an unmapped guard frame below it, so
     * that the recursion runs out of stack whatever the nesting limit. */
    guard = gfn_to_va(free);
    top = gfn_to_va(free + 5);
    test_expect_eq(hc_update_va_mapping(guard, 0, UVMF_INVLPG), 0,
                   "unmap the guard frame below the stack");
    test_expect_eq(hc_set_trap_table(table), 0, "set_trap_table({#PF})");
    printf("recursing on the stack %#lx..%#lx\n",
           (unsigned long)(guard + PAGE_SIZE), (unsigned long)top);
    console_flush();
    asm volatile("mov %0, %%rsp\n\t"
                 "mov 0x1000, %%rax"
                 :
                 : "r"(top)
                 : "rax", "memory");
    test_fail("the recursive #PF handler returned");
}
