/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Carapace user programs: the system calls newlib has no name for.
 *
 * Each wrapper returns what the kernel returned, except that a failure
 * becomes -1 with errno set (as POSIX calls do). The structures and
 * constants are the kernel's (uapi/sys.h).
 */
#ifndef CARAPACE_OS_H
#define CARAPACE_OS_H

#include <stddef.h>
#include <stdint.h>

#include <uapi/sys.h>

/* A raw system call: the kernel's result, a negative SYS_E* on failure. */
long sys_call(long nr, long a0, long a1, long a2, long a3);

/* Start PATH with ARGV (NULL-terminated) in a new process; FLAGS is 0 or
 * SYS_SPAWN_FG. Returns the child's pid. */
int sys_spawn(const char *path, char *const argv[], int flags);
/* The working directory: change it (0, or -1 and errno), read it (its
 * length, or -1: ERANGE if buf is too small). */
int sys_chdir(const char *dir);
int sys_getcwd(char *buf, size_t len);
/* newfd becomes a copy of oldfd (closed first): newfd, or -1 (errno). */
int sys_dup2(int oldfd, int newfd);

/* Wait for the child PID (or any child if -1) to end; its exit status
 * (see SYS_STATUS_*) goes to *STATUS if not NULL. Returns its pid. */
int sys_wait(int pid, int *status);
/* As sys_wait, but 0 at once if no child (of those) has exited yet. */
int sys_wait_nohang(int pid, int *status);

/* Entry INDEX of directory DIR: 1, or 0 past the last entry. */
int sys_readdir(const char *dir, uint64_t index, struct sys_dirent *ent);

/* Process number INDEX in the kernel's table: 1, or 0 past the last. */
int sys_procinfo(uint64_t index, struct sys_procinfo *info);

/* Nanoseconds since the domain booted (never fails). */
uint64_t sys_uptime(void);

/* Power the machine off (dom0) or shut the domain down, with STATUS.
 * Returns only on failure. */
int sys_poweroff(int status);

/* The host name ("dom0" or the domain's name), NUL-terminated in BUF.
 * Returns its length. */
int sys_hostname(char *buf, size_t len);

/* Give the CPU to another runnable process. */
int sys_yield(void);

/* HC_domctl through the kernel (dom0 only): the hypervisor's result, or
 * a negative SYS_E* (not errno: the toolstack reports these itself). */
long sys_domctl(uint64_t op, void *arg);

/* The console's mode: SYS_TTY_COOKED, SYS_TTY_RAW or SYS_TTY_RAW_NONBLOCK. */
int sys_ttymode(int mode);

/* Sleep at least NS nanoseconds (within the 10 ms tick). */
int sys_sleep(uint64_t ns);

/* Point this process's FS base at FS_BASE (a TLS block; stack-protected
 * code such as libfdt reads its canary at %fs:0x28). */
int sys_set_tls(void *fs_base);

/* Map one frame at NPAGES (at most SYS_MAPCYCLE_MAX) pages of a scratch
 * address space and unmap them again: a page-table benchmark. */
int sys_mapcycle(uint64_t npages);

/* dom0's console back end (SYS_DOMCONS_ATTACH or _DETACH) for domain
 * DOMID: 0, or -1 with errno. */
int sys_domcons(int op, uint32_t domid);

/* The hypervisor entries of this CPU so far (pv), or -1 with errno
 * ENOSYS where the backend does not count them. */
long sys_hventries(void);

#endif /* CARAPACE_OS_H */
