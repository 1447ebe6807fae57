/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vchan-stream [-t SECONDS] [-x] send|recv PEER_DOM REF MIB
 *
 * A checksummed byte stream through vchan between two domains. recv is the
 * vchan server (it grants the page at REF to PEER_DOM), send the client
 * (it connects to PEER_DOM's REF, retrying for SECONDS, default 10). The
 * sender writes MIB MiB of a deterministic pseudo-random stream
 * (xorshift64*, one 64-bit little-endian word at a time), then their
 * FNV-1a 64 checksum (over the 64-bit words) as 8 more bytes, and closes.
 * The receiver checks every word, the checksum and the total, and prints
 * "vchan-stream: received N MiB, checksum ok" (exit 0) or what failed
 * (exit 1). -x: the sender stops after half the data, without checksum
 * (the receiver must see the early end of stream).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "carapace_os.h"
#include "vchan.h"

#define CHUNK      4096
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static uint64_t fnv_word(uint64_t h, uint64_t w)
{
    return (h ^ w) * FNV_PRIME;
}

static int usage(void)
{
    fprintf(
        stderr,
        "usage: vchan-stream [-t SECONDS] [-x] send|recv PEER_DOM REF MIB\n");
    return 2;
}

static int write_all(struct vchan *v, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        long n = vchan_write(v, p, len);

        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int do_send(struct vchan *v, uint64_t bytes, bool truncate)
{
    static uint64_t buf[CHUNK / 8];
    uint64_t h = FNV_OFFSET, sent = 0;

    if (truncate)
        bytes /= 2;
    while (sent < bytes) {
        for (unsigned int i = 0; i < CHUNK / 8; i++) {
            buf[i] = rng_next();
            h = fnv_word(h, buf[i]);
        }
        if (write_all(v, buf, CHUNK)) {
            printf("vchan-stream: write failed after %llu bytes: %s\n",
                   (unsigned long long)sent, strerror(errno));
            return 1;
        }
        sent += CHUNK;
    }
    if (!truncate && write_all(v, &h, sizeof(h))) {
        printf("vchan-stream: writing the checksum failed: %s\n",
               strerror(errno));
        return 1;
    }
    printf("vchan-stream: sent %llu bytes%s, %llu notifications, %llu waits\n",
           (unsigned long long)sent, truncate ? " (truncated)" : "",
           (unsigned long long)vchan_notifications(v),
           (unsigned long long)vchan_waits(v));
    return 0;
}

static int do_recv(struct vchan *v, uint64_t mib)
{
    static uint64_t buf[CHUNK / 8 + 1];
    uint64_t bytes = mib << 20, total = 0, h = FNV_OFFSET, bad = 0;
    uint64_t first_bad = 0, trailer = 0, start = sys_uptime(), ns;
    size_t have = 0; /* bytes in buf not yet checked */

    for (;;) {
        long n = vchan_read(v, (char *)buf + have, sizeof(buf) - have);

        if (n < 0) {
            printf("vchan-stream: read failed after %llu bytes: %s\n",
                   (unsigned long long)total, strerror(errno));
            return 1;
        }
        if (n == 0)
            break;
        have += (size_t)n;
        /* Check whole data words; the 8 bytes after the data are the
         * checksum (kept in trailer), anything beyond is too much. */
        size_t i = 0;
        for (; i + 8 <= have; i += 8, total += 8) {
            uint64_t w;

            memcpy(&w, (char *)buf + i, 8);
            if (total < bytes) {
                if (w != rng_next() && bad++ == 0)
                    first_bad = total;
                h = fnv_word(h, w);
            } else if (total == bytes) {
                trailer = w;
            }
        }
        memmove(buf, (char *)buf + i, have - i);
        have -= i;
    }
    total += have;
    ns = sys_uptime() - start;
    if (total != bytes + 8) {
        printf("vchan-stream: end of stream after %llu bytes, expected %llu "
               "(peer closed early)\n",
               (unsigned long long)total, (unsigned long long)(bytes + 8));
        return 1;
    }
    if (bad) {
        printf("vchan-stream: %llu bad words, the first at byte %llu\n",
               (unsigned long long)bad, (unsigned long long)first_bad);
        return 1;
    }
    if (trailer != h) {
        printf("vchan-stream: checksum mismatch: got %016llx, computed "
               "%016llx\n",
               (unsigned long long)trailer, (unsigned long long)h);
        return 1;
    }
    printf("vchan-stream: received %llu MiB, checksum ok\n",
           (unsigned long long)mib);
    printf("vchan-stream: %llu bytes in %llu ms (%llu KiB/s of guest time), "
           "%llu notifications, %llu waits\n",
           (unsigned long long)total, (unsigned long long)(ns / 1000000),
           (unsigned long long)(ns ? total * 1000000000ull / 1024 / ns : 0),
           (unsigned long long)vchan_notifications(v),
           (unsigned long long)vchan_waits(v));
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t timeout_s = 10;
    bool truncate = false, send;
    unsigned long peer, ref, mib;
    struct vchan *v;
    char *end;
    int i = 1, rc;

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-x"))
            truncate = true;
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            timeout_s = strtoul(argv[++i], NULL, 10);
        else
            return usage();
    }
    if (argc - i != 4)
        return usage();
    send = !strcmp(argv[i], "send");
    if (!send && strcmp(argv[i], "recv"))
        return usage();
    peer = strtoul(argv[i + 1], &end, 10);
    if (*end || peer > 0xffff)
        return usage();
    ref = strtoul(argv[i + 2], &end, 10);
    if (*end || ref == 0 || ref >= SYS_GRANT_REF_MAX)
        return usage();
    mib = strtoul(argv[i + 3], &end, 10);
    if (*end || mib > 4096)
        return usage();
    if (send)
        v = vchan_client_open_timeout((uint32_t)peer, (uint32_t)ref,
                                      timeout_s * 1000000000ull);
    else
        v = vchan_server_open((uint32_t)peer, (uint32_t)ref);
    if (!v) {
        printf("vchan-stream: cannot %s vchan (domain %lu, ref %lu): %s\n",
               send ? "connect to the" : "offer a", peer, ref,
               errno == EPERM ? "the ref is not granted to this domain"
                              : strerror(errno));
        return 1;
    }
    rc = send ? do_send(v, (uint64_t)mib << 20, truncate) : do_recv(v, mib);
    vchan_close(v);
    return rc;
}
