/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor console: a 16550 UART on COM1 at 115200 8N1, polled.
 * Polling keeps it usable from any context, including the fatal path.
 */
#include <stdbool.h>
#include <stddef.h>

#include "arch.h"
#include <arch/cpu.h>
#include <arch/serial.h>

#define COM1      0x3f8
#define UART_DATA 0 /* DLAB=0: data; DLAB=1: divisor low */
#define UART_IER  1 /* DLAB=0: interrupt enable; DLAB=1: divisor high */
#define UART_FCR  2
#define UART_LCR  3
#define UART_MCR  4
#define UART_LSR  5
#define LSR_DR    0x01 /* a received byte is waiting */
#define LSR_THRE  0x20 /* transmit holding register empty */

static bool serial_ready;
static int serial_early = -1; /* a byte typed before the FIFO was on */

void serial_init(void)
{
    /* Turning the FIFOs on empties them: keep a byte that already waits. */
    if (inb(COM1 + UART_LSR) & LSR_DR)
        serial_early = inb(COM1 + UART_DATA);
    outb(COM1 + UART_IER, 0x00);  /* no interrupts: we poll */
    outb(COM1 + UART_LCR, 0x80);  /* DLAB on to set the divisor */
    outb(COM1 + UART_DATA, 0x01); /* 115200 = 115200 / 1 */
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, 0x03); /* 8 bits, no parity, 1 stop, DLAB off */
    outb(COM1 + UART_FCR, 0xc7); /* FIFOs on and cleared */
    outb(COM1 + UART_MCR, 0x03); /* DTR, RTS */
    serial_ready = true;
}

static void serial_putc(char c)
{
    /* Bounded wait: a missing UART must not hang the hypervisor. */
    for (unsigned i = 0; i < 100000; i++) {
        if (inb(COM1 + UART_LSR) & LSR_THRE)
            break;
        cpu_relax();
    }
    outb(COM1 + UART_DATA, (uint8_t)c);
}

void arch_console_write(const char *s, size_t len)
{
    if (!serial_ready)
        serial_init();
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int arch_console_getc(void)
{
    int c = serial_early;

    if (c >= 0) {
        serial_early = -1;
        return c;
    }
    if (!serial_ready || !(inb(COM1 + UART_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + UART_DATA);
}
