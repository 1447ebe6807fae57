/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: lib/multiboot.c. The input is a kernel image, given
 * to multiboot_parse; when it parses, the load range must lie inside the
 * input, the entry inside the loaded bytes and the bss after them. Then
 * multiboot_layout runs for a few memory and module sizes (fixed ones and
 * ones read from the input's last 16 bytes) and command-line lengths: it
 * must refuse exactly what is outside its limits or does not fit (counted
 * without wrapping), and what it lays out must lie in the guest's RAM,
 * the module page-aligned after the bss, the shared-info page and console
 * ring the top two frames; multiboot_info_fill must describe that layout.
 * multiboot_long_entry (a trap domain's entry note) must find the note in
 * the image or refuse it with a reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <carapace/errno.h>

#include "multiboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE 4096ULL

typedef unsigned __int128 u128;

static uint64_t tail64(const uint8_t *data, size_t size, size_t back)
{
    uint64_t v = 0;

    if (size < back)
        return 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)data[size - back + i] << (8 * i);
    return v;
}

static void check_image(const uint8_t *data, size_t size,
                        const struct multiboot_image *img)
{
    (void)data;
    if (img->why != NULL || img->load_size == 0 || img->file_offset > size ||
        img->load_size > size - img->file_offset)
        abort();
    if (img->load_addr < 0x100000 || img->load_addr % PAGE ||
        img->load_addr > UINT32_MAX)
        abort();
    if (img->entry < img->load_addr ||
        img->entry >= img->load_addr + img->load_size ||
        img->bss_end < img->load_addr + img->load_size)
        abort();
}

static void check_info(const struct multiboot_layout *l, uint64_t mod_size,
                       size_t cmd_len, size_t mod_cmd_len)
{
    struct multiboot_info info;
    struct multiboot_module mod;
    uint64_t ram = l->ram_frames * PAGE;

    memset(&mod, 0xa5, sizeof(mod));
    multiboot_info_fill(l, mod_size, &info, &mod);
    if ((uint64_t)info.mem_upper * 1024 + 0x100000 != ram ||
        info.mem_lower != 640 || info.cmdline != l->cmdline_gpa)
        abort();
    /* The strings: after the information and its module entry, in low
     * memory, below the image. */
    if (l->cmdline_gpa < l->info_gpa + sizeof(info) + sizeof(mod) ||
        l->mod_cmdline_gpa < l->cmdline_gpa + cmd_len + 1 ||
        l->mod_cmdline_gpa + mod_cmd_len + 1 > MULTIBOOT_LOW_END)
        abort();
    if (!mod_size) {
        if (info.flags != (MULTIBOOT_INFO_MEM | MULTIBOOT_INFO_CMDLINE) ||
            info.mods_count || mod.start || mod.end || mod.string)
            abort();
        return;
    }
    if (!(info.flags & MULTIBOOT_INFO_MODS) || info.mods_count != 1 ||
        info.mods_addr != l->info_gpa + sizeof(info) ||
        mod.start != l->mod_gpa || mod.end - mod.start != mod_size ||
        mod.end > ram || mod.string != l->mod_cmdline_gpa)
        abort();
}

static void check_layout(const struct multiboot_image *img, uint64_t memory,
                         uint64_t mod_size, size_t cmd_len, size_t mod_cmd_len)
{
    struct multiboot_layout l;
    int rc = multiboot_layout(img, memory, mod_size, cmd_len, mod_cmd_len, &l);
    u128 img_end = ((u128)img->bss_end + PAGE - 1) / PAGE * PAGE;
    u128 need = img_end + ((u128)mod_size + PAGE - 1) / PAGE * PAGE;
    uint64_t ram;

    if (memory % PAGE || memory < MULTIBOOT_HVM_MIN ||
        memory > MULTIBOOT_HVM_MAX || cmd_len > 4096 || mod_cmd_len > 4096) {
        if (rc != -CARAPACE_EINVAL)
            abort();
        return;
    }
    ram = (memory / PAGE - 2) * PAGE;
    if (need > ram) {
        if (rc != -CARAPACE_ENOMEM)
            abort();
        return;
    }
    if (rc != 0)
        abort();
    if (l.nr != memory / PAGE || l.ram_frames != l.nr - 2 ||
        l.shared_gfn != l.nr - 2 || l.console_gfn != l.nr - 1)
        abort();
    if (img->bss_end > ram || l.info_gpa != MULTIBOOT_INFO_GPA)
        abort();
    if (mod_size &&
        (l.mod_gpa % PAGE || l.mod_gpa < img->bss_end ||
         l.mod_gpa + mod_size > ram || l.mod_gpa + mod_size < l.mod_gpa))
        abort();
    if (!mod_size && l.mod_gpa)
        abort();
    check_info(&l, mod_size, cmd_len, mod_cmd_len);
}

/* A trap domain's long-mode entry note: found, absent or refused with a
 * reason; when found, inside the image as multiboot_long_entry promises. */
static void check_long_entry(const uint8_t *data, size_t size,
                             struct multiboot_image *img)
{
    struct multiboot_long_entry le;
    int rc = multiboot_long_entry(data, size, img, &le);

    if (rc == -CARAPACE_EINVAL && img->why && img->why[0])
        return;
    if (rc == -CARAPACE_ENOENT)
        return;
    if (rc != 0 || le.entry < img->load_addr ||
        le.entry >= img->load_addr + img->load_size || le.l4 % PAGE ||
        le.l4 < img->load_addr || le.l4 >= img->bss_end)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct multiboot_image img;
    uint64_t p0, p1;
    size_t c0, c1;
    int rc;

    memset(&img, 0xa5, sizeof(img));
    rc = multiboot_parse(data, size, &img);
    if (rc) {
        /* A refusal always says why. */
        if (rc != -CARAPACE_EINVAL || !img.why || !img.why[0])
            abort();
        return 0;
    }
    check_image(data, size, &img);
    check_long_entry(data, size, &img);

    p0 = tail64(data, size, 16);
    p1 = tail64(data, size, 8);
    c0 = (size_t)(p0 >> 48) % 4100;
    c1 = (size_t)(p1 >> 48) % 4100;
    {
        const uint64_t mems[] = {MULTIBOOT_HVM_MIN, 16ULL << 20,
                                 MULTIBOOT_HVM_MAX, p0, (p0 & 0x3ffff) << 12};
        const uint64_t mods[] = {0, 5000, p1, p1 & 0xffffff};

        for (unsigned m = 0; m < sizeof(mems) / sizeof(mems[0]); m++)
            for (unsigned k = 0; k < sizeof(mods) / sizeof(mods[0]); k++) {
                check_layout(&img, mems[m], mods[k], 0, 0);
                check_layout(&img, mems[m], mods[k], c0, c1);
            }
    }
    return 0;
}
