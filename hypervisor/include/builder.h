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
    bool hvm; /* an hvm domain: image is a Multiboot kernel (hvm_build.c) */
    bool console_serial; /* hvm: COM1 to the hypervisor console, no ring */
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

#endif /* CARAPACE_BUILDER_H */
