/* SPDX-License-Identifier: BSD-2-Clause */
/* The start-info tree (abi/include/carapace/startinfo.h), read with libfdt
 * into struct start_info. */
#include <libfdt.h>
#include <string.h>

#include "guest.h"

struct start_info start_info;
struct shared_info *shared_info;
const uint64_t *p2m;

static int problem(const char *name, const char *what, int len)
{
    printf("start info: property '%s' %s (length %d)\n", name, what, len);
    return 1;
}

static int get_u32(const void *fdt, const char *name, uint32_t *out)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, 0, name, &len);

    if (!p)
        return problem(name, "missing", len);
    if (len != 4)
        return problem(name, "is not a 32-bit number", len);
    *out = fdt32_to_cpu(*p);
    return 0;
}

static int get_u64(const void *fdt, const char *name, uint64_t *out)
{
    int len;
    const fdt64_t *p = fdt_getprop(fdt, 0, name, &len);

    if (!p)
        return problem(name, "missing", len);
    if (len != 8)
        return problem(name, "is not a 64-bit number", len);
    *out = fdt64_to_cpu(*p);
    return 0;
}

static int get_string(const void *fdt, int node, const char *name,
                      const char **out)
{
    int len;
    const char *p = fdt_getprop(fdt, node, name, &len);

    if (!p)
        return problem(name, "missing", len);
    if (len < 1 || p[len - 1] != '\0')
        return problem(name, "is not a string", len);
    *out = p;
    return 0;
}

static int read_modules(const void *fdt, struct start_info *si)
{
    int node, bad = 0;

    fdt_for_each_subnode(node, fdt, 0)
    {
        struct guest_module *m;
        const fdt64_t *reg;
        int len;

        if (fdt_node_check_compatible(fdt, node,
                                      CARAPACE_SI_MODULE_COMPATIBLE) != 0)
            continue;
        if (si->nr_modules == GUEST_MAX_MODULES) {
            printf("start info: more than %d modules, rest ignored\n",
                   GUEST_MAX_MODULES);
            break;
        }
        m = &si->modules[si->nr_modules++];
        reg = fdt_getprop(fdt, node, "reg", &len);
        if (!reg || len != 16) {
            bad += problem("reg", "of a module is not <va size>", len);
        } else {
            m->va = fdt64_to_cpu(reg[0]);
            m->size = fdt64_to_cpu(reg[1]);
        }
        if (fdt_getprop(fdt, node, "bootargs", NULL))
            bad += get_string(fdt, node, "bootargs", &m->bootargs);
    }
    return bad;
}

int start_info_read(const void *fdt, struct start_info *si)
{
    int bad = 0, err;

    memset(si, 0, sizeof(*si));
    err = fdt_check_header(fdt);
    if (err) {
        printf("start info: fdt_check_header: %s\n", fdt_strerror(err));
        return -1;
    }
    si->fdt = fdt;
    bad += get_string(fdt, 0, "compatible", &si->compatible);
    bad += get_u32(fdt, CARAPACE_SI_ABI, &si->abi_version);
    bad += get_u32(fdt, CARAPACE_SI_DOMID, &si->domid);
    bad += get_u32(fdt, CARAPACE_SI_FLAGS, &si->flags);
    bad += get_string(fdt, 0, CARAPACE_SI_NAME, &si->name);
    bad += get_u64(fdt, CARAPACE_SI_MEMORY, &si->memory_bytes);
    bad += get_u64(fdt, CARAPACE_SI_VIRT_BASE, &si->virt_base);
    bad += get_u64(fdt, CARAPACE_SI_NR_FRAMES, &si->nr_frames);
    bad += get_u64(fdt, CARAPACE_SI_P2M, &si->p2m_va);
    bad += get_u64(fdt, CARAPACE_SI_SHARED, &si->shared_va);
    bad += get_u64(fdt, CARAPACE_SI_PT_BASE, &si->pt_base_va);
    bad += get_u64(fdt, CARAPACE_SI_PT_FRAMES, &si->pt_frames);
    bad += get_u64(fdt, CARAPACE_SI_FREE_GFN, &si->first_free_gfn);
    bad += get_string(fdt, 0, CARAPACE_SI_CONSOLE, &si->console);
    /* bootargs may be absent when the domain has none (tests check it). */
    si->bootargs = NULL;
    if (fdt_getprop(fdt, 0, CARAPACE_SI_BOOTARGS, NULL))
        bad += get_string(fdt, 0, CARAPACE_SI_BOOTARGS, &si->bootargs);
    bad += read_modules(fdt, si);
    si->problems = (unsigned int)bad;
    return bad;
}
