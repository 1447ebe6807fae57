/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The IDT and the C side of trap entry. An exception from a guest goes to
 * pv_trap(); one in the hypervisor itself is a broken invariant, and fatal:
 * it is reported with the registers and a symbolized backtrace, then the
 * machine stops. (Guest memory is read by a software walk, guestmem.c, so
 * no hypervisor access to it can fault.)
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch.h"
#include "log.h"
#include "panic.h"
#include "selftest.h"
#include "symbols.h"
#include "trapname.h"
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/percpu.h>
#include <arch/pv.h>
#include <arch/trap.h>

struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t zero;
} __attribute__((packed));

_Static_assert(sizeof(struct idt_entry) == 16, "IDT entry");

/* Each stub is 16 bytes long, see entry.S. */
extern const char trap_stubs[];
static struct idt_entry idt_table[256] __attribute__((aligned(16)));

static void idt_set(unsigned vec, uint8_t ist, unsigned dpl)
{
    uint64_t addr = (uint64_t)(trap_stubs + 16 * vec);

    idt_table[vec] = (struct idt_entry){
        .offset_lo = (uint16_t)addr,
        .selector = GDT_HV_CS,
        .ist = ist,
        .type_attr = (uint8_t)(0x8e | dpl << 5), /* 64-bit interrupt gate */
        .offset_mid = (uint16_t)(addr >> 16),
        .offset_hi = (uint32_t)(addr >> 32),
    };
}

void trap_init(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed))
    ptr = {sizeof(idt_table) - 1, (uint64_t)idt_table};

    for (unsigned v = 0; v < 256; v++)
        idt_set(v, 0, 0);
    idt_set(8, IST_DF, 0);
    idt_set(2, IST_NMI, 0);
    idt_set(18, IST_MC, 0);
    /* int3 and into may be used by guests (ring 3): #BP and #OF. */
    idt_set(3, 0, 3);
    idt_set(4, 0, 3);
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

static void trap_print_symbol(uint64_t addr)
{
    uint64_t off;
    const char *name = symbols_lookup(addr, &off);

    if (name)
        fatal_printf(" %s+%#lx", name, off);
}

static void trap_print_pf_code(uint64_t ec)
{
    fatal_printf(" [%s, %s, %s%s%s]", ec & 1 ? "protection" : "not present",
                 ec & 2 ? "write" : "read", ec & 4 ? "user" : "supervisor",
                 ec & 8 ? ", reserved bit" : "",
                 ec & 16 ? ", instruction fetch" : "");
}

static void trap_dump_regs(const struct cpu_regs *r)
{
    fatal_printf("RIP %04lx:%016lx", r->cs, r->rip);
    trap_print_symbol(r->rip);
    fatal_printf("\nRSP %04lx:%016lx  RFLAGS %016lx\n", r->ss, r->rsp,
                 r->rflags);
    fatal_printf("RAX %016lx  RBX %016lx  RCX %016lx\n", r->rax, r->rbx,
                 r->rcx);
    fatal_printf("RDX %016lx  RSI %016lx  RDI %016lx\n", r->rdx, r->rsi,
                 r->rdi);
    fatal_printf("RBP %016lx  R8  %016lx  R9  %016lx\n", r->rbp, r->r8, r->r9);
    fatal_printf("R10 %016lx  R11 %016lx  R12 %016lx\n", r->r10, r->r11,
                 r->r12);
    fatal_printf("R13 %016lx  R14 %016lx  R15 %016lx\n", r->r13, r->r14,
                 r->r15);
    fatal_printf("CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx\n", read_cr0(),
                 read_cr2(), read_cr3(), read_cr4());
}

static __attribute__((noreturn)) void trap_fatal(const struct cpu_regs *r)
{
    struct selftest_fatal_info info = {
        .reason = "exception",
        .vector = (int)r->vector,
        .error_code = r->error_code,
        .ip = r->rip,
        .fault_addr = r->vector == 14 ? read_cr2() : 0,
    };

    if (!fatal_begin()) {
        fatal_printf("\n*** %s (vector %lu) while reporting a fatal error\n",
                     trapname(r->vector), r->vector);
        arch_exit(ARCH_EXIT_FATAL);
    }
    fatal_printf("\n*** Carapace fatal exception: %s, vector %lu, "
                 "error code %#lx",
                 trapname(r->vector), r->vector, r->error_code);
    if (r->vector == 14)
        trap_print_pf_code(r->error_code);
    fatal_printf(", CPU %u\n", this_cpu()->cpu_id);
    trap_dump_regs(r);
    backtrace_print(r->rip, r->rbp);
    fatal_end(&info);
}

static bool trap_is_machine_event(uint64_t vector)
{
    return vector == 2 || vector == 8 || vector == 18; /* NMI, #DF, #MC */
}

void trap_handle(struct cpu_regs *regs)
{
    this_cpu()->irq_count++;
    if ((regs->cs & 3) && !trap_is_machine_event(regs->vector))
        pv_trap(regs); /* from a guest; never returns */
    if (regs->vector < 32)
        trap_fatal(regs); /* guest memory is never touched by a fault */
    if (regs->vector == VECTOR_TIMER) {
        apic_timer_interrupt();
        return;
    }
    if (regs->vector == VECTOR_SPURIOUS)
        return; /* spurious interrupts take no EOI */
    log_warn("unexpected interrupt, vector %lu: ignored\n", regs->vector);
    apic_eoi();
}
