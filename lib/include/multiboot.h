/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multiboot (v1) images for hvm domains: the one reading of a kernel's
 * Multiboot header, and the one layout of a new hvm domain's memory, that
 * both domain builders use (the hypervisor's, for boot-time domains, and
 * the toolstack's, for cap create). Freestanding, host-tested
 * (tests/unit/multiboot_test.c) and fuzzed: the image is untrusted.
 *
 * Only images that carry their load addresses (header flag bit 16, "the
 * a.out kludge") are taken: an hvm domain is loaded as QEMU loads the
 * native kernel, from the file as it is, with no ELF reading.
 *
 * Guest-physical layout of an hvm domain of nr frames (gpa = gfn * 4096):
 *
 *   [0, 1 MiB)            low memory: the Multiboot information at
 *                          MULTIBOOT_INFO_GPA, the command lines after it
 *   [load_addr, bss_end)   the image, its bss zeroed
 *   [mod_gpa, +mod_size)   the module (the ramdisk), page-aligned
 *   ... free RAM ...       up to ram_frames
 *   shared_gfn             the shared-info page (not guest memory)
 *   console_gfn            the console ring (not guest memory)
 *
 * The last two frames belong to the domain but are outside its RAM: the
 * nested page tables do not map them, and the hypervisor uses them as the
 * domain's shared-info page and the console ring dom0's back end reads.
 */
#ifndef CARAPACE_LIB_MULTIBOOT_H
#define CARAPACE_LIB_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC 0x1badb002u
#define MULTIBOOT_BOOT_MAGIC   0x2badb002u /* in eax at entry */
#define MULTIBOOT_SEARCH       8192        /* the whole header is in these */
#define MULTIBOOT_F_ADDRESSES  0x00010000u /* load addresses in the header */

#define MULTIBOOT_INFO_GPA 0x9000ULL  /* struct multiboot_info goes here */
#define MULTIBOOT_LOW_END  0x80000ULL /* its strings end below this */
#define MULTIBOOT_HVM_MIN  (2ULL << 20)
#define MULTIBOOT_HVM_MAX  (1ULL << 30)

/* The Multiboot information a kernel finds at ebx (the fields we fill). */
struct multiboot_info {
    uint32_t flags;                /* MULTIBOOT_INFO_* */
    uint32_t mem_lower, mem_upper; /* KiB below 640 KiB, above 1 MiB */
    uint32_t boot_device, cmdline;
    uint32_t mods_count, mods_addr;
};
#define MULTIBOOT_INFO_MEM     0x001u
#define MULTIBOOT_INFO_CMDLINE 0x004u
#define MULTIBOOT_INFO_MODS    0x008u

struct multiboot_module {
    uint32_t start, end, string, reserved;
};

/* A parsed header: what to copy where. */
struct multiboot_image {
    uint64_t file_offset; /* the bytes from here ... */
    uint64_t load_size;   /* ... this many of them ... */
    uint64_t load_addr;   /* ... go to this guest-physical address */
    uint64_t bss_end;     /* zeroed from load_addr + load_size to here */
    uint64_t entry;       /* entered in 32-bit protected mode */
    const char *why;      /* multiboot_parse's refusal, for the message */
};

/* Finds and checks the header of image[0..size): 0, or -CARAPACE_EINVAL
 * with img->why saying what is wrong (no header, bad checksum, no load
 * addresses, addresses outside the file or the guest range). */
int multiboot_parse(const void *image, size_t size,
                    struct multiboot_image *img);

struct multiboot_layout {
    uint64_t nr;         /* frames of the domain */
    uint64_t ram_frames; /* frames of guest RAM: gfns 0 .. ram_frames - 1 */
    uint64_t mod_gpa;    /* the module (0 if none) */
    uint64_t info_gpa, cmdline_gpa, mod_cmdline_gpa;
    uint64_t shared_gfn, console_gfn;
};

/* Lays out an hvm domain of memory_bytes for img with a module of
 * mod_size bytes (0: none) and command lines of the given lengths (NUL
 * excluded): 0, -CARAPACE_EINVAL (memory not whole pages, outside
 * MULTIBOOT_HVM_MIN .. MAX, command lines too long), -CARAPACE_ENOMEM
 * (the image and module do not fit). */
int multiboot_layout(const struct multiboot_image *img, uint64_t memory_bytes,
                     uint64_t mod_size, size_t cmdline_len,
                     size_t mod_cmdline_len, struct multiboot_layout *l);

/* The Multiboot information for layout l, for the builder to copy to
 * l->info_gpa (one module if l->mod_gpa, of mod_size bytes). */
void multiboot_info_fill(const struct multiboot_layout *l, uint64_t mod_size,
                         struct multiboot_info *info,
                         struct multiboot_module *mod);

/* Where a trap domain enters the kernel: in long mode at `entry`, with
 * CR3 = `l4` (guest-physical), both from the image's Carapace note
 * CARAPACE_NOTE_TRAP_ENTRY (the image is an ELF64 file too). */
struct multiboot_long_entry {
    uint64_t entry, l4;
};

/* Find that note in image[0..size), whose Multiboot header img has
 * parsed: 0; -CARAPACE_ENOENT if the image has none (not ELF64, no
 * PT_NOTE, no such note); -CARAPACE_EINVAL, with img->why, if it is
 * malformed or names an entry outside the loaded bytes or an L4 that is
 * not a page of the image (loaded or bss). */
int multiboot_long_entry(const void *image, size_t size,
                         struct multiboot_image *img,
                         struct multiboot_long_entry *out);

#endif /* CARAPACE_LIB_MULTIBOOT_H */
