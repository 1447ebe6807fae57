/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How a guest starts.
 *
 * The guest image is an ELF64 executable with a note section (name
 * "Carapace") carrying the ABI version it was built for, its entry point
 * and where it wants the hypercall page. The domain builder maps all of the
 * domain's memory contiguously at virt_base (guest frame g at virt_base +
 * g * 4096), loads the image there, and lays out after it, in this order:
 * the start-info tree, the shared-info page, the guest-to-machine frame
 * list, the initial page tables (mapped read-only, pinned as an L4), and
 * the initial stack.
 *
 * Registers at entry: rip = entry, rsp = top of the initial stack,
 * rdi = rsi = virtual address of the start-info tree; other general
 * registers 0; guest kernel mode; events masked (upcall_mask = 1).
 *
 * The start-info tree is a flattened device tree (read it with libfdt);
 * the CARAPACE_SI_* names below are its root properties, all numbers
 * big-endian 64-bit unless said otherwise.
 */
#ifndef CARAPACE_ABI_STARTINFO_H
#define CARAPACE_ABI_STARTINFO_H

/* ELF note name and types (descriptors are little-endian). */
#define CARAPACE_NOTE_NAME           "Carapace"
#define CARAPACE_NOTE_ABI_VERSION    1 /* uint32_t: CARAPACE_ABI_VERSION */
#define CARAPACE_NOTE_ENTRY          2 /* uint64_t: entry point (virtual) */
#define CARAPACE_NOTE_HYPERCALL_PAGE 3 /* uint64_t: page-aligned virtual */
#define CARAPACE_NOTE_VIRT_BASE      4 /* uint64_t: where guest frame 0 maps */
/* A Multiboot kernel's long-mode entry, for trap domains (ABI 1.10):
 * uint64_t entry, then uint64_t the guest-physical address of the L4 it
 * expects in CR3 there (docs/abi.md, "trap domains"). */
#define CARAPACE_NOTE_TRAP_ENTRY 5

#define CARAPACE_SI_COMPATIBLE "carapace,start-info-v1"
#define CARAPACE_SI_ABI        "abi-version"    /* uint32 */
#define CARAPACE_SI_DOMID      "domain-id"      /* uint32 */
#define CARAPACE_SI_FLAGS      "flags"          /* uint32, SIF_* */
#define CARAPACE_SI_NAME       "domain-name"    /* string */
#define CARAPACE_SI_MEMORY     "memory-bytes"   /* all of the domain's RAM */
#define CARAPACE_SI_VIRT_BASE  "virt-base"      /* guest frame 0 maps here */
#define CARAPACE_SI_NR_FRAMES  "nr-frames"      /* guest frames 0..n-1 */
#define CARAPACE_SI_P2M        "p2m-va"         /* uint64 mfn[nr-frames] */
#define CARAPACE_SI_SHARED     "shared-info-va" /* struct shared_info */
#define CARAPACE_SI_PT_BASE    "pt-base-va"     /* the initial L4 */
#define CARAPACE_SI_PT_FRAMES  "pt-frames"      /* initial table frames */
#define CARAPACE_SI_FREE_GFN   "first-free-gfn" /* first frame not used */
#define CARAPACE_SI_CONSOLE    "console"        /* "hypervisor" or "ring" */
#define CARAPACE_SI_BOOTARGS   "bootargs"       /* string */
/* With console = "ring" (ABI 1.2): the console ring's guest frame, and the
 * domain's end of its console event channel; both 0 otherwise. */
#define CARAPACE_SI_CONSOLE_GFN  "console-gfn"  /* uint64 */
#define CARAPACE_SI_CONSOLE_PORT "console-port" /* uint32 */
/* Child nodes "module@N": reg = <virtual address, size>, bootargs. */
#define CARAPACE_SI_MODULE_COMPATIBLE "carapace,module"

#define SIF_PRIVILEGED 0x1 /* may use the domain-control hypercalls */
#define SIF_INITDOMAIN 0x2 /* dom0 */

#endif /* CARAPACE_ABI_STARTINFO_H */
