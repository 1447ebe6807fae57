/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A process's user memory (kernel/vm.c): its address space, the program
 * image, a heap that grows with sbrk and a stack below SYS_USER_TOP, both
 * filled with zeroed pages on first touch. Every access the kernel makes
 * to user memory goes through vm_copy_*: they walk the process's page
 * tables, so a bad user pointer gives -SYS_EFAULT and never a kernel fault.
 */
#ifndef GK_VM_H
#define GK_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"

struct vm {
    struct arch_space space;
    bool live;
    uint64_t heap_start, brk;
    uint64_t pages;      /* user pages mapped */
    uint64_t grow_pages; /* of which heap and stack: SYS_PROC_MEM */
    uint64_t stack_pages;
};

int vm_create(struct vm *vm);
void vm_destroy(struct vm *vm);
/* Maps a new zeroed page at va (page-aligned); returns its frame, or 0. */
uint32_t vm_map_new(struct vm *vm, uint64_t va, unsigned int flags);
/* Handles a page fault at addr: 0 when the page is now there,
 * -SYS_EFAULT if the access is not allowed, -SYS_ENOMEM if it would be
 * but the process's limit or the domain's memory is exhausted. */
int vm_fault(struct vm *vm, uint64_t addr);
/* Does [uaddr, uaddr + len) lie in the user range at all? (A quick
 * refusal of absurd buffers before any byte moves.) */
bool vm_range_ok(uint64_t uaddr, uint64_t len);
int vm_copy_in(struct vm *vm, void *dst, uint64_t src, size_t len);
/* The frame of user page va, faulted in if it may grow; 0 if the process
 * may not read it (or write it, if write). */
uint32_t vm_user_gfn(struct vm *vm, uint64_t va, bool write);
int vm_copy_out(struct vm *vm, uint64_t dst, const void *src, size_t len);
/* Copies a NUL-terminated string of at most max - 1 characters: returns
 * its length, -SYS_EFAULT, or -SYS_E2BIG if it is longer. */
long vm_copy_str(struct vm *vm, char *dst, uint64_t src, size_t max);
int64_t vm_sbrk(struct vm *vm, int64_t incr);
/* SYS_mapcycle: maps one frame at npages pages of a scratch address
 * space, commits, unmaps them (destroys the space): 0, -SYS_EINVAL past
 * SYS_MAPCYCLE_MAX, -SYS_ENOMEM. */
int vm_map_cycle(uint64_t npages);

#endif /* GK_VM_H */
