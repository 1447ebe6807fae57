/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared between the native backend's files (arch/x86_64/native/ only).
 *
 * Memory: QEMU's Multiboot loader puts the image at physical
 * NATIVE_PHYS_BASE, its modules right after it; the kernel sees guest
 * frame g at NATIVE_VIRT_BASE + g * 4096 = physical NATIVE_PHYS_BASE +
 * g * 4096, exactly as the pv kernel sees its frames at virt-base, so
 * generic code cannot tell the difference. The "machine frame" of guest
 * frame g is g + NATIVE_PHYS_BASE / 4096.
 */
#ifndef GK_NATIVE_H
#define GK_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NATIVE_VIRT_BASE 0x40000000ULL
#define NATIVE_PHYS_BASE 0x200000ULL

/* Selectors (native.c's GDT). Slot 3 is empty: SYSRET takes user SS and CS
 * as STAR[63:48] + 8 and + 16. */
#define NATIVE_KERNEL_CS 0x08
#define NATIVE_KERNEL_DS 0x10
#define NATIVE_USER_DS   0x23
#define NATIVE_USER_CS   0x2b
#define NATIVE_TSS       0x30

/* Vectors: the 8259 PIC is remapped to 32..47; the system call is not a
 * vector (syscall_entry pushes this number). */
#define NATIVE_VEC_IRQ0    32
#define NATIVE_VEC_TIMER   (NATIVE_VEC_IRQ0 + 0) /* PIT channel 0 */
#define NATIVE_VEC_SERIAL  (NATIVE_VEC_IRQ0 + 4) /* COM1 */
#define NATIVE_VEC_NR      48
#define NATIVE_VEC_SYSCALL 256

/* The boot page tables (boot.S): they become the kernel's. */
extern uint64_t native_boot_l4[512], native_boot_l3[512];
extern uint64_t native_kernel_l2[512];

static inline uint64_t native_phys(const void *va)
{
    return (uint64_t)va - NATIVE_VIRT_BASE + NATIVE_PHYS_BASE;
}

/* native.c: the CPU's tables; the stack traps from user mode land on. */
void native_cpu_init(void);
void native_set_kstack(uint64_t top);
void native_wrmsr(uint32_t msr, uint64_t value);

/* dev.c: the PIC, the PIT (one-shot timer), the TSC clock, COM1. */
void native_dev_init(void);
void native_dev_eoi(unsigned int irq);
void native_pit_oneshot(uint64_t ns);
uint64_t native_tsc_ns(void);
void native_serial_write(const char *s, size_t len);
bool native_serial_rx(void); /* drains the UART; true if bytes came */
long native_serial_read(char *buf, size_t len);
__attribute__((noreturn)) void native_exit(unsigned int code);

/* trap.c: the dispatcher entry.S calls. */
struct arch_regs;
void native_trap(struct arch_regs *r);

#endif /* GK_NATIVE_H */
