/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vchan: a byte stream between two user programs in two domains, over one
 * page the server grants and an event channel (docs/guest-kernel.md,
 * "vchan"). A stream is named by (server domain, grant ref): the server
 * grants its page to the client domain at the ref both sides were told.
 *
 * Every function returns -1 (NULL) with errno set on failure.
 */
#ifndef CARAPACE_VCHAN_H
#define CARAPACE_VCHAN_H

#include <stddef.h>
#include <stdint.h>

struct vchan;

/* Grants a new stream page to client_dom at ref (EEXIST if the ref is
 * taken) with an unbound port for it. Returns at once: the client may
 * connect later; writes fill the ring meanwhile. */
struct vchan *vchan_server_open(uint32_t client_dom, uint32_t ref);
/* Maps server_dom's page at ref and binds its port, retrying until the
 * server is there (10 s; timeout_ns with the second form). errno then
 * tells why the last try failed (EPERM: the ref is not granted to
 * us; ESRCH: no such domain). */
struct vchan *vchan_client_open(uint32_t server_dom, uint32_t ref);
struct vchan *vchan_client_open_timeout(uint32_t server_dom, uint32_t ref,
                                        uint64_t timeout_ns);
/* Blocking: at least one byte (at most len), 0 at end of stream (the
 * other side closed and everything it wrote was read). */
long vchan_read(struct vchan *v, void *buf, size_t len);
/* Blocking: at least one byte (partial counts: loop); -1 with EPIPE once
 * the other side closed. */
long vchan_write(struct vchan *v, const void *buf, size_t len);
/* Ends the stream (the other side reads EOF) and frees it. */
int vchan_close(struct vchan *v);

/* Notifications this side sent and waits it slept (for benchmarks). */
uint64_t vchan_notifications(const struct vchan *v);
uint64_t vchan_waits(const struct vchan *v);

#endif /* CARAPACE_VCHAN_H */
