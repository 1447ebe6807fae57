/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypervisor console as guests see it: output labelled and, for
 * domUs, rate-limited; input from the serial line buffered for dom0.
 */
#ifndef CARAPACE_CONSOLE_H
#define CARAPACE_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct domain;

/* Bytes a domU may write in one burst, and the refill per timer tick:
 * 16 KiB at once, then 8 KB/s (a 115200-baud line) at 100 Hz. dom0 is not
 * limited. */
#define CONSOLE_BURST       16384
#define CONSOLE_REFILL_TICK 80

/* Input bytes kept for dom0 until it reads them; more are dropped. */
#define CONSOLE_INPUT_SIZE 1024

/* How many of n bytes domain d may write now (0: none, -EAGAIN). */
size_t console_budget(struct domain *d, size_t n);
/* Write guest output: domU lines get a "(dN) " label. */
void console_out(struct domain *d, const char *s, size_t n);
/* Refill output budgets and collect input; called every timer tick. */
void console_tick(void);
/* Copy up to n waiting input bytes to buf; returns how many. They stay
 * waiting until console_consume: a reader that cannot take them (a bad
 * guest buffer) loses nothing. */
size_t console_peek(char *buf, size_t n);
/* Drop the first n waiting bytes (at most what console_peek returned). */
void console_consume(size_t n);

#endif /* CARAPACE_CONSOLE_H */
