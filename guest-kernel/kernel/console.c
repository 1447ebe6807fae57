/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console under the tty and kernel messages. dom0 (and a domU the
 * builder gave no ring) uses the hypervisor console. A domU with
 * console = "ring" is the front end of the split console
 * (carapace/console.h): output goes into the ring's out half, input comes
 * from its in half, and the console port says when dom0's back end has
 * taken output (room to write) or put input.
 */
#include <string.h>

#include <carapace/console.h>

#include "arch.h"
#include "console.h"
#include "event.h"
#include "frame.h"
#include "print.h"
#include "proc.h"
#include "sched.h"
#include "tty.h"

#define CONSOLE_WAIT_NS  2000000000ULL  /* kernel output: a full ring */
#define CONSOLE_FLUSH_NS 10000000000ULL /* before shutdown */

static struct console_ring *con_ring;
static uint32_t con_port;
static bool con_stuck; /* the back end took nothing for CONSOLE_WAIT_NS */

static void console_event(uint32_t port, void *arg)
{
    (void)port;
    (void)arg;
    tty_poll();              /* input */
    sched_wakeup(&con_ring); /* writers waiting for room */
}

void console_init(const char *kind, uint64_t ring_gfn, uint32_t port)
{
    int rc;

    if (!kind || strcmp(kind, CARAPACE_SI_CONSOLE_RING) != 0)
        return;
    if (!ring_gfn || ring_gfn >= frame_total() || !port) {
        kprintf("kernel: console ring: bad start info (gfn %#lx, port %u); "
                "using the hypervisor console\n",
                (unsigned long)ring_gfn, port);
        return;
    }
    rc = event_bind_port(port, console_event, NULL);
    if (rc < 0) {
        kprintf("kernel: console ring: port %u: error %d; using the "
                "hypervisor console\n",
                port, rc);
        return;
    }
    con_port = port;
    con_ring = frame_va((uint32_t)ring_gfn);
}

bool console_has_input(void)
{
    return con_ring ? true : arch_console_can_read();
}

bool console_is_ring(void)
{
    return con_ring != NULL;
}

static uint32_t console_room(void)
{
    uint32_t cons = __atomic_load_n(&con_ring->out_cons, __ATOMIC_ACQUIRE);
    uint32_t used = con_ring->out_prod - cons;

    return used >= CONSOLE_RING_OUT_SIZE ? 0 : CONSOLE_RING_OUT_SIZE - used;
}

/* Puts what fits and notifies; returns the bytes put. */
static size_t console_put(const char *s, size_t len)
{
    uint32_t prod = con_ring->out_prod, room = console_room();
    size_t n = len < room ? len : room;

    for (size_t i = 0; i < n; i++)
        con_ring
            ->out[CONSOLE_RING_IDX(prod + (uint32_t)i, CONSOLE_RING_OUT_SIZE)] =
            s[i];
    if (n) {
        __atomic_store_n(&con_ring->out_prod, prod + (uint32_t)n,
                         __ATOMIC_RELEASE);
        event_notify(con_port);
    }
    return n;
}

/* Kernel context: no sleeping, so yield to the other domains until the
 * back end makes room, for a bounded time. */
static bool console_wait_room(uint64_t ns)
{
    uint64_t end = arch_time_ns() + ns;

    while (!console_room()) {
        if (arch_time_ns() > end)
            return false;
        arch_yield();
    }
    return true;
}

void console_write(const char *s, size_t len)
{
    if (!con_ring) {
        arch_console_write(s, len);
        return;
    }
    while (len) {
        size_t n = console_put(s, len);

        s += n;
        len -= n;
        if (n)
            con_stuck = false;
        if (len && (con_stuck || !console_wait_room(CONSOLE_WAIT_NS))) {
            con_stuck = true; /* no back end: drop, don't wait again */
            return;
        }
    }
}

size_t console_write_proc(const char *s, size_t len)
{
    size_t done = 0;

    if (!con_ring) {
        arch_console_write(s, len);
        return len;
    }
    while (done < len) {
        done += console_put(s + done, len - done);
        if (done == len || proc_current->killed)
            break;
        /* Events are taken only once we sleep: no wake-up is lost. */
        if (!console_room())
            sched_sleep(&con_ring);
    }
    return done;
}

long console_read(char *buf, size_t len)
{
    uint32_t cons, prod;
    size_t n = 0;

    if (!con_ring)
        return arch_console_can_read() ? arch_console_read(buf, len) : 0;
    cons = con_ring->in_cons;
    prod = __atomic_load_n(&con_ring->in_prod, __ATOMIC_ACQUIRE);
    if (prod - cons > CONSOLE_RING_IN_SIZE)
        cons = prod - CONSOLE_RING_IN_SIZE; /* broken: resynchronise */
    while (n < len && cons != prod)
        buf[n++] = con_ring->in[CONSOLE_RING_IDX(cons++, CONSOLE_RING_IN_SIZE)];
    __atomic_store_n(&con_ring->in_cons, cons, __ATOMIC_SEQ_CST);
    if (n)
        event_notify(con_port);
    return (long)n;
}

void console_flush(void)
{
    uint64_t end;

    if (!con_ring)
        return;
    end = arch_time_ns() + CONSOLE_FLUSH_NS;
    while (console_room() < CONSOLE_RING_OUT_SIZE && arch_time_ns() < end)
        arch_yield();
}
