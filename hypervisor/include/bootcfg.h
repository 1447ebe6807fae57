/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot configuration: a device tree, compiled from a .dts with dtc and
 * passed as a boot module, that lists domains to build at boot next to
 * dom0 (as Xen's dom0less). Generic code, unit-tested on the host:
 *
 *   /dts-v1/;
 *   / {
 *       compatible = "carapace,boot-config";
 *       domains {
 *           worker {                        // the node name is the domain name
 *               kernel = "worker.elf";      // a boot module, by path or
 * basename memory = <16>;              // MiB bootargs = "verbose";       //
 * optional: the guest's command line ramdisk = "worker.cpio";    // optional:
 * another boot module
 *           };
 *       };
 *   };
 *
 * A node may also say type = "pv" (the default: kernel is a pv guest ELF)
 * or type = "hvm" (kernel is a Multiboot image, such as the guest kernel's
 * native build, run under SVM: hvm_build.c) or type = "trap" (the same
 * kind of image, run in ring 3 by trap-and-emulate: trap_build.c), and
 * an hvm or trap domain may say console = "serial": its COM1 output goes
 * to the hypervisor's console, as "(dN) " lines, instead of a console
 * ring for dom0's back end. A trap domain may say umip = "off": it then
 * runs with CR4.UMIP clear (SGDT and the like from its ring 3 leak the
 * hypervisor's state instead of trapping: the Goldberg demos).
 *
 * The blob is untrusted input: every length is checked, and an error names
 * the node, the property and its value.
 */
#ifndef CARAPACE_BOOTCFG_H
#define CARAPACE_BOOTCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOTCFG_COMPATIBLE  "carapace,boot-config"
#define BOOTCFG_MAX_DOMAINS 256
#define BOOTCFG_NAME_MAX    32 /* with the NUL, as DOMAIN_NAME_MAX */
#define BOOTCFG_MEM_MIN_MIB 1
#define BOOTCFG_MEM_MAX_MIB 1024

struct bootcfg_domain {
    char name[BOOTCFG_NAME_MAX];
    uint64_t memory_mib;
    const char *kernel;   /* points into the blob */
    const char *ramdisk;  /* NULL if none */
    const char *bootargs; /* NULL if none */
    bool hvm;             /* type = "hvm" (default "pv") */
    bool trap;            /* type = "trap" */
    bool console_serial;  /* hvm, trap: console = "serial" (default ring) */
    bool umip_off;        /* trap: umip = "off" (default "on") */
};

/* True if blob[0..size) is a device tree whose root is compatible with
 * BOOTCFG_COMPATIBLE. */
bool bootcfg_is_config(const void *blob, size_t size);

/*
 * Read the domains of a boot configuration into out[0..max). Returns the
 * number of domains, or a negative errno with a message in err[0..errlen)
 * (-EINVAL malformed or bad value, -E2BIG more than max domains).
 */
int bootcfg_parse(const void *blob, size_t size, struct bootcfg_domain *out,
                  unsigned max, char *err, size_t errlen);

/* True if a boot module whose command line is cmdline ("path args") is the
 * one `ref` names: the same path, or the same last path component. */
bool bootcfg_module_matches(const char *cmdline, const char *ref);

#endif /* CARAPACE_BOOTCFG_H */
