/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console tty, on kernel/console.c (the hypervisor console, or a
 * domU's console ring). Input (dom0, or a domU with a ring) is cooked here:
 * typed characters are echoed and edited in tty_line; Enter, or Ctrl-D,
 * turns the line into a record in tty_ready, and a read returns at most
 * one record. An empty record is end-of-file (Ctrl-D at the start of a
 * line). Ctrl-C kills the foreground process, or interrupts a waiting
 * read when there is none.
 */
#include <string.h>

#include "console.h"
#include "print.h"
#include "proc.h"
#include "sched.h"
#include "tty.h"

#define TTY_LINE_MAX  256
#define TTY_READY_MAX 1024
#define TTY_RECS_MAX  32

#define TTY_CTRL_C 0x03
#define TTY_CTRL_D 0x04
#define TTY_CTRL_U 0x15

static bool tty_has_input;
static char tty_line[TTY_LINE_MAX];
static size_t tty_line_len;
static char tty_ready[TTY_READY_MAX];
static size_t tty_ready_len;
static uint16_t tty_rec[TTY_RECS_MAX]; /* lengths of the ready records */
static unsigned int tty_nrec;
static unsigned int tty_readers; /* processes asleep in tty_read */
static bool tty_intr;            /* Ctrl-C for the waiting readers */
static int tty_fg;               /* the foreground pid, 0: none */
/* SYS_ttymode: raw input goes to tty_raw byte for byte, unechoed, with no
 * editing and Ctrl-C as a byte; the process that set it (tty_raw_pid)
 * leaving puts the console back to cooked. */
static int tty_mode = SYS_TTY_COOKED;
static int tty_raw_pid;
static char tty_raw[TTY_READY_MAX];
static size_t tty_raw_len;

void tty_init(bool has_input)
{
    tty_has_input = has_input;
}

void tty_set_foreground(int pid)
{
    tty_fg = pid;
}

void tty_proc_gone(int pid)
{
    if (tty_raw_pid == pid && tty_mode != SYS_TTY_COOKED)
        tty_set_mode(pid, SYS_TTY_COOKED);
    if (tty_fg == pid)
        tty_fg = 0;
}

static void tty_echo(const char *s, size_t n)
{
    console_write(s, n);
}

static void tty_push(bool newline)
{
    size_t n = tty_line_len + (newline ? 1 : 0);

    if (tty_nrec < TTY_RECS_MAX && tty_ready_len + n <= TTY_READY_MAX) {
        memcpy(tty_ready + tty_ready_len, tty_line, tty_line_len);
        if (newline)
            tty_ready[tty_ready_len + tty_line_len] = '\n';
        tty_ready_len += n;
        tty_rec[tty_nrec++] = (uint16_t)n;
    } /* else nobody reads: the line is dropped */
    tty_line_len = 0;
    sched_wakeup(&tty_ready);
}

static void tty_interrupt(void)
{
    struct proc *p = tty_fg ? proc_find(tty_fg) : NULL;

    tty_echo("^C\n", 3);
    tty_line_len = 0;
    if (p) {
        proc_kill(p, SYS_STATUS_SIGNALED(SYS_SIGINT));
    } else if (tty_readers) {
        tty_intr = true;
        sched_wakeup(&tty_ready);
    }
}

static void tty_char(char c)
{
    if (tty_mode != SYS_TTY_COOKED) {
        if (tty_raw_len < TTY_READY_MAX)
            tty_raw[tty_raw_len++] = c;
        sched_wakeup(&tty_ready);
        return;
    }
    switch (c) {
    case '\r':
    case '\n':
        tty_echo("\n", 1);
        tty_push(true);
        break;
    case 0x08:
    case 0x7f:
        if (tty_line_len) {
            tty_line_len--;
            tty_echo("\b \b", 3);
        }
        break;
    case TTY_CTRL_U:
        for (; tty_line_len; tty_line_len--)
            tty_echo("\b \b", 3);
        break;
    case TTY_CTRL_C:
        tty_interrupt();
        break;
    case TTY_CTRL_D:
        tty_push(false); /* at a line start: the empty record, EOF */
        break;
    default:
        if (((unsigned char)c >= 0x20 || c == '\t') &&
            tty_line_len < TTY_LINE_MAX - 1) {
            tty_line[tty_line_len++] = c;
            tty_echo(&c, 1);
        }
    }
}

void tty_poll(void)
{
    char buf[64];
    long n;

    if (!tty_has_input)
        return;
    while ((n = console_read(buf, sizeof(buf))) > 0) {
        for (long i = 0; i < n; i++)
            tty_char(buf[i]);
    }
}

/* Hands out the first record (or its first len bytes). */
static long tty_take(struct vm *vm, uint64_t ubuf, size_t len)
{
    size_t n = tty_rec[0] < len ? tty_rec[0] : len;

    if (vm_copy_out(vm, ubuf, tty_ready, n))
        return -SYS_EFAULT;
    memmove(tty_ready, tty_ready + n, tty_ready_len - n);
    tty_ready_len -= n;
    tty_rec[0] = (uint16_t)(tty_rec[0] - n);
    if (tty_rec[0] == 0) {
        tty_nrec--;
        memmove(tty_rec, tty_rec + 1, tty_nrec * sizeof(tty_rec[0]));
    }
    return (long)n;
}

long tty_set_mode(int pid, int mode)
{
    if (mode != SYS_TTY_COOKED && mode != SYS_TTY_RAW &&
        mode != SYS_TTY_RAW_NONBLOCK)
        return -SYS_EINVAL;
    tty_mode = mode;
    tty_raw_pid = pid;
    tty_raw_len = 0;
    tty_line_len = 0;
    sched_wakeup(&tty_ready);
    return 0;
}

/* Raw input: what is waiting, or nothing (-SYS_EAGAIN) or a sleep. */
static long tty_take_raw(struct vm *vm, uint64_t ubuf, size_t len)
{
    size_t n = tty_raw_len < len ? tty_raw_len : len;

    if (vm_copy_out(vm, ubuf, tty_raw, n))
        return -SYS_EFAULT;
    memmove(tty_raw, tty_raw + n, tty_raw_len - n);
    tty_raw_len -= n;
    return (long)n;
}

long tty_read(struct vm *vm, uint64_t ubuf, size_t len)
{
    if (!tty_has_input || len == 0)
        return 0;
    for (;;) {
        tty_poll();
        if (tty_mode != SYS_TTY_COOKED && tty_raw_len)
            return tty_take_raw(vm, ubuf, len);
        if (tty_mode == SYS_TTY_RAW_NONBLOCK)
            return -SYS_EAGAIN;
        if (tty_nrec)
            return tty_take(vm, ubuf, len);
        if (tty_intr) {
            tty_intr = tty_readers > 0; /* the other readers see it too */
            return -SYS_EINTR;
        }
        if (proc_current->killed)
            return -SYS_EINTR;
        tty_readers++;
        sched_sleep(&tty_ready);
        tty_readers--;
    }
}

long tty_write(struct vm *vm, uint64_t ubuf, size_t len)
{
    char buf[512];
    size_t done = 0;

    while (done < len) {
        size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);

        if (vm_copy_in(vm, buf, ubuf + done, n))
            return done ? (long)done : -SYS_EFAULT;
        n = console_write_proc(buf, n);
        done += n;
        if (n < sizeof(buf) && done < len)
            break; /* killed while the ring was full */
    }
    return (long)done;
}
