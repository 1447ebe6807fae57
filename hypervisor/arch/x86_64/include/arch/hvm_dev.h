/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulated PC devices (hvm_dev.c) of the domains that see a PC rather
 * than hypercalls: hvm domains (svm*.c) and trap domains (trapvm*.c). Each
 * such vCPU holds one struct hvm_devs, which hvm_dev_of finds. Private to
 * arch/x86_64. Guarded by: only the CPU running the vCPU touches it.
 */
#ifndef CARAPACE_ARCH_HVM_DEV_H
#define CARAPACE_ARCH_HVM_DEV_H

#include <stdbool.h>
#include <stdint.h>

struct hvm_pic {
    uint8_t imr, irr, isr, base;
    uint8_t icw; /* initialization word expected next, 0: none */
    bool icw4, read_isr;
};

struct hvm_pit {
    uint8_t mode[3], access[3];
    bool hi_next[3];
    uint16_t count[3];
    uint64_t start_ns[3]; /* when the count was loaded */
    uint8_t port61;       /* gate 2 (bit 0), speaker (bit 1) */
};

#define HVM_UART_RX 256
struct hvm_uart {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    uint8_t rx[HVM_UART_RX];
    uint32_t rx_head, rx_tail;
    uint64_t stuck_since; /* the console ring full since (ns), 0: not */
    bool dropping;        /* nobody reads the ring: output is dropped */
    bool notify;          /* output not yet signalled to dom0 */
};

struct hvm_devs {
    struct hvm_pic pic[2];
    struct hvm_pit pit;
    struct hvm_uart uart;
};

struct vcpu;

/* The devices of v, an hvm or trap vCPU. */
struct hvm_devs *hvm_dev_of(struct vcpu *v);
/* Port I/O; false if no device answers the port. */
bool hvm_dev_io(struct vcpu *v, uint16_t port, unsigned size, bool in,
                uint32_t *val);
/* Take what came in (timer, console input) and raise its IRQs. */
void hvm_dev_poll(struct vcpu *v);
/* The vector of the highest-priority pending IRQ, or -1; ack it. */
int hvm_pic_pending(struct hvm_devs *dev);
void hvm_pic_ack(struct hvm_devs *dev, int vector);
/* Flush console output to dom0 (at the end of a run). */
void hvm_dev_flush(struct vcpu *v);
void hvm_dev_init(struct hvm_devs *dev);

#endif /* CARAPACE_ARCH_HVM_DEV_H */
