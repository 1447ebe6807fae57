/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels in one domain: a loopback pair (alloc_unbound for itself,
 * then bind_interdomain to it) delivers through the event callback and
 * the two-level bitmaps; a masked port's event waits for unmask; status of
 * every state; close makes the peer unbound; every error for bad ports and
 * bad arguments; VIRQ_TIMER through a bound port instead of pending_virqs;
 * and the port limit.
 */
#include "../evtchn-common/evtchn_guest.h"

const char test_title[] = "evtchn-loopback: event channels within dom0";

#define MS 1000000ULL

static void event_handler(struct trap_frame *f)
{
    (void)f;
    evtchn_guest_scan();
}

static uint64_t status_of(uint32_t port)
{
    struct evtchn_status st = {.port = port};
    long rc = hc_evtchn_status(&st);

    if (rc)
        return (uint64_t)rc;
    return (uint64_t)st.state << 32 | st.remote_dom << 16 | st.remote_port;
}
#define ST(s, dom, port)                                                       \
    ((uint64_t)EVTCHN_STATE_##s << 32 | (uint64_t)(dom) << 16 | (port))

static void bad_ports(void)
{
    static const uint64_t bad[] = {0, 1023, 1024, 1ULL << 32 | 1, ~0ULL};
    struct evtchn_status st = {.port = 0};

    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        char what[64];

        snprintf(what, sizeof(what), "send/close/unmask(%#lx)",
                 (unsigned long)bad[i]);
        test_expect_eq(hc_evtchn_send(bad[i]), -CARAPACE_EINVAL, what);
        test_expect_eq(hc_evtchn_close(bad[i]), -CARAPACE_EINVAL, what);
        test_expect_eq(hc_evtchn_unmask(bad[i]), -CARAPACE_EINVAL, what);
    }
    test_expect_eq(hc_evtchn_status(&st), -CARAPACE_EINVAL, "status(0)");
    st.port = 1024;
    test_expect_eq(hc_evtchn_status(&st), -CARAPACE_EINVAL, "status(1024)");
    test_expect_eq(status_of(1023), ST(FREE, 0, 0), "status(1023): free");
}

static void bad_args(void)
{
    struct evtchn_bind_interdomain b = {.remote_dom = 0, .remote_port = 1};
    const uint64_t *ro_slot = (const uint64_t *)start_info.pt_base_va + 200;
    uint32_t p;

    test_expect_eq(hc_evtchn_alloc_unbound(7, &p), -CARAPACE_ESRCH,
                   "alloc_unbound for a domain that does not exist");
    test_expect_eq(hc_evtchn_alloc_unbound(0xffffffffu, &p), -CARAPACE_ESRCH,
                   "alloc_unbound(0xffffffff)");
    test_expect_eq(hc_evtchn_bind_interdomain(7, 1, &p), -CARAPACE_ESRCH,
                   "bind_interdomain to a domain that does not exist");
    /* DOMID_SELF is a grant-copy name only: event channels take ids. */
    test_expect_eq(hc_evtchn_alloc_unbound(DOMID_SELF, &p), -CARAPACE_ESRCH,
                   "alloc_unbound(DOMID_SELF)");
    test_expect_eq(hc_evtchn_bind_interdomain(DOMID_SELF, 1, &p),
                   -CARAPACE_ESRCH, "bind_interdomain(DOMID_SELF, 1)");
    test_expect_eq(hc_evtchn_bind_interdomain(0, 1, &p), -CARAPACE_EINVAL,
                   "bind_interdomain to a free port");
    b.pad = 1;
    test_expect_eq(hc_event_channel_op(EVTCHNOP_bind_interdomain, (uint64_t)&b),
                   -CARAPACE_EINVAL, "bind_interdomain with pad != 0");
    test_expect_eq(hc_event_channel_op(99, 0), -CARAPACE_ENOSYS,
                   "unknown command");
    test_expect_eq(hc_event_channel_op(EVTCHNOP_alloc_unbound, HYP_VA_EXAMPLE),
                   -CARAPACE_EFAULT, "alloc_unbound(hypervisor address)");
    test_expect_eq(hc_event_channel_op(EVTCHNOP_status, 0), -CARAPACE_EFAULT,
                   "status(NULL)");
    /* An unused L4 slot: zeros (remote_dom 0) the guest may read, in a
     * page table it may not write, so the result cannot be written back. */
    test_expect_eq(*ro_slot, 0, "L4 slot 200 is empty");
    test_expect_eq(
        hc_event_channel_op(EVTCHNOP_alloc_unbound, (uint64_t)ro_slot),
        -CARAPACE_EFAULT, "alloc_unbound into a read-only page");
    test_expect_eq(*ro_slot, 0, "the page table was not written");
    test_expect_eq(status_of(1), ST(FREE, 0, 0),
                   "... and the port it made was closed again");
    test_expect_eq(hc_evtchn_bind_virq(VIRQ_NR, &p), -CARAPACE_EINVAL,
                   "bind_virq(VIRQ_NR)");
}

/* Send on `from`; the callback must see `to` once more. */
static void send_and_receive(uint32_t from, uint32_t to, const char *what)
{
    uint32_t before = evtchn_guest_count[to];

    WRITE_ONCE(shared_info->vcpu[0].upcall_mask, 0);
    test_expect_eq(hc_evtchn_send(from), 0, what);
    WRITE_ONCE(shared_info->vcpu[0].upcall_mask, 1);
    test_expect_eq(evtchn_guest_count[to] - before, 1,
                   "the callback got it once, on the peer port");
}

static void masked(uint32_t p, uint32_t q)
{
    struct vcpu_info *v = &shared_info->vcpu[0];
    uint32_t before = evtchn_guest_count[q];

    shared_info->evtchn_mask[q / 64] |= 1ULL << (q % 64);
    test_expect_eq(hc_evtchn_send(p), 0, "send to a masked port");
    test_check(shared_info->evtchn_pending[q / 64] >> (q % 64) & 1,
               "masked: pending bit set");
    test_expect_eq(READ_ONCE(v->evtchn_pending_sel), 0, "masked: no sel");
    test_expect_eq(READ_ONCE(v->upcall_pending), 0, "masked: no upcall");
    WRITE_ONCE(v->upcall_mask, 0);
    test_expect_eq(hc_evtchn_unmask(q), 0, "unmask");
    WRITE_ONCE(v->upcall_mask, 1);
    test_expect_eq(shared_info->evtchn_mask[q / 64] >> (q % 64) & 1, 0,
                   "unmask cleared the mask bit");
    test_expect_eq(evtchn_guest_count[q] - before, 1,
                   "unmask re-checked: the event was not lost");
    test_expect_eq(hc_evtchn_unmask(q), 0, "unmask again");
    test_expect_eq(evtchn_guest_count[q] - before, 1, "no event twice");
    for (int i = 0; i < 1000; i++)
        hc_evtchn_send(p);
    test_expect_eq(evtchn_guest_scan(), 1, "1000 sends: one pending bit");
}

static void virq_timer(void)
{
    uint32_t t = 0, x = 0;
    uint64_t start = system_time_ns();

    test_expect_eq(hc_evtchn_bind_virq(VIRQ_TIMER, &t), 0, "bind VIRQ_TIMER");
    test_expect_eq(hc_evtchn_bind_virq(VIRQ_TIMER, &x), -CARAPACE_EEXIST,
                   "bind VIRQ_TIMER twice");
    test_expect_eq(status_of(t), ST(VIRQ, 0, VIRQ_TIMER), "status: VIRQ");
    test_expect_eq(hc_evtchn_send(t), -CARAPACE_ENOTCONN, "send on a VIRQ");
    shared_info->vcpu[0].pending_virqs = 0;
    hc_set_timer(start + MS);
    test_expect_eq(evtchn_guest_wait(t, 0), 1, "the timer fired on its port");
    test_check(system_time_ns() - start >= MS, "after 1 ms");
    test_expect_eq(shared_info->vcpu[0].pending_virqs, 0,
                   "not in pending_virqs");
    test_expect_eq(hc_evtchn_close(t), 0, "close the VIRQ port");
    hc_set_timer(system_time_ns() + MS);
    while (!(READ_ONCE(shared_info->vcpu[0].pending_virqs) & 1))
        hc_sched_op(SCHED_block, 0);
    test_expect_eq(evtchn_guest_count[t], 1, "unbound: the legacy bit again");
    test_expect_eq(hc_evtchn_bind_virq(VIRQ_DOM_EXC, &x), 0,
                   "dom0 binds VIRQ_DOM_EXC");
    test_expect_eq(hc_evtchn_close(x), 0, "and closes it");
}

static void port_limit(void)
{
    uint32_t p, n = 0;
    long rc;

    while ((rc = hc_evtchn_alloc_unbound(0, &p)) == 0)
        n++;
    test_expect_eq(rc, -CARAPACE_ENOSPC, "no free port: -ENOSPC");
    test_expect_eq(n, EVTCHN_PORTS_MAX - 1, "1023 ports");
    for (p = 1; p < EVTCHN_PORTS_MAX; p++)
        n -= hc_evtchn_close(p) == 0;
    test_expect_eq(n, 0, "every one closed");
}

void test_main(void)
{
    uint32_t p = 0, q = 0;

    test_check(hc_version(VERSION_FEATURES) & CARAPACE_FEAT_EVTCHN,
               "CARAPACE_FEAT_EVTCHN");
    trap_set_handler(TRAP_VECTOR_EVENT, event_handler);
    test_expect_eq(trap_install_callbacks(), 0, "install the event callback");
    bad_ports();
    bad_args();
    test_expect_eq(hc_evtchn_alloc_unbound(0, &p), 0, "alloc_unbound(self)");
    test_expect_eq(p, 1, "the lowest free port");
    test_expect_eq(status_of(p), ST(UNBOUND, 0, 0), "status: unbound");
    test_expect_eq(hc_evtchn_send(p), -CARAPACE_ENOTCONN, "send unbound");
    test_expect_eq(hc_evtchn_bind_interdomain(0, p, &q), 0, "bind to it");
    test_expect_eq(status_of(p), ST(INTERDOMAIN, 0, q), "status of p");
    test_expect_eq(status_of(q), ST(INTERDOMAIN, 0, p), "status of q");
    send_and_receive(p, q, "send p -> q");
    send_and_receive(q, p, "send q -> p");
    masked(p, q);
    virq_timer();
    test_expect_eq(hc_evtchn_close(q), 0, "close q");
    test_expect_eq(status_of(q), ST(FREE, 0, 0), "q is free");
    test_expect_eq(status_of(p), ST(UNBOUND, 0, 0), "p is unbound again");
    test_expect_eq(hc_evtchn_send(p), -CARAPACE_ENOTCONN, "send p: no peer");
    test_expect_eq(hc_evtchn_close(q), -CARAPACE_EINVAL, "close q twice");
    test_expect_eq(hc_evtchn_close(p), 0, "close p");
    port_limit();
}
