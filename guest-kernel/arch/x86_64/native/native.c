/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The native backend's CPU: the GDT (kernel and user segments, the TSS),
 * the IDT, the system-call MSRs and CR4, set up once at boot with the real
 * instructions (lgdt, ltr, lidt, wrmsr, mov to CR4) that the pv backend
 * asks the hypervisor for instead; and the kernel stack for traps from
 * user mode (TSS.rsp0, native_kstack_top for syscall_entry).
 */
#include <string.h>

#include "arch.h"
#include "cpu.h"
#include "native.h"
#include "regs.h"

#define MSR_EFER    0xc0000080
#define MSR_STAR    0xc0000081
#define MSR_LSTAR   0xc0000082
#define MSR_CSTAR   0xc0000083
#define MSR_FMASK   0xc0000084
#define MSR_FS_BASE 0xc0000100

#define EFER_SCE 0x001
#define EFER_NXE 0x800

#define CR4_OSFXSR     0x200
#define CR4_OSXMMEXCPT 0x400

#define RFLAGS_IF 0x200
#define RFLAGS_DF 0x400
#define RFLAGS_TF 0x100
#define RFLAGS_AC 0x40000

_Static_assert(sizeof(struct arch_regs) == 192, "entry.S frame layout");
_Static_assert(offsetof(struct arch_regs, vector) == 136, "entry.S");

struct native_tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct native_gate {
    uint16_t offset_lo, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_hi, reserved;
};

/* Null; kernel code and data; an empty slot (SYSRET's base); user data and
 * 64-bit code; the TSS (two slots). No 32-bit code segment: a far jump to
 * compatibility mode has nowhere to go. */
static uint64_t native_gdt[8] = {
    0,
    0x00af9a000000ffffULL, /* 0x08: code, ring 0, long mode */
    0x00cf92000000ffffULL, /* 0x10: data, ring 0 */
    0,
    0x00cff2000000ffffULL, /* 0x20: data, ring 3 */
    0x00affa000000ffffULL, /* 0x28: code, ring 3, long mode */
};
static struct native_tss native_tss;
static struct native_gate native_idt[NATIVE_VEC_NR];
static uint8_t native_df_stack[4096] __attribute__((aligned(16)));

extern char native_trap_stubs[];
extern uint64_t native_kstack_top;
void native_syscall_entry(void);

void native_wrmsr(uint32_t msr, uint64_t value)
{
    asm volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value),
                 "d"((uint32_t)(value >> 32)));
}

static uint64_t native_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

void arch_early_init(void)
{
    native_wrmsr(MSR_FS_BASE, cpu_percpu_base());
}

/* native_start has set up the CPU and the devices already; the start
 * info's shared-info and page-table addresses mean nothing here. */
void arch_init(void *shared_info, const void *pt_base)
{
    (void)shared_info;
    (void)pt_base;
    native_wrmsr(MSR_FS_BASE, 0); /* libfdt is done: no TLS yet */
}

static void native_gdt_load(void)
{
    uint64_t base = (uint64_t)&native_tss;
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed))
    gdtr = {sizeof(native_gdt) - 1, (uint64_t)native_gdt};

    native_tss.iomap_base = sizeof(native_tss); /* no I/O bitmap */
    native_tss.ist[0] = (uint64_t)native_df_stack + sizeof(native_df_stack);
    native_gdt[6] = (sizeof(native_tss) - 1) | (base & 0xffffff) << 16 |
                    0x89ULL << 40 | ((base >> 24) & 0xff) << 56;
    native_gdt[7] = base >> 32;
    /* Reload CS with a far return, the data segments directly. */
    asm volatile("lgdt %0\n\t"
                 "pushq %1\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\tmov %2, %%ds\n\t"
                 "mov %2, %%es\n\t"
                 "mov %2, %%ss\n\t"
                 "ltr %w3"
                 :
                 : "m"(gdtr), "i"(NATIVE_KERNEL_CS), "r"(NATIVE_KERNEL_DS),
                   "r"(NATIVE_TSS)
                 : "rax", "memory");
}

static void native_idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed))
    idtr = {sizeof(native_idt) - 1, (uint64_t)native_idt};

    for (unsigned int v = 0; v < NATIVE_VEC_NR; v++) {
        uint64_t a = (uint64_t)native_trap_stubs + v * 16;

        /* Interrupt gates (IF off on entry), ring 0 only: int $n from user
         * mode is a #GP, as under the hypervisor. #DF runs on its own
         * stack: a kernel stack overflow still gets a report. */
        native_idt[v] = (struct native_gate){
            .offset_lo = (uint16_t)a,
            .selector = NATIVE_KERNEL_CS,
            .ist = v == 8 ? 1 : 0,
            .type = 0x8e,
            .offset_mid = (uint16_t)(a >> 16),
            .offset_hi = (uint32_t)(a >> 32),
        };
    }
    /* Breakpoint and overflow, as on the pv backend: int3 and into. */
    native_idt[3].type = native_idt[4].type = 0xee;
    asm volatile("lidt %0" ::"m"(idtr));
}

void native_cpu_init(void)
{
    uint64_t cr4;

    native_gdt_load();
    native_idt_load();
    /* fxsave/fxrstor and SSE for user programs (newlib uses SSE). */
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    asm volatile("mov %0, %%cr4" ::"r"(cr4));
    native_wrmsr(MSR_EFER, native_rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
    native_wrmsr(MSR_STAR, (uint64_t)(NATIVE_USER_DS - 8 - 3) << 48 |
                               (uint64_t)NATIVE_KERNEL_CS << 32);
    native_wrmsr(MSR_LSTAR, (uint64_t)native_syscall_entry);
    native_wrmsr(MSR_CSTAR, 0);
    native_wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);
}

void native_set_kstack(uint64_t top)
{
    native_tss.rsp[0] = top;
    native_kstack_top = top;
}

bool arch_regs_user(const struct arch_regs *r)
{
    return (r->cs & 3) == 3;
}

uint64_t arch_context_new_user(uint64_t kstack_top, uint64_t entry,
                               uint64_t user_sp)
{
    extern char native_trap_exit[];
    struct arch_regs *r = (struct arch_regs *)(kstack_top - sizeof(*r));
    uint64_t *sp = (uint64_t *)r;

    memset(r, 0, sizeof(*r));
    r->rip = entry;
    r->cs = NATIVE_USER_CS;
    r->rflags = RFLAGS_IF | 0x2; /* interrupts on in user mode */
    r->rsp = user_sp;
    r->ss = NATIVE_USER_DS;
    *--sp = (uint64_t)native_trap_exit; /* arch_context_switch returns here */
    for (int i = 0; i < 6; i++)
        *--sp = 0; /* rbp rbx r12..r15 */
    return (uint64_t)sp;
}
