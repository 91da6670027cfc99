# SPDX-License-Identifier: MIT
"""virtio-vsock scenarios: the real driver (drivers/dev/socket*.c) against
the sim's socket model and its host peer (sim/dev/socket.c) through the
device seam, on every transport, spec-conforming and lying. There is no
QEMU test: QEMU 7.2 has only vhost-vsock, which needs /dev/vhost-vsock.

Each case runs build/replay/device_scenario --device=socket once (record
mode) with a workload in fuzz/dev_socket.c's opcodes and a decision script
(sim/decide.h script mode), and reads its `op:` lines, the `harness:`
summary and `FINDINGS <n>`. A spec device must pass every operation with
every stream byte exact both ways (the test recomputes their FNV-1a
hashes); a lying device must get an error wherever the lie is detectable,
and every run must end with FINDINGS 0.
"""
import pytest

from scenario import expect_no_oracle_line, expect_ops, fnv, le16, pattern, run_device

import qemu_helpers as q

TRANSPORTS = ["mmio2", "mmio1", "pci", "pci-firmware"]
LIE_TRANSPORTS = ["mmio2", "mmio1", "pci"]
GUEST_CID = "3"      # SIM_SOCKET_DEFAULT_CID
PAYLOAD_MAX = 468    # a 512-byte receive buffer less the 44-byte header


# ---- workloads (fuzz/dev_socket.c opcodes) ----------------------------------

def connect(c):
    return bytes([0, c])


def hconnect(c):
    return bytes([1, c])


def send(c, n, seed):
    return bytes([2, c]) + le16(n) + bytes([seed])


def hsend(c, n, seed):
    return bytes([3, c]) + le16(n) + bytes([seed])


def poll(n):
    return bytes([4, n - 1])


def recv(c, n):
    return bytes([5, c]) + le16(n)


def update(c):
    return bytes([6, c])


def request(c):
    return bytes([7, c])


def shutdown(c):
    return bytes([8, c])


def hshutdown(c):
    return bytes([9, c])


def close(c):
    return bytes([10, c])


def hreset(c):
    return bytes([11, c])


TRESET, DRAIN = b"\x0c", b"\x0f"


def listen(on):
    return bytes([13, on])


def irqs(on):
    return bytes([14, on])


# ---- running one scenario -----------------------------------------------------

def run_socket(run_prog, transport, work, *script):
    """`event` lines are facts, not calls."""
    return run_device(run_prog, "socket", transport, work, *script, facts=("event",))


def events(r):
    """The type of each `event` line, in order."""
    return [o["type"] for o in r.all("event")]


def received(r, c):
    """The bytes recv returned on connection c, as (count, fnv) per call."""
    return [(int(o["got"]), o["fnv"]) for o in r.all("recv") if o["c"] == str(c)]


def want_received(stream, counts):
    out, at = [], 0
    for n in counts:
        out.append((n, fnv(stream[at:at + n])))
        at += n
    return out


# ---- a spec-conforming device ------------------------------------------------------

SIZES = [0, 1, 100, PAYLOAD_MAX - 1, PAYLOAD_MAX, PAYLOAD_MAX + 1, 1024]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_spec_device_every_byte_arrives_exactly_both_ways(run_prog, transport):
    # Guest to host: each send's bytes are what the host received, in
    # order. Host to guest: within the guest's 1024-byte buffer, read as
    # it comes; the host waits for credit and the drain brings the rest.
    work = (connect(0) + poll(1) + b"".join(send(0, n, i) for i, n in enumerate(SIZES)) +
            b"".join(hsend(0, n, 0x40 + i) for i, n in enumerate(SIZES[:4])) +
            poll(16) + recv(0, 1024) + recv(0, 1024) + DRAIN)
    r = run_socket(run_prog, transport, work)
    expect_no_oracle_line(r)
    assert r.harness["completed"] == "1" and r.harness["failed"] == "0", r.describe()
    assert r.all("init")[0]["cid"] == GUEST_CID, r.describe()
    assert events(r)[0] == "connected", r.describe()
    sent = b""
    for i, (o, n) in enumerate(zip(r.all("send"), SIZES)):
        sent += pattern(n, i)
        assert (o["len"], o["fnv"]) == (str(n), fnv(pattern(n, i))), r.describe()
        assert (int(o["host_got"]), o["host_fnv"]) == (len(sent), fnv(sent)), \
            f"the host's stream after send {i}\n{r.describe()}"
    stream = b"".join(pattern(n, 0x40 + i) for i, n in enumerate(SIZES[:4]))
    got = received(r, 0)
    assert sum(n for n, _ in got) == len(stream), r.describe()
    assert got == want_received(stream, [n for n, _ in got]), r.describe()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_default_workload_runs_every_operation_clean(run_prog, transport):
    r = run_socket(run_prog, transport, b"")
    expect_no_oracle_line(r)
    assert all(o["rc"] == "OK" for o in r.ops) and r.harness["completed"] == "1", \
        r.describe()
    assert set(events(r)) >= {"connected", "received", "connection_request",
                               "credit_update", "disconnected"}, r.describe()


@pytest.mark.parametrize("transport", ["mmio2", "pci"])
def test_host_credit_runs_out_then_a_credit_update_gives_room(run_prog, transport):
    # The host offers 4096 bytes: the fifth 1024-byte send finds no credit
    # (and asks for it once); the host's CREDIT_UPDATE gives room again.
    work = connect(1) + poll(1) + send(1, 1024, 0) * 4 + send(1, 1024, 4) + poll(4) + \
        send(1, 1024, 5)
    r = run_socket(run_prog, transport, work)
    expect_ops(r, "init=OK connect=OK poll=OK" + " send=OK" * 4 +
               " send=ENO_CREDIT poll=OK send=OK")
    assert events(r) == ["connected", "credit_update"], r.describe()
    assert int(r.all("send")[-1]["host_got"]) == 5 * 1024, r.describe()
    expect_no_oracle_line(r)


def test_host_waits_for_guest_credit_and_asks_for_it(run_prog):
    # 2000 bytes to a guest with 1024: the host stops at 1024 and sends a
    # CREDIT_REQUEST (answered by the driver); reading and updating credit
    # brings the rest.
    work = connect(0) + poll(1) + hsend(0, 1000, 1) + hsend(0, 1000, 2) + poll(16) + \
        recv(0, 1024) + recv(0, 1024) + update(0) + poll(16) + recv(0, 1024)
    r = run_socket(run_prog, "mmio2", work)
    assert events(r).count("credit_request") == 1, r.describe()
    stream = pattern(1000, 1) + pattern(1000, 2)
    got = received(r, 0)
    assert [n for n, _ in got] == [1024, 0, 976], r.describe()
    assert got == want_received(stream, [1024, 0, 976]), r.describe()
    expect_no_oracle_line(r)


def test_listening_port_accepts_and_other_ports_reset(run_prog):
    # 3 asks for port 7 (listened): accepted. Unlistened, 7 refuses 4 with
    # RST (no event: handled inside); listened again, 4 is accepted.
    work = hconnect(3) + poll(2) + hsend(3, 300, 9) + send(3, 200, 8) + poll(2) + \
        recv(3, 1024) + listen(0) + hconnect(4) + poll(2) + listen(1) + hconnect(4) + \
        poll(2)
    r = run_socket(run_prog, "mmio2", work)
    assert events(r) == ["connection_request", "received", "none",
                          "connection_request"], r.describe()
    assert received(r, 3) == [(300, fnv(pattern(300, 9)))], r.describe()
    assert r.all("send")[0]["rc"] == "OK", r.describe()
    expect_no_oracle_line(r)


def test_connect_to_a_closed_port_is_reset(run_prog):
    r = run_socket(run_prog, "mmio2", connect(2) + poll(1) + send(2, 10, 0))
    expect_ops(r, "init=OK connect=OK poll=OK send=ENOT_CONNECTED")
    assert r.all("event")[0]["type"] == "disconnected" and \
        r.all("event")[0]["reason"] == "1", r.describe()


def test_peer_shutdown_keeps_buffered_data_until_read(run_prog):
    # The crate's rule: a SHUTDOWN with data buffered leaves the connection
    # until the caller has read it all; then the driver resets it.
    work = connect(0) + poll(1) + hsend(0, 100, 1) + hshutdown(0) + poll(4) + \
        send(0, 10, 0) + recv(0, 60) + recv(0, 60) + recv(0, 10)
    r = run_socket(run_prog, "mmio2", work)
    expect_ops(r, "init=OK connect=OK poll=OK host_sends=OK host_shutdown=OK poll=OK "
                  "send=EPEER_SHUTDOWN recv=OK recv=OK recv=ENOT_CONNECTED")
    assert [(e["type"], e["reason"]) for e in r.all("event")][1:] == \
        [("received", "0"), ("disconnected", "2")], r.describe()
    assert received(r, 0)[:2] == want_received(pattern(100, 1), [60, 40]), r.describe()
    expect_no_oracle_line(r)


def test_guest_shutdown_is_answered_by_reset(run_prog):
    r = run_socket(run_prog, "mmio2", connect(0) + poll(1) + shutdown(0) + poll(1) +
                   send(0, 1, 1))
    expect_ops(r, "init=OK connect=OK poll=OK shutdown=OK poll=OK send=ENOT_CONNECTED")
    assert events(r) == ["connected", "disconnected"], r.describe()


@pytest.mark.parametrize("transport", ["mmio2", "mmio1", "pci"])
def test_transport_reset_drops_every_connection(run_prog, transport):
    work = connect(0) + hconnect(3) + poll(4) + TRESET + poll(1) + send(0, 10, 0) + \
        send(3, 10, 0) + connect(0) + poll(1) + send(0, 10, 2)
    r = run_socket(run_prog, transport, work)
    expect_ops(r, "init=OK connect=OK host_connects=OK poll=OK transport_reset=OK "
                  "poll=OK send=ENOT_CONNECTED send=ENOT_CONNECTED connect=OK poll=OK "
                  "send=OK")
    assert "transport_reset" in events(r), r.describe()
    expect_no_oracle_line(r)


def test_five_connections_in_four_slots(run_prog):
    # 0, 1, 3 and 4 take the four slots: a fifth connect finds none; once
    # one is closed, it goes through.
    r = run_socket(run_prog, "mmio2", connect(0) + connect(1) + hconnect(3) + hconnect(4) +
                   poll(4) + connect(2) + close(0) + connect(2))
    expect_ops(r, "init=OK connect=OK connect=OK host_connects=OK host_connects=OK "
                  "poll=OK connect=EQUEUE_FULL force_close=OK connect=OK")
    expect_no_oracle_line(r)


def test_packet_for_no_connection_is_answered_with_reset(run_prog):
    # 5.10.6.3: the RESPONSE comes from another port: no connection has
    # it; the driver answers RST, no error, and keeps connecting.
    r = run_socket(run_prog, "mmio2", connect(0) + poll(1) + send(0, 10, 0),
                   "socket.src_port@1=99")
    expect_ops(r, "init=OK connect=OK poll=OK send=ENOT_CONNECTED")
    assert events(r) == ["none"], r.describe()


def test_peer_shrinking_its_buffer_leaves_no_credit_not_a_negative_one(run_prog):
    # 100 bytes in flight, then the host says buf_alloc 50: the crate's
    # buf_alloc - (tx_cnt - fwd_cnt) underflows to a huge credit.
    work = connect(0) + poll(1) + send(0, 100, 0) + request(0) + poll(1) + send(0, 1, 1)
    r = run_socket(run_prog, "mmio2", work, "socket.buf_alloc@2=50",
                   "socket.fwd_cnt@2=0")
    expect_ops(r, "init=OK connect=OK poll=OK send=OK request_credit=OK poll=OK "
                  "send=ENO_CREDIT")


def test_guest_cid_is_read_again_after_a_transport_reset(run_prog):
    # Reads: generation, low, high, generation at init; again at the reset.
    r = run_socket(run_prog, "mmio2", TRESET + poll(1), "socket.guest_cid@2=7")
    assert r.all("event")[0]["type"] == "transport_reset" and \
        r.all("event")[0]["cid"] == "7", r.describe()


# ---- lying devices ---------------------------------------------------------------

CONN = connect(0) + poll(1) + send(0, 10, 1)
AFTER_CONN_LIE = "init=OK connect=OK poll=EBAD_USED send=EBROKEN"
# A second packet on an established connection: the host's answer to a
# credit request.
ESTAB = connect(0) + poll(1) + request(0) + poll(1) + send(0, 10, 1)
AFTER_ESTAB_LIE = "init=OK connect=OK poll=OK request_credit=OK poll=EBAD_USED send=EBROKEN"

# name: (workload, script entries, expected op=rc). Packet 1 is the
# host's RESPONSE to connect(0).
LIES = {
    "len_not_the_used_len": (CONN, ["socket.len@1=5"], AFTER_CONN_LIE),
    "written_shorter_than_the_header": (CONN, ["socket.rx_len@1=40"], AFTER_CONN_LIE),
    "written_past_header_and_len": (CONN, ["socket.rx_len@1=50"], AFTER_CONN_LIE),
    "used_len_past_the_buffer": (CONN, ["vq.used_len@2=513"], AFTER_CONN_LIE),
    "used_len_0": (CONN, ["vq.used_len@2=0"], AFTER_CONN_LIE),
    "type_seqpacket_never_negotiated": (CONN, ["socket.type@1=2"], AFTER_CONN_LIE),
    "op_invalid": (CONN, ["socket.op@1=0"], AFTER_CONN_LIE),
    "op_unknown": (CONN, ["socket.op@1=8"], AFTER_CONN_LIE),
    "dst_cid_not_the_guest": (CONN, ["socket.dst_cid@1=4"], AFTER_CONN_LIE),
    "response_with_payload": (CONN, ["socket.len@1=4", "socket.rx_len@1=48"],
                              AFTER_CONN_LIE),
    "fwd_cnt_acks_bytes_never_sent": (CONN, ["socket.fwd_cnt@1=1"], AFTER_CONN_LIE),
    "data_on_a_connection_not_yet_answered": (
        CONN, ["socket.op@1=5", "socket.len@1=4", "socket.rx_len@1=48"], AFTER_CONN_LIE),
    "response_on_an_established_connection": (ESTAB, ["socket.op@2=2"], AFTER_ESTAB_LIE),
    "request_on_an_established_connection": (ESTAB, ["socket.op@2=1"], AFTER_ESTAB_LIE),
    "fwd_cnt_wrapping_to_a_huge_credit": (ESTAB, ["socket.fwd_cnt@2=0xffffffff"],
                                          AFTER_ESTAB_LIE),
    "shutdown_with_unknown_flags": (ESTAB, ["socket.op@2=4", "socket.flags@2=4"],
                                    AFTER_ESTAB_LIE),
    # 1024 bytes fill the guest's buffer (packets 2-4); the host's credit
    # request (5) made data: past the credit the driver gave.
    "data_past_the_guests_credit": (
        connect(0) + poll(1) + hsend(0, 1024, 0) + hsend(0, 10, 1) + poll(8),
        ["socket.op@5=5", "socket.len@5=10", "socket.rx_len@5=54"],
        "init=OK connect=OK poll=OK host_sends=OK host_sends=OK poll=EBAD_USED"),
    # The host shut down with 10 bytes unread; its answer to a credit
    # request (4) made data: the peer said it sends no more.
    "data_after_the_peers_shutdown": (
        connect(0) + poll(1) + hsend(0, 10, 1) + hshutdown(0) + poll(4) + request(0) +
        poll(1),
        ["socket.op@4=5", "socket.len@4=5", "socket.rx_len@4=49"],
        "init=OK connect=OK poll=OK host_sends=OK host_shutdown=OK poll=OK "
        "request_credit=OK poll=EBAD_USED"),
    "event_id_unknown": (TRESET + poll(1) + CONN, ["socket.event_id@1=1"],
                         "init=OK transport_reset=OK poll=EBAD_USED connect=EBROKEN "
                         "poll=EBROKEN send=EBROKEN"),
    "event_len_not_4": (TRESET + poll(1) + CONN, ["socket.event_len@1=2"],
                        "init=OK transport_reset=OK poll=EBAD_USED connect=EBROKEN "
                        "poll=EBROKEN send=EBROKEN"),
    "cid_after_reset_the_hosts": (TRESET + poll(1) + CONN, ["socket.guest_cid@2=2"],
                                  "init=OK transport_reset=OK poll=EBAD_CONFIG "
                                  "connect=EBROKEN poll=EBROKEN send=EBROKEN"),
    "send_never_completed": (CONN, [f"vq.defer@{i}=1" for i in range(1, 25)],
                             "init=OK connect=ETIMEOUT poll=EBROKEN send=EBROKEN"),
}

LIE_CASES = [(name, tr) for name in sorted(LIES) for tr in LIE_TRANSPORTS]


# A used len on a chain the device only reads (2.7.8.1 wants 0) counts no
# byte the driver reads back: the queue takes it as 0, not as a lie
# (drivers/queue/split.c). QEMU 7.2's virtio-input statusq gives the bytes
# it read; a driver that stopped on it would not run on QEMU.
def test_send_used_len_is_taken_as_0_not_as_a_lie(run_prog):
    r = run_socket(run_prog, "mmio2", CONN, "vq.used_len@1=1")
    expect_ops(r, "init=OK connect=OK poll=OK send=OK")


@pytest.mark.parametrize("name,transport", LIE_CASES)
def test_lie_is_an_error_not_a_success(run_prog, name, transport):
    work, entries, want = LIES[name]
    r = run_socket(run_prog, transport, work, *entries)
    expect_ops(r, want)
    assert r.harness["completed"] == "0", \
        f"a device caught lying must be stopped (completed=0), got {r.harness}\n" \
        f"{r.describe()}"


# name: (script entries, init error)
INIT_LIES = {
    "cid_0": (["socket.guest_cid@1=0"], "EBAD_CONFIG"),
    "cid_1": (["socket.guest_cid@1=1"], "EBAD_CONFIG"),
    "cid_host": (["socket.guest_cid@1=2"], "EBAD_CONFIG"),
    "cid_any": (["socket.guest_cid@1=0xffffffff"], "EBAD_CONFIG"),
    "cid_reserved_upper_half": (["socket.guest_cid_high@1=1"], "EBAD_CONFIG"),
    "rx_queue_size_0": (["vdev.num_max@1=0"], "EBAD_QUEUE_SIZE"),
    "tx_queue_of_1_holds_no_header_and_payload": (["vdev.num_max@2=1"],
                                                  "EBAD_QUEUE_SIZE"),
    "event_queue_size_0": (["vdev.num_max@3=0"], "EBAD_QUEUE_SIZE"),
    "features_ok_refused": (["vdev.features_ok@1=1"], "EFEATURES"),
}
INIT_CASES = [(name, tr) for name in sorted(INIT_LIES) for tr in LIE_TRANSPORTS
              if not (name == "features_ok_refused" and tr == "mmio1")]


@pytest.mark.parametrize("name,transport", INIT_CASES)
def test_init_lie_fails_init_and_holds_nothing(run_prog, name, transport):
    entries, err = INIT_LIES[name]
    r = run_socket(run_prog, transport, CONN, *entries)
    expect_ops(r, f"init={err}")


# ---- the model's own checks (pytest/progs/socket_misuse.c) ---------------------

MISUSE = ["tx-writable-buffer", "tx-short-header", "tx-len-not-payload",
          "tx-type-seqpacket", "tx-op-invalid", "tx-payload-on-credit-update",
          "tx-shutdown-unknown-flags", "tx-src-cid-not-guest", "tx-past-credit",
          "rx-readable-buffer", "rx-shorter-than-header", "event-shorter-than-event"]


@pytest.mark.parametrize("scenario", MISUSE)
def test_model_reports_a_packet_no_vsock_driver_may_give(run_prog, scenario):
    proc = run_prog("socket_misuse", scenario)
    assert proc.returncode == 0, f"socket_misuse {scenario} failed:\n{proc.stdout}{proc.stderr}"
    assert "FINDINGS 1 last=desc-malformed" in proc.stdout, \
        f"{scenario}: expected one desc-malformed finding\n{proc.stdout}{proc.stderr[-3000:]}"


def test_model_stays_quiet_on_correct_packets(run_prog):
    proc = run_prog("socket_misuse", "ok-connect-send-receive-reset")
    assert proc.returncode == 0 and "FINDINGS 0" in proc.stdout, \
        f"expected no finding\n{proc.stdout}{proc.stderr[-3000:]}"


def test_misuse_program_refuses_an_unknown_scenario(run_prog):
    proc = run_prog("socket_misuse", "no-such-scenario")
    assert proc.returncode == 2 and "unknown scenario" in proc.stderr, proc.stderr


# ---- no QEMU device ------------------------------------------------------------------

def test_qemu_helpers_say_there_is_no_qemu_socket_device():
    with pytest.raises(pytest.fail.Exception, match="no QEMU device"):
        q.device_args("socket", "mmio", 0)
