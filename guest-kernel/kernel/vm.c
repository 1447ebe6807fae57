/* SPDX-License-Identifier: BSD-2-Clause */
/* User memory; see vm.h. */
#include <string.h>

#include "frame.h"
#include "print.h"
#include "sys_ipc.h"
#include "uapi/sys.h"
#include "vm.h"

#define VM_PAGE       ARCH_PAGE_SIZE
#define VM_STACK_LOW  (SYS_USER_TOP - SYS_STACK_MAX)
#define VM_GROW_FLAGS ARCH_MAP_WRITE

int vm_create(struct vm *vm)
{
    int rc;

    memset(vm, 0, sizeof(*vm));
    rc = arch_space_create(&vm->space);
    if (rc == 0)
        vm->live = true;
    return rc;
}

static void vm_free_page(uint32_t gfn)
{
    if (gfn && !sys_ipc_frame_kept(gfn))
        frame_free(gfn);
}

void vm_destroy(struct vm *vm)
{
    if (!vm->live)
        return;
    /* Frames freed first: the free list is written through the linear map,
     * not through the user mappings that still exist until the unpin. */
    arch_space_each(&vm->space, vm_free_page);
    arch_space_destroy(&vm->space);
    vm->live = false;
}

uint32_t vm_map_new(struct vm *vm, uint64_t va, unsigned int flags)
{
    uint32_t gfn = frame_alloc();

    if (!gfn)
        return 0;
    if (arch_space_map(&vm->space, va, gfn, flags)) {
        frame_free(gfn);
        return 0;
    }
    vm->pages++;
    return gfn;
}

/* Is va in the heap or the stack, where pages appear on first touch? */
static bool vm_growable(const struct vm *vm, uint64_t va)
{
    if (va >= vm->heap_start && va < vm->brk)
        return true;
    return va >= VM_STACK_LOW && va < SYS_USER_TOP;
}

static uint32_t vm_grow(struct vm *vm, uint64_t va)
{
    uint32_t gfn;

    if (vm->grow_pages >= SYS_PROC_MEM / VM_PAGE)
        return 0;
    gfn = vm_map_new(vm, va & ~(VM_PAGE - 1), VM_GROW_FLAGS);
    if (gfn) {
        vm->grow_pages++;
        if (va >= VM_STACK_LOW)
            vm->stack_pages++;
    }
    return gfn;
}

int vm_fault(struct vm *vm, uint64_t addr)
{
    unsigned int flags;

    if (arch_space_lookup(&vm->space, addr, &flags) || !vm_growable(vm, addr))
        return -SYS_EFAULT; /* present (a protection fault), or no page */
    return vm_grow(vm, addr) ? 0 : -SYS_ENOMEM;
}

uint32_t vm_user_gfn(struct vm *vm, uint64_t va, bool write)
{
    unsigned int flags = ARCH_MAP_WRITE;
    uint32_t gfn;

    if (va < SYS_USER_BASE || va >= SYS_USER_TOP)
        return 0;
    gfn = arch_space_lookup(&vm->space, va, &flags);
    if (!gfn && vm_growable(vm, va))
        gfn = vm_grow(vm, va);
    if (!gfn || (write && !(flags & ARCH_MAP_WRITE)))
        return 0;
    return gfn;
}

/* The kernel address of user byte va, faulting the page in if it may
 * grow; NULL if the process may not access it so. */
static char *vm_user_byte(struct vm *vm, uint64_t va, bool write)
{
    uint32_t gfn = vm_user_gfn(vm, va, write);

    return gfn ? (char *)frame_va(gfn) + (va & (VM_PAGE - 1)) : NULL;
}

bool vm_range_ok(uint64_t uaddr, uint64_t len)
{
    return uaddr >= SYS_USER_BASE && uaddr < SYS_USER_TOP &&
           len <= SYS_USER_TOP - uaddr;
}

int vm_copy_in(struct vm *vm, void *dst, uint64_t src, size_t len)
{
    char *d = dst;

    while (len) {
        size_t n = VM_PAGE - (src & (VM_PAGE - 1));
        const char *s = vm_user_byte(vm, src, false);

        if (!s)
            return -SYS_EFAULT;
        n = n < len ? n : len;
        memcpy(d, s, n);
        d += n;
        src += n;
        len -= n;
    }
    return 0;
}

int vm_copy_out(struct vm *vm, uint64_t dst, const void *src, size_t len)
{
    const char *s = src;

    while (len) {
        size_t n = VM_PAGE - (dst & (VM_PAGE - 1));
        char *d = vm_user_byte(vm, dst, true);

        if (!d)
            return -SYS_EFAULT;
        n = n < len ? n : len;
        memcpy(d, s, n);
        s += n;
        dst += n;
        len -= n;
    }
    return 0;
}

long vm_copy_str(struct vm *vm, char *dst, uint64_t src, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        const char *s = vm_user_byte(vm, src + i, false);

        if (!s)
            return -SYS_EFAULT;
        dst[i] = *s;
        if (!*s)
            return (long)i;
    }
    return -SYS_E2BIG;
}

int64_t vm_sbrk(struct vm *vm, int64_t incr)
{
    uint64_t old = vm->brk, heap = old - vm->heap_start, add;

    if (incr < 0 && (uint64_t)-incr > heap)
        return -SYS_EINVAL;
    if (incr > 0) {
        /* The heap and the stack share SYS_PROC_MEM; refuse now rather
         * than kill the process at its first touch of the new pages. */
        add = (uint64_t)incr;
        if (add > SYS_PROC_MEM ||
            heap + add + vm->stack_pages * VM_PAGE > SYS_PROC_MEM ||
            old + add > VM_STACK_LOW || add / VM_PAGE + 1 > frame_free_count())
            return -SYS_ENOMEM;
    }
    vm->brk = old + (uint64_t)incr;
    return (int64_t)old;
}

/*
 * SYS_mapcycle, a page-table benchmark that every backend runs alike: it
 * uses only the arch interface's own map, commit and unmap. The pages go
 * into a scratch address space, never switched to, so no process can
 * reach them (they all map one frame, allocated and freed once), and are
 * unmapped the way a process's pages are at exit: by destroying the space
 * (there is no other way to unmap a user page). npages 0 costs the same
 * create and destroy, which lets the caller subtract them.
 */
int vm_map_cycle(uint64_t npages)
{
    static struct arch_space scratch; /* 2 KiB: not on the kernel stack */
    uint32_t gfn;
    int rc;

    if (npages > SYS_MAPCYCLE_MAX)
        return -SYS_EINVAL;
    gfn = frame_alloc();
    if (!gfn)
        return -SYS_ENOMEM;
    rc = arch_space_create(&scratch);
    if (rc == 0) {
        /* SYS_USER_BASE is 2 MiB aligned: one L1 holds all the pages. */
        for (uint64_t i = 0; i < npages && rc == 0; i++)
            rc = arch_space_map(&scratch, SYS_USER_BASE + i * VM_PAGE, gfn,
                                ARCH_MAP_WRITE);
        arch_space_commit();
        arch_space_destroy(&scratch);
    }
    frame_free(gfn);
    return rc;
}
