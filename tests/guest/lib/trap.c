/* SPDX-License-Identifier: BSD-2-Clause */
/* Trap handlers per vector, dispatched from trap_entry (trap_entry.S). */
#include "guest.h"
#include "trapname.h"

_Static_assert(offsetof(struct trap_regs, rax) == 0, "trap_entry.S");
_Static_assert(offsetof(struct trap_regs, rcx) == 16, "trap_entry.S");
_Static_assert(offsetof(struct trap_regs, rdi) == 40, "trap_entry.S");
_Static_assert(offsetof(struct trap_regs, r11) == 80, "trap_entry.S");
_Static_assert(offsetof(struct trap_regs, r15) == 112, "trap_entry.S");
_Static_assert(offsetof(struct trap_regs, frame) == 128, "trap_entry.S");
_Static_assert(offsetof(struct trap_frame, rip) == 16, "trap_entry.S");
_Static_assert(offsetof(struct trap_frame, rcx) == 48, "trap_entry.S");
_Static_assert(offsetof(struct iret_frame, rip) == 32, "trap_entry.S");

#define NR_SLOTS (32 + 3) /* vectors 0..31, then the three callbacks */

static trap_handler_t handlers[NR_SLOTS];

static int slot_of(uint64_t vector)
{
    if (vector < 32)
        return (int)vector;
    if (vector >= TRAP_VECTOR_EVENT && vector <= TRAP_VECTOR_FAILSAFE)
        return 32 + (int)(vector - TRAP_VECTOR_EVENT);
    return -1;
}

void trap_set_handler(unsigned int vector, trap_handler_t handler)
{
    int slot = slot_of(vector);

    if (slot < 0) {
        test_error("trap_set_handler: no vector %u", vector);
        return;
    }
    handlers[slot] = handler;
}

long trap_install(uint8_t flags)
{
    static struct trap_info table[TRAP_TABLE_MAX + 1];
    unsigned int n = 0;

    for (unsigned int v = 0; v < 32; v++) {
        if (!handlers[v])
            continue;
        table[n] = (struct trap_info){
            .vector = (uint8_t)v,
            .flags = flags,
            .address = (uint64_t)trap_entry,
        };
        n++;
    }
    table[n] = (struct trap_info){0};
    return hc_set_trap_table(table);
}

long trap_install_callbacks(void)
{
    return hc_set_callbacks((uint64_t)trap_entry, (uint64_t)trap_entry, 0);
}

void trap_unexpected(struct trap_frame *f)
{
    test_fail("unexpected trap: vector %lu (%s), error code %#lx, rip %#lx, "
              "rsp %#lx, flags %#lx",
              (unsigned long)f->vector, trapname(f->vector),
              (unsigned long)f->error_code, (unsigned long)f->rip,
              (unsigned long)f->rsp, (unsigned long)f->flags);
    if (f->vector == 14 && shared_info)
        printf("  cr2 %#lx\n", (unsigned long)shared_info->vcpu[0].cr2);
    test_exit();
}

void trap_dispatch(struct trap_regs *regs);
void trap_dispatch(struct trap_regs *regs)
{
    struct trap_frame *f = &regs->frame;
    int slot = slot_of(f->vector);

    if (slot < 0 || !handlers[slot])
        trap_unexpected(f);
    handlers[slot](f);
}

void trap_iret_failed(long rc);
void trap_iret_failed(long rc)
{
    test_fail("HC_iret from trap_entry refused the frame: %ld", rc);
    test_exit();
}

const char *const guest_reg_names[15] = {"rax", "rbx", "rcx", "rdx", "rsi",
                                         "rdi", "rbp", "r8",  "r9",  "r10",
                                         "r11", "r12", "r13", "r14", "r15"};
