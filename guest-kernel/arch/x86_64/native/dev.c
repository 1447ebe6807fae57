/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The native backend's devices, all of them legacy PC parts that q35 has:
 * the two 8259 PICs (remapped to vectors 32..47; only the timer and COM1
 * unmasked), the 8254 PIT (channel 0 one-shot: the timer; channel 2: the
 * TSC's calibration), the 16550 UART COM1 (the console, input by
 * interrupt) and QEMU's isa-debug-exit port (power off).
 *
 * Time is the TSC scaled to nanoseconds. Under -icount shift=0,sleep=off
 * the TSC counts instructions, so native figures are in the same unit as
 * the pv backend's.
 */
#include "arch.h"
#include "native.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI   0x20

#define PIT_HZ     1193182ULL
#define PIT_CH0    0x40
#define PIT_CH2    0x42
#define PIT_CMD    0x43
#define PIT_GATE   0x61
#define PIT_MAX_NS 50000000ULL /* a count fits 16 bits below 54.9 ms */
#define PIT_CAL    11932u      /* 10 ms of PIT ticks */

#define COM1     0x3f8
#define UART_RBR (COM1 + 0)
#define UART_IER (COM1 + 1)
#define UART_FCR (COM1 + 2)
#define UART_LCR (COM1 + 3)
#define UART_MCR (COM1 + 4)
#define UART_LSR (COM1 + 5)
#define LSR_DR   0x01
#define LSR_THRE 0x20

#define DEBUG_EXIT 0xf4

/* Input taken from the UART at interrupt time, until the tty reads it:
 * the UART's own FIFO holds 16 bytes. Written by native_serial_rx (in the
 * interrupt handler, kernel code not running) and read by the kernel with
 * interrupts off, so no lock. */
#define RX_SIZE 1024
static char dev_rx[RX_SIZE];
static uint32_t dev_rx_head, dev_rx_tail;

static uint64_t dev_tsc_mult; /* ns = tsc * dev_tsc_mult >> 32 */

static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static void dev_pic_init(void)
{
    outb(PIC1_CMD, 0x11); /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, NATIVE_VEC_IRQ0);
    outb(PIC2_DATA, NATIVE_VEC_IRQ0 + 8);
    outb(PIC1_DATA, 0x04); /* the slave on IRQ 2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01); /* 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, (uint8_t) ~((1u << 0) | (1u << 4))); /* PIT, COM1 */
    outb(PIC2_DATA, 0xff);
}

void native_dev_eoi(unsigned int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}

/* TSC ticks over PIT_CAL ticks of PIT channel 2 (gate on, speaker off,
 * mode 0: OUT2 rises at the end, visible in port 0x61 bit 5). */
static void dev_tsc_calibrate(void)
{
    uint8_t gate = inb(PIT_GATE);
    uint64_t t0, t1, hz;

    outb(PIT_GATE, (gate & ~0x03) | 0x01);
    outb(PIT_CMD, 0xb0); /* channel 2, lo/hi byte, mode 0 */
    outb(PIT_CH2, PIT_CAL & 0xff);
    outb(PIT_CH2, PIT_CAL >> 8);
    t0 = rdtsc();
    while (!(inb(PIT_GATE) & 0x20))
        ;
    t1 = rdtsc();
    outb(PIT_GATE, gate);
    hz = (t1 - t0) * PIT_HZ / PIT_CAL;
    dev_tsc_mult = hz ? (1000000000ULL << 32) / hz : 1ULL << 32;
}

uint64_t native_tsc_ns(void)
{
    /* A multiply, not a 128-bit division: there is no libgcc. */
    return (uint64_t)(((unsigned __int128)rdtsc() * dev_tsc_mult) >> 32);
}

void native_pit_oneshot(uint64_t ns)
{
    uint64_t count;

    if (ns > PIT_MAX_NS)
        ns = PIT_MAX_NS;
    count = ns * PIT_HZ / 1000000000ULL;
    if (count < 1)
        count = 1;
    outb(PIT_CMD, 0x30); /* channel 0, lo/hi byte, mode 0: one interrupt */
    outb(PIT_CH0, (uint8_t)count);
    outb(PIT_CH0, (uint8_t)(count >> 8));
}

static void dev_serial_init(void)
{
    outb(UART_IER, 0x00);
    outb(UART_LCR, 0x80); /* divisor latch: 115200 baud */
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(UART_LCR, 0x03); /* 8N1 */
    outb(UART_FCR, 0x07); /* FIFOs on and cleared, interrupt at 1 byte */
    outb(UART_MCR, 0x0b); /* DTR, RTS, OUT2 (the IRQ line) */
    outb(UART_IER, 0x01); /* interrupt on received data */
}

void native_dev_init(void)
{
    dev_pic_init();
    dev_tsc_calibrate();
    dev_serial_init();
}

static void dev_serial_putc(char c)
{
    while (!(inb(UART_LSR) & LSR_THRE))
        ;
    outb(COM1, (uint8_t)c);
}

void native_serial_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            dev_serial_putc('\r');
        dev_serial_putc(s[i]);
    }
}

bool native_serial_rx(void)
{
    bool got = false;

    while (inb(UART_LSR) & LSR_DR) {
        char c = (char)inb(UART_RBR);

        got = true;
        if (dev_rx_head - dev_rx_tail < RX_SIZE)
            dev_rx[dev_rx_head++ % RX_SIZE] = c;
        /* else: dropped, as a full UART FIFO would */
    }
    return got;
}

long native_serial_read(char *buf, size_t len)
{
    size_t n = 0;

    while (n < len && dev_rx_tail != dev_rx_head)
        buf[n++] = dev_rx[dev_rx_tail++ % RX_SIZE];
    return (long)n;
}

void native_exit(unsigned int code)
{
    outb(DEBUG_EXIT, (uint8_t)code);
    for (;;)
        asm volatile("cli; hlt");
}
