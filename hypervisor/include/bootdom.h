/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The domains built at boot: dom0 from the first boot module, and the
 * domains a boot configuration module lists (bootcfg.h).
 */
#ifndef CARAPACE_BOOTDOM_H
#define CARAPACE_BOOTDOM_H

/* dom0's memory when the command line has no dom0_mem=. */
#define BOOTDOM_DOM0_MEM (64ULL << 20)
/* Boot modules the hypervisor looks at (dom0, its modules, the config and
 * the boot-time domains' kernels and ramdisks). */
#define BOOTDOM_MODULES_MAX 32

/*
 * Build dom0 and the boot-time domains from the boot information tree and
 * the hypervisor command line. Returns 0, or a negative errno after saying
 * why on the console (no domain is then left half-built; the caller stops
 * the machine). With no boot module at all, returns -ENOENT.
 */
int bootdom_start(const void *fdt, const char *cmdline);

#endif /* CARAPACE_BOOTDOM_H */
