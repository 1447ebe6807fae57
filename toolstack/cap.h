/* SPDX-License-Identifier: BSD-2-Clause */
/* cap: shared between its command files (toolstack/cap*.c). */
#ifndef CAP_CAP_H
#define CAP_CAP_H

#include <stdbool.h>
#include <stdint.h>

#include <carapace/domctl.h>

#include "lib/build.h"
#include "lib/config.h"

#define CAP_OK      0
#define CAP_FAIL    1
#define CAP_USAGE   2
#define CAP_POLL_NS 100000000ull /* 100 ms */

extern const char *cap_cmd; /* for messages: "cap: create: ..." */

long cap_domctl(uint64_t op, void *arg);
__attribute__((format(printf, 1, 2))) int cap_error(const char *fmt, ...);
/* Looks up NAME or ID: 0 with *info, else prints why and returns -1. */
int cap_find(const char *what, struct domctl_domaininfo *info);
/* The same by name only, without a message: 0 or -1. */
int cap_find_quiet(const char *name, struct domctl_domaininfo *info);
/* The domain with id domid: 0, or -1 if gone. */
int cap_info(uint32_t domid, struct domctl_domaininfo *info);
char cap_state_letter(uint32_t state);
const char *cap_state_name(uint32_t state);
/* Free frames the hypervisor has not zeroed yet (its idle loop does). */
uint64_t cap_dirty_frames(void);
uint64_t cap_free_frames(void);

/* Creates a domain from c: 0 with *domid, or prints the error. */
int cap_create_domain(const struct config *c, bool paused, int fail_at,
                      uint32_t *domid);
int cap_console_attach(uint32_t domid, const char *name);
/* From now on, the domains this process creates have consoles that dom0
 * connects to only when attached (SYS_DOMCTL_CONSOLE_LATER). */
void cap_create_console_later(bool on);

int cmd_create(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_cycle(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_density(int argc, char **argv);

#endif /* CAP_CAP_H */
