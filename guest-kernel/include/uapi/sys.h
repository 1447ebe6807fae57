/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest kernel's system-call ABI: the contract between guest-kernel/
 * (the kernel) and the user programs in guest-kernel/user/. It is not part
 * of the hypervisor ABI (abi/): the hypervisor only bounces a user-mode
 * `syscall` to the guest kernel and never looks at these numbers.
 *
 * Convention (x86_64, like Linux): `syscall` with the number in rax and the
 * arguments in rdi, rsi, rdx, r10, r8, r9; the result comes back in rax, a
 * negative SYS_E* value on failure. rcx and r11 are clobbered; every other
 * general register is preserved. Pointers are user addresses and are
 * checked by the kernel: a bad one gives -SYS_EFAULT, never a kernel fault.
 */
#ifndef CARAPACE_OS_SYS_H
#define CARAPACE_OS_SYS_H

#include <stdint.h>

#define SYS_exit   0  /* (int status): does not return */
#define SYS_write  1  /* (int fd, const void *buf, uint64_t len) -> n */
#define SYS_read   2  /* (int fd, void *buf, uint64_t len) -> n, 0 at EOF */
#define SYS_open   3  /* (const char *path, int flags) -> fd */
#define SYS_close  4  /* (int fd) */
#define SYS_lseek  5  /* (int fd, int64_t off, int whence) -> new offset */
#define SYS_fstat  6  /* (int fd, struct sys_stat *st) */
#define SYS_isatty 7  /* (int fd) -> 1 or 0 */
#define SYS_sbrk   8  /* (int64_t incr) -> old break */
#define SYS_getpid 9  /* () -> pid */
#define SYS_kill   10 /* (int pid, int sig) */
/* SYS_spawn: (const char *path, char *const argv[], flags) -> pid */
#define SYS_spawn 11
/* SYS_wait: (int pid or -1, int *status, flags) -> pid of the child */
#define SYS_wait   12
#define SYS_uptime 13 /* () -> nanoseconds since this domain booted */
#define SYS_domctl 14 /* (uint64_t op, void *arg): dom0 only, else -EPERM */
#define SYS_yield  15 /* () */
/* SYS_readdir: (const char *dir, uint64_t index, struct sys_dirent *) -> 1,
 * 0 at end */
#define SYS_readdir 16
/* SYS_procinfo: (uint64_t index, struct sys_procinfo *) -> 1, 0 at end */
#define SYS_procinfo 17
/* SYS_poweroff: (int status): dom0 powers the machine off, a domU shuts
 * down */
#define SYS_poweroff 18
/* SYS_hostname: (char *buf, uint64_t len) -> length: "dom0" or the domain's
 * name */
#define SYS_hostname 19
/* SYS_ttymode: (int raw): console raw (1: no echo, no line editing, Ctrl-C
 * is a byte) or cooked (0) */
#define SYS_ttymode 20
#define SYS_sleep   21 /* (uint64_t ns): sleep at least ns */
/* SYS_set_tls: (uint64_t fs_base): this process's FS base (libfdt's canary
 * at %fs:0x28) */
#define SYS_set_tls 22
/* SYS_evtchn: (uint64_t op, void *arg): event channels for user programs
 * (vchan) */
#define SYS_evtchn 23
/* SYS_grant: (uint64_t op, void *arg): grants for user programs (vchan) */
#define SYS_grant 24
/* SYS_dup2: (int old, int new) -> new: new becomes a copy of old (closed
 * first if open); the shell's redirections */
#define SYS_dup2 25
/* SYS_chdir: (const char *dir): relative paths start there from now on
 * (spawn passes it on) */
#define SYS_chdir 26
/* SYS_getcwd: (char *buf, uint64_t len) -> length: the working directory
 * as an absolute path, NUL-terminated */
#define SYS_getcwd 27
/* SYS_mapcycle: (uint64_t npages): maps one frame at npages pages of a
 * fresh scratch address space, then unmaps them all; 0, or -SYS_EINVAL
 * above SYS_MAPCYCLE_MAX: a page-table benchmark (bin/tradeoff) */
#define SYS_mapcycle 28
/* (uint64_t op, uint32_t domid): dom0's console back end, SYS_DOMCONS_* */
#define SYS_domcons 29
/* () -> the hypervisor entries of this CPU so far (arch_hv_entries), or
 * -ENOSYS where they are not counted */
#define SYS_hventries 30
#define SYS_NR        31

/* Errors (negated in rax). Values match newlib's errno.h. */
#define SYS_EPERM        1
#define SYS_ENOENT       2
#define SYS_ESRCH        3
#define SYS_EINTR        4
#define SYS_EIO          5
#define SYS_E2BIG        7
#define SYS_ENOEXEC      8
#define SYS_EBADF        9
#define SYS_ECHILD       10
#define SYS_EAGAIN       11
#define SYS_ENOMEM       12
#define SYS_EFAULT       14
#define SYS_EBUSY        16
#define SYS_EEXIST       17
#define SYS_ENOTDIR      20
#define SYS_EISDIR       21
#define SYS_EINVAL       22
#define SYS_EMFILE       24
#define SYS_ENOTTY       25
#define SYS_EFBIG        27
#define SYS_ENOSPC       28
#define SYS_ESPIPE       29
#define SYS_EROFS        30
#define SYS_ERANGE       34
#define SYS_ENOSYS       88 /* newlib's ENOSYS */
#define SYS_ENAMETOOLONG 91

/* SYS_open flags (newlib's values). The root filesystem is a read-only
 * ramdisk: O_WRONLY or O_RDWR on a regular file gives -SYS_EROFS, except
 * in /tmp, the one writable directory (in memory: at most 32 files of 64
 * KiB), where O_CREAT makes a file, O_TRUNC empties it and O_APPEND
 * writes at its end. /dev/console may be opened for reading and writing. */
#define SYS_O_RDONLY 0
#define SYS_O_WRONLY 1
#define SYS_O_RDWR   2
#define SYS_O_APPEND 0x0008
#define SYS_O_CREAT  0x0200
#define SYS_O_TRUNC  0x0400
/* SYS_O_NONBLOCK: newlib's: a read that would sleep gives -SYS_EAGAIN
 * (/dev/dom/N/console) */
#define SYS_O_NONBLOCK 0x4000

/* SYS_ttymode modes. Raw: input is handed over byte for byte, unechoed,
 * with no line editing and Ctrl-C as a byte (0x03); a read returns what is
 * waiting (at least one byte), or with SYS_TTY_RAW_NONBLOCK -SYS_EAGAIN
 * when nothing is. The console goes back to cooked when the process that
 * made it raw exits. */
#define SYS_TTY_COOKED       0
#define SYS_TTY_RAW          1
#define SYS_TTY_RAW_NONBLOCK 2

/* SYS_wait flags. */
#define SYS_WAIT_NOHANG 0x1 /* no child has exited yet: return 0, not sleep */

/* SYS_spawn flags. */
/* SYS_SPAWN_FG: the child becomes the console's foreground process: Ctrl-C
 * on the console kills it */
#define SYS_SPAWN_FG 0x1

/* SYS_evtchn(op, arg): event channels for user programs. A port belongs
 * to the process that opened it; only it may use it, and it is closed when
 * that process exits (at most SYS_EVTCHN_MAX per process). */
/* SYS_EVTCHN_ALLOC_UNBOUND: arg: remote domain -> a new port it may bind */
#define SYS_EVTCHN_ALLOC_UNBOUND 0
/* SYS_EVTCHN_BIND: arg: struct sys_evtchn_bind * -> local port */
#define SYS_EVTCHN_BIND   1
#define SYS_EVTCHN_NOTIFY 2 /* arg: port: an event to the peer */
/* SYS_EVTCHN_WAIT: arg: port: sleep until it fired since the last wait (at
 * once if it did) */
#define SYS_EVTCHN_WAIT  3
#define SYS_EVTCHN_CLOSE 4 /* arg: port */
#define SYS_EVTCHN_MAX   32

struct sys_evtchn_bind {
    uint32_t dom;  /* the remote domain */
    uint32_t port; /* its port, allocated unbound for this domain */
};

/* SYS_grant(op, arg): grants for user programs. A granted page is the
 * caller's (page-aligned, mapped; writable for a writable grant) and stays
 * its frame while granted. Foreign pages are mapped at
 * [SYS_GRANT_MAP_BASE, + SYS_GRANT_MAX pages). Grants and mappings are
 * undone when the process exits (a grant the peer still maps is ended, and
 * its frame freed, once the peer unmaps it). At most SYS_GRANT_MAX grants
 * and SYS_GRANT_MAX mappings per process. */
#define SYS_GRANT_ACCESS   0   /* arg: struct sys_grant_access * -> its ref */
#define SYS_GRANT_END      1   /* arg: ref; -EBUSY while the peer maps it */
#define SYS_GRANT_MAP      2   /* arg: struct sys_grant_map * -> user address */
#define SYS_GRANT_UNMAP    3   /* arg: the address SYS_GRANT_MAP returned */
#define SYS_GRANT_RO       0x1 /* flags: read-only */
#define SYS_GRANT_REF_MAX  256 /* refs 1 .. 255 (0 is the console's) */
#define SYS_GRANT_MAX      64
#define SYS_GRANT_MAP_BASE 0x3e000000ull

struct sys_grant_access {
    uint64_t addr;  /* the caller's page */
    uint32_t dom;   /* the grantee */
    uint32_t ref;   /* 1 .. SYS_GRANT_REF_MAX - 1: -EEXIST if taken */
    uint32_t flags; /* SYS_GRANT_RO */
    uint32_t pad;   /* 0 */
};

struct sys_grant_map {
    uint32_t dom; /* the granter */
    uint32_t ref;
    uint32_t flags; /* SYS_GRANT_RO */
    uint32_t pad;   /* 0 */
};

/* Signals for SYS_kill: every signal terminates the process. */
#define SYS_SIGINT  2
#define SYS_SIGKILL 9
#define SYS_SIGTERM 15

/* Exit status of a process, as SYS_wait reports it: the low 8 bits of the
 * status passed to SYS_exit; killed by signal S: 128 + S; killed by the
 * kernel for a fault: 128 + 11 (as SIGSEGV). */
#define SYS_STATUS_SIGNALED(sig) (128 + (sig))
#define SYS_STATUS_FAULT         139

struct sys_stat {
    uint32_t mode; /* SYS_S_IF* */
    uint32_t pad;
    uint64_t size;
};
#define SYS_S_IFCHR 0020000
#define SYS_S_IFDIR 0040000
#define SYS_S_IFREG 0100000

#define SYS_NAME_MAX 64
struct sys_dirent {
    uint32_t mode; /* SYS_S_IF* */
    uint32_t pad;
    uint64_t size;
    char name[SYS_NAME_MAX]; /* NUL-terminated, without the directory */
};

#define SYS_COMM_MAX 32
struct sys_procinfo {
    int32_t pid;
    int32_t ppid;
    uint32_t state; /* SYS_PROC_* */
    uint32_t pad;
    uint64_t cpu_ns;    /* CPU time used */
    uint64_t mem_bytes; /* user memory mapped */
    char name[SYS_COMM_MAX];
};
#define SYS_PROC_RUNNABLE 0
#define SYS_PROC_SLEEPING 1
#define SYS_PROC_ZOMBIE   2

/* Limits (the kernel's, reported as clear errors when hit). */
#define SYS_PROC_MAX 32          /* processes at once: spawn gives -EAGAIN */
#define SYS_FD_MAX   16          /* open files per process: -EMFILE */
#define SYS_ARG_MAX  4096        /* bytes of argv strings: -E2BIG */
#define SYS_ARGV_MAX 32          /* arguments: -E2BIG */
#define SYS_PROC_MEM (64u << 20) /* heap + stack per process: -ENOMEM */
/* SYS_domctl: or'ed into the op of DOMCTL_console_setup, the back end
 * does not connect to the new console until SYS_DOMCONS_ATTACH (output
 * waits in the domain's ring meanwhile): how dom0 keeps no state for
 * thousands of domains nobody watches. */
#define SYS_DOMCTL_CONSOLE_LATER (1ull << 31)
/* SYS_domcons ops. ATTACH: connect to domain domid's console now (0 if
 * connected already; -ESRCH: no such domain or no console, -ENOSPC /
 * -ENOMEM as for DOMCTL_console_setup, -EIO: ring or port refused).
 * DETACH: disconnect and forget its history (-ESRCH: not attached). */
#define SYS_DOMCONS_ATTACH 0
#define SYS_DOMCONS_DETACH 1
/* SYS_DOMCONS_MAX: domUs whose consoles dom0 serves at once:
 * DOMCTL_console_setup gives -ENOSPC (-ENOMEM: no memory for the 64 KiB
 * history) */
#define SYS_DOMCONS_MAX 512
/* SYS_DOMCTL_WRITE_MAX: bytes one DOMCTL_write_memory through SYS_domctl
 * may copy (dom0's kernel hands the process's own pages to the hypervisor
 * as DOMCTL_copy segments, so it needs no bounce buffer): -E2BIG */
#define SYS_DOMCTL_WRITE_MAX (64u << 20)
/* SYS_MAPCYCLE_MAX: pages one SYS_mapcycle may map (one 2 MiB page
 * table's worth) */
#define SYS_MAPCYCLE_MAX 512

/* User address space layout: below 1 GiB (newlib has 32-bit relocations,
 * and the kernel itself lives from 1 GiB up, in the kernel root only). */
#define SYS_USER_BASE 0x00400000ull /* programs link here */
#define SYS_USER_TOP  0x3ff00000ull /* top of the user stack */
#define SYS_STACK_MAX (8u << 20)    /* the stack may grow this far */

/*
 * A process starts at its ELF entry with rsp = a 16-byte aligned pointer to
 * argc (uint64_t), then argv[0..argc-1], a NULL, then the strings. Every
 * other register is 0.
 */

#endif /* CARAPACE_OS_SYS_H */
