/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console as guests see it. Output: dom0 owns the serial line; other
 * domains' lines are labelled "(dN) " and limited to CONSOLE_BURST bytes
 * at once, refilled by CONSOLE_REFILL_TICK per timer tick, so a chatty
 * domU cannot drown the machine's one console. Input: the serial line is
 * polled every tick (the UART raises no interrupt); bytes wait in a ring
 * for dom0, which hears of them through VIRQ_CONSOLE.
 *
 * Locking: none needed on one CPU with interrupts off in the hypervisor;
 * console_in_* are written by console_tick and console_read only.
 */
#include <carapace/shared.h>

#include "arch.h"
#include "console.h"
#include "domain.h"
#include "format.h"
#include "log.h"

static char console_in[CONSOLE_INPUT_SIZE];
static uint32_t console_in_prod, console_in_cons; /* free-running indices */
static uint32_t console_in_told; /* console_in_prod when dom0 was last told */

size_t console_budget(struct domain *d, size_t n)
{
    uint64_t now = arch_timer_ticks(), refill;

    if (d->id == 0)
        return n;
    /* A domain that never wrote starts with a full burst. */
    refill = d->console_tick ? (now - d->console_tick) * CONSOLE_REFILL_TICK
                             : CONSOLE_BURST;
    d->console_tick = now;
    d->console_budget = refill >= CONSOLE_BURST - d->console_budget
                            ? CONSOLE_BURST
                            : d->console_budget + (uint32_t)refill;
    if (n > d->console_budget)
        n = d->console_budget;
    d->console_budget -= (uint32_t)n;
    return n;
}

/*
 * A domU's bytes as they reach the operator's terminal: control characters
 * other than newline and tab, and DEL, are shown as ^X (ESC as ^[), so a
 * domain cannot move the cursor, erase or rewrite other lines (a "\r(d0)"
 * forgery included), retitle the window or reprogram the terminal with
 * escape sequences. Bytes from 0x80 up pass (UTF-8).
 */
static void console_escape(struct domain *d, const char *s, size_t n)
{
    char buf[128];
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (k + 2 > sizeof(buf)) {
            log_write_from(d->id, buf, k);
            k = 0;
        }
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            buf[k++] = '^';
            buf[k++] = (char)(c ^ 0x40);
        } else {
            buf[k++] = (char)c;
        }
    }
    if (k)
        log_write_from(d->id, buf, k);
}

/* One piece of d's output: a line, or the unfinished end of one. A domU's
 * lines start with "(dN) ", again if another writer broke in. */
static void console_piece(struct domain *d, const char *s, size_t n)
{
    char label[16];

    if (d->id == 0) {
        log_write_from(d->id, s, n); /* dom0 owns the terminal */
        return;
    }
    if (!log_continues(d->id)) {
        int len = format_snprintf(label, sizeof(label), "(d%u) ", d->id);

        log_write_from(d->id, label, (size_t)len);
    }
    console_escape(d, s, n);
}

void console_out(struct domain *d, const char *s, size_t n)
{
    size_t start = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' || i + 1 == n) {
            console_piece(d, s + start, i + 1 - start);
            start = i + 1;
        }
    }
}

/* Move waiting serial bytes into the ring. */
static void console_poll(void)
{
    int c;

    while ((c = arch_console_getc()) >= 0) {
        if (console_in_prod - console_in_cons == CONSOLE_INPUT_SIZE)
            continue; /* full: drop, as a terminal without flow control */
        console_in[console_in_prod++ % CONSOLE_INPUT_SIZE] = (char)c;
    }
}

/* Tell dom0 of bytes that arrived since it was last told, including any
 * that console_read's own poll took in. */
void console_tick(void)
{
    struct domain *dom0 = domain_get(0);

    console_poll();
    if (console_in_told != console_in_prod && dom0) {
        console_in_told = console_in_prod;
        domain_virq(dom0, VIRQ_CONSOLE);
    }
}

size_t console_peek(char *buf, size_t n)
{
    size_t i = 0;

    console_poll();
    for (; i < n && console_in_cons + i != console_in_prod; i++)
        buf[i] = console_in[(console_in_cons + i) % CONSOLE_INPUT_SIZE];
    return i;
}

void console_consume(size_t n)
{
    console_in_cons += (uint32_t)n;
}
