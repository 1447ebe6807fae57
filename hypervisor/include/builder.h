/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The domain builder: a domain from a guest ELF image (dom0 at boot; later
 * the toolstack's domains). On any failure the half-built domain is
 * destroyed, and the error is explained on the console.
 */
#ifndef CARAPACE_BUILDER_H
#define CARAPACE_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct domain;

struct builder_module {
    const void *data;
    uint64_t size;
    const char *cmdline;
};

struct builder_config {
    uint32_t domid;
    const char *name;
    uint32_t flags;    /* SIF_* for the start info */
    uint64_t memory;   /* bytes */
    const void *image; /* the guest ELF */
    size_t image_size;
    const char *cmdline;                  /* the guest's command line */
    const struct builder_module *modules; /* copied into guest memory */
    unsigned nmodules;
    bool hvm;  /* an hvm domain: image is a Multiboot kernel (hvm_build.c) */
    bool trap; /* a trap domain: the same image, trap-and-emulate */
    bool console_serial; /* hvm, trap: COM1 to the hypervisor console */
    bool umip_off;       /* trap: run it with CR4.UMIP clear */
};

/* Largest domain the builder makes, and the smallest useful one. */
#define BUILDER_MAX_MEMORY (1ULL << 30)
#define BUILDER_MIN_MEMORY (1ULL << 20)

/* Build and start the domain (in *out, if out): 0, or after printing why
 * a negative CARAPACE_E* code (-EINVAL bad image or configuration,
 * -ENOMEM out of memory, -EEXIST id taken, ...), with nothing left. */
int builder_build(const struct builder_config *c, struct domain **out);

/* The same for an hvm domain (c->hvm; hvm_build.c): the image is a
 * Multiboot kernel, loaded as a Multiboot loader would and run under SVM;
 * its first module is its Multiboot module. -ENOSYS without SVM. */
int hvm_build(const struct builder_config *c, struct domain **out);

/* The same for a trap domain (c->trap; trap_build.c): the Multiboot
 * kernel's long-mode entry note says where to enter it, in ring 3. */
int trap_build(const struct builder_config *c, struct domain **out);

/* What both builders of Multiboot kernels share (hvm_build.c). */
struct multiboot_image;
struct multiboot_layout;
int hvm_build_layout(const struct builder_config *c,
                     struct multiboot_image *img, struct multiboot_layout *l);
void hvm_build_load(struct domain *d, const struct builder_config *c,
                    const struct multiboot_image *img,
                    const struct multiboot_layout *l);
int hvm_build_console(struct domain *d, const struct multiboot_layout *l,
                      bool serial);
/* Domain c->domid (flags DOMAIN_F_*) with its memory, the image and
 * modules loaded and its console set up, in *out; its vCPU is the
 * caller's to set. 0, or -errno with nothing left (logged). */
int hvm_build_domain(const struct builder_config *c, uint32_t flags,
                     const struct multiboot_image *img,
                     const struct multiboot_layout *l, struct domain **out);

#endif /* CARAPACE_BUILDER_H */
