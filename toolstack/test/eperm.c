/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * eperm: run as a domU's init, checks that the hypervisor refuses the
 * dom0-only domain-control hypercall: every command gets -EPERM (the
 * guest kernel passes SYS_domctl through; the hypervisor decides), but
 * DOMCTL_copy, which the kernel offers to no process: -ENOSYS.
 */
#include <stdio.h>
#include <string.h>

#include <carapace/domctl.h>

#include "carapace_os.h"

int main(void)
{
    struct domctl_domaininfo info;
    struct domctl_physinfo pi;
    struct domctl_createdomain cd;
    int bad = 0;
    long rc;

    memset(&info, 0, sizeof(info));
    memset(&pi, 0, sizeof(pi));
    memset(&cd, 0, sizeof(cd));
    strcpy(cd.name, "intruder");
    cd.max_memory_bytes = 4 << 20;
    rc = sys_domctl(DOMCTL_getdomaininfo, &info);
    printf("eperm: getdomaininfo -> %ld\n", rc);
    bad += rc != -SYS_EPERM;
    rc = sys_domctl(DOMCTL_physinfo, &pi);
    printf("eperm: physinfo -> %ld\n", rc);
    bad += rc != -SYS_EPERM;
    rc = sys_domctl(DOMCTL_createdomain, &cd);
    printf("eperm: createdomain -> %ld\n", rc);
    bad += rc != -SYS_EPERM;
    rc = sys_domctl(DOMCTL_destroy, (void *)0);
    printf("eperm: destroy 0 -> %ld\n", rc);
    bad += rc != -SYS_EPERM;
    /* DOMCTL_copy names the caller's frames: the kernel offers it to no
     * process (in dom0 neither), so it never reaches the hypervisor. */
    rc = sys_domctl(DOMCTL_copy, &cd);
    printf("eperm: copy -> %ld (not a process's command)\n", rc);
    bad += rc != -SYS_ENOSYS;
    printf("eperm: %s\n", bad ? "FAILED: a domU was let through"
                              : "every dom0-only call refused with EPERM");
    return bad ? 1 : 0;
}
