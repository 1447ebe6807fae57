/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PC devices an hvm domain sees, emulated at its port I/O exits: the
 * two 8259 PICs (0x20/0x21, 0xa0/0xa1), the 8254 PIT (0x40..0x43, and the
 * channel 2 gate and output at 0x61), COM1 (0x3f8..0x3ff) and QEMU's
 * isa-debug-exit (0xf4), which ends the domain, not the machine. Exactly
 * what the native kernel uses (guest-kernel/arch/x86_64/native/dev.c);
 * any other port reads as all ones and ignores writes, as an empty bus.
 *
 * COM1 is the front end of the domain's console ring (carapace/console.h),
 * which dom0's back end serves as for a pv domU: output goes into the
 * ring's out half (the transmitter is "busy" while the ring is full, and
 * the guest's polling yields to dom0), input comes from its in half into
 * a receive FIFO, with IRQ 4. The PIT's channel 0 is the vCPU's one-shot
 * timer (v->timer_deadline, which the scheduler fires as VIRQ_TIMER):
 * hvm_dev_poll turns that into IRQ 0.
 */
#include <string.h>

#include <carapace/console.h>
#include <carapace/sched.h>
#include <carapace/shared.h>

#include "arch.h"
#include "console.h"
#include "domain.h"
#include "evtchn.h"
#include "log.h"
#include "p2m.h"
#include "sched.h"
#include <arch/hvm_dev.h>
#include <arch/svm.h>
#include <arch/trapvm.h>

#define PIT_HZ        1193182ULL
#define UART_STUCK_NS 2000000000ULL /* a ring nobody empties: drop output */

/* The devices of an hvm or a trap vCPU: inline here, on every port
 * access; hvm_dev_of for the other files. */
static inline struct hvm_devs *devs(struct vcpu *v)
{
    return v->arch.svm ? &v->arch.svm->dev : &v->arch.trapvm->dev;
}

struct hvm_devs *hvm_dev_of(struct vcpu *v)
{
    return devs(v);
}

/* --- PIC ------------------------------------------------------------------ */

static void pic_write(struct hvm_pic *p, bool data, uint8_t v)
{
    if (!data) {
        if (v & 0x10) { /* ICW1 */
            *p = (struct hvm_pic){.icw = 2, .icw4 = v & 1, .base = p->base};
        } else if ((v & 0x18) == 0x08) { /* OCW3 */
            if (v & 2)
                p->read_isr = v & 1;
        } else if (v == 0x20) { /* non-specific EOI: the highest in service */
            for (int i = 0; i < 8; i++)
                if (p->isr & (1u << i)) {
                    p->isr &= (uint8_t) ~(1u << i);
                    break;
                }
        } else if ((v & 0xf8) == 0x60) { /* specific EOI */
            p->isr &= (uint8_t) ~(1u << (v & 7));
        }
        return;
    }
    switch (p->icw) {
    case 2:
        p->base = v & 0xf8;
        p->icw = 3;
        break;
    case 3:
        p->icw = p->icw4 ? 4 : 0;
        break;
    case 4:
        p->icw = 0;
        break;
    default:
        p->imr = v;
    }
}

static uint8_t pic_read(const struct hvm_pic *p, bool data)
{
    if (data)
        return p->imr;
    return p->read_isr ? p->isr : p->irr;
}

static void pic_raise(struct hvm_devs *s, unsigned irq)
{
    s->pic[irq / 8].irr |= (uint8_t)(1u << (irq % 8));
}

int hvm_pic_pending(struct hvm_devs *s)
{
    struct hvm_pic *p = &s->pic[0]; /* the slave's lines stay masked */
    uint8_t ready = p->irr & (uint8_t)~p->imr;

    for (int i = 0; i < 8; i++) {
        if (p->isr & (1u << i))
            return -1; /* one of higher priority is in service */
        if (ready & (1u << i))
            return p->icw ? -1 : p->base + i;
    }
    return -1;
}

void hvm_pic_ack(struct hvm_devs *s, int vector)
{
    struct hvm_pic *p = &s->pic[0];
    unsigned i = (unsigned)(vector - p->base) & 7;

    p->irr &= (uint8_t) ~(1u << i);
    p->isr |= (uint8_t)(1u << i);
}

/* --- PIT ------------------------------------------------------------------ */

static uint64_t pit_ns(uint16_t count)
{
    return (count ? count : 65536ULL) * 1000000000ULL / PIT_HZ;
}

static void pit_arm(struct vcpu *v)
{
    struct hvm_pit *t = &devs(v)->pit;

    v->timer_deadline = t->start_ns[0] + pit_ns(t->count[0]);
    sched_deadlines(v);
    arch_timer_kick(v->timer_deadline);
}

static void pit_write(struct vcpu *v, unsigned port, uint8_t val)
{
    struct hvm_pit *t = &devs(v)->pit;
    unsigned ch = port - 0x40;

    if (port == 0x43) {
        ch = val >> 6;
        if (ch == 3 || !((val >> 4) & 3))
            return; /* read-back and latch commands: counts are not read */
        t->access[ch] = (val >> 4) & 3;
        t->mode[ch] = (val >> 1) & 7;
        t->hi_next[ch] = t->access[ch] == 2;
        return;
    }
    if (t->hi_next[ch]) {
        t->count[ch] = (uint16_t)((t->count[ch] & 0xff) | val << 8);
        t->hi_next[ch] = false;
    } else {
        t->count[ch] = (uint16_t)((t->count[ch] & 0xff00) | val);
        if (t->access[ch] == 3) {
            t->hi_next[ch] = true;
            return; /* the high byte completes it */
        }
    }
    t->start_ns[ch] = arch_time_ns();
    if (ch == 0)
        pit_arm(v);
    t->hi_next[ch] = t->access[ch] == 2;
}

static uint8_t pit_port61(struct hvm_pit *t)
{
    bool out2 = arch_time_ns() >= t->start_ns[2] + pit_ns(t->count[2]);

    t->port61 ^= 0x10; /* the refresh bit toggles */
    return (uint8_t)((t->port61 & 0x13) | (out2 && (t->port61 & 1) ? 0x20 : 0));
}

/* --- COM1 ----------------------------------------------------------------- */

static struct console_ring *uart_ring(struct vcpu *v)
{
    struct domain *d = v->domain;

    if (!gfn_val(d->console_gfn))
        return NULL;
    return mfn_to_virt(p2m_get(d, d->console_gfn));
}

static uint32_t uart_room(const struct console_ring *r)
{
    uint32_t used =
        r->out_prod - __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);

    return used >= CONSOLE_RING_OUT_SIZE ? 0 : CONSOLE_RING_OUT_SIZE - used;
}

/* Room for a byte? A ring full for UART_STUCK_NS has no reader: from then
 * on output is dropped (and the transmitter never looks busy again). */
static bool uart_ready(struct vcpu *v)
{
    struct hvm_uart *u = &devs(v)->uart;
    struct console_ring *r = uart_ring(v);
    uint64_t now;

    if (!r || u->dropping || uart_room(r))
        return (u->stuck_since = 0, true);
    now = arch_time_ns();
    if (!u->stuck_since)
        u->stuck_since = now;
    if (now - u->stuck_since > UART_STUCK_NS) {
        u->dropping = true;
        log_warn("Domain %u (%s): console ring full for 2 s: dropping its "
                 "output\n",
                 v->domain->id, v->domain->name);
        return true;
    }
    hvm_dev_flush(v);
    sched_yield(); /* let dom0's back end empty it */
    return false;
}

static void uart_tx(struct vcpu *v, uint8_t c)
{
    struct hvm_uart *u = &devs(v)->uart;
    struct console_ring *r = uart_ring(v);

    if (!r) {
        /* The hypervisor console ends its lines itself; the budget keeps
         * a chatty domain from flooding it, as for HC_console_write. */
        if (c != '\r' && console_budget(v->domain, 1))
            console_out(v->domain, (const char *)&c, 1);
        return;
    }
    if (!uart_room(r))
        return;          /* full: dropping, or the guest did not wait for it */
    u->dropping = false; /* a reader is back */
    r->out[CONSOLE_RING_IDX(r->out_prod, CONSOLE_RING_OUT_SIZE)] = (char)c;
    __atomic_store_n(&r->out_prod, r->out_prod + 1, __ATOMIC_RELEASE);
    u->notify = true;
    if (c == '\n' || uart_room(r) < CONSOLE_RING_OUT_SIZE / 2)
        hvm_dev_flush(v);
}

static uint8_t uart_rx(struct hvm_uart *u)
{
    if (u->rx_tail == u->rx_head)
        return 0;
    return u->rx[u->rx_tail++ % HVM_UART_RX];
}

static void uart_write(struct vcpu *v, unsigned reg, uint8_t val)
{
    struct hvm_uart *u = &devs(v)->uart;
    bool dlab = u->lcr & 0x80;

    switch (reg) {
    case 0:
        if (dlab)
            u->dll = val;
        else
            uart_tx(v, val);
        break;
    case 1:
        if (dlab)
            u->dlm = val;
        else
            u->ier = val & 0x0f;
        break;
    case 3:
        u->lcr = val;
        break;
    case 4:
        u->mcr = val;
        break;
    case 7:
        u->scr = val;
        break;
    default:
        break; /* FCR: the FIFOs are always on */
    }
}

static uint8_t uart_read(struct vcpu *v, unsigned reg)
{
    struct hvm_uart *u = &devs(v)->uart;
    bool dlab = u->lcr & 0x80, data = u->rx_tail != u->rx_head;

    switch (reg) {
    case 0:
        return dlab ? u->dll : uart_rx(u);
    case 1:
        return dlab ? u->dlm : u->ier;
    case 2: /* IIR: FIFOs on; received data, or nothing pending */
        return (u->ier & 1) && data ? 0xc4 : 0xc1;
    case 3:
        return u->lcr;
    case 4:
        return u->mcr;
    case 5: /* LSR */
        return (uart_ready(v) ? 0x60 : 0) | (data ? 1 : 0);
    case 6:
        return 0xb0; /* MSR: CTS, DSR, DCD */
    default:
        return u->scr;
    }
}

/* Input from the ring's in half into the receive FIFO, and IRQ 4. */
static void uart_poll(struct vcpu *v)
{
    struct hvm_uart *u = &devs(v)->uart;
    struct console_ring *r = uart_ring(v);
    uint32_t cons, prod;
    bool got = false;

    if (!r)
        return;
    cons = r->in_cons;
    prod = __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE);
    while (cons != prod && u->rx_head - u->rx_tail < HVM_UART_RX) {
        u->rx[u->rx_head++ % HVM_UART_RX] =
            (uint8_t)r->in[CONSOLE_RING_IDX(cons, CONSOLE_RING_IN_SIZE)];
        cons++;
        got = true;
    }
    if (got) {
        __atomic_store_n(&r->in_cons, cons, __ATOMIC_RELEASE);
        u->notify = true; /* room for more input */
    }
    if (u->rx_tail != u->rx_head && (u->ier & 1) && got)
        pic_raise(devs(v), 4);
}

/* --- Dispatch ------------------------------------------------------------- */

static void dev_debug_exit(struct vcpu *v, uint8_t val)
{
    struct domain *d = v->domain;

    hvm_dev_flush(v);
    if (val == 0)
        domain_shutdown(d, SHUTDOWN_poweroff);
    else if (val == 3)
        domain_shutdown(d, SHUTDOWN_reboot);
    else
        domain_crash(d, NULL, "it wrote %u to isa-debug-exit (port 0xf4)", val);
}

bool hvm_dev_io(struct vcpu *v, uint16_t port, unsigned size, bool in,
                uint32_t *val)
{
    struct hvm_devs *s = devs(v);
    uint8_t b = (uint8_t)*val;

    if (size != 1 && port != 0xf4)
        return false;
    if (port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1) {
        struct hvm_pic *p = &s->pic[port >= 0xa0];

        if (in)
            *val = pic_read(p, port & 1);
        else
            pic_write(p, port & 1, b);
    } else if (port >= 0x40 && port <= 0x43) {
        if (in)
            *val = 0; /* counts are not read back */
        else
            pit_write(v, port, b);
    } else if (port == 0x61) {
        if (in)
            *val = pit_port61(&s->pit);
        else
            s->pit.port61 = b & 0x03;
    } else if (port >= 0x3f8 && port <= 0x3ff) {
        if (in)
            *val = uart_read(v, port - 0x3f8);
        else
            uart_write(v, port - 0x3f8, b);
    } else if (port == 0xf4) {
        if (!in)
            dev_debug_exit(v, b);
    } else {
        return false;
    }
    return true;
}

void hvm_dev_poll(struct vcpu *v)
{
    struct domain *d = v->domain;
    struct vcpu_info *vi = &d->shared->vcpu[v->id];

    __atomic_store_n(&vi->upcall_pending, 0, __ATOMIC_SEQ_CST);
    if (__atomic_fetch_and(&vi->pending_virqs, ~(1u << VIRQ_TIMER),
                           __ATOMIC_SEQ_CST) &
        (1u << VIRQ_TIMER)) {
        struct hvm_pit *t = &devs(v)->pit;

        pic_raise(devs(v), 0);
        if (t->mode[0] == 2 || t->mode[0] == 3) { /* periodic: again */
            t->start_ns[0] = arch_time_ns();
            pit_arm(v);
        }
    }
    if (d->console_port)
        evtchn_2l_clear_pending(d->shared, d->console_port);
    uart_poll(v);
}

void hvm_dev_flush(struct vcpu *v)
{
    struct hvm_uart *u = &devs(v)->uart;

    if (!u->notify)
        return;
    u->notify = false;
    evtchn_send(v->domain, v->domain->console_port); /* unbound: no one */
}

void hvm_dev_init(struct hvm_devs *s)
{
    s->pic[0].imr = s->pic[1].imr = 0xff;
    s->pic[0].base = 0x08; /* the BIOS's, until the guest remaps it */
    s->pic[1].base = 0x70;
}
