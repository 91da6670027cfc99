# SPDX-License-Identifier: MIT
"""virtio-net scenarios: the real driver (drivers/dev/net.c) against the
sim's net model (sim/dev/net.c) through the device seam, on every
transport, spec-conforming and lying.

Each case runs build/replay/device_scenario --device=net once (record mode)
with a workload in fuzz/dev_net.c's opcodes and a decision script
(sim/decide.h script mode), and reads its `op:` lines, the `harness:`
summary and `FINDINGS <n>`. A spec device must pass every operation with
every frame exact both ways (the test recomputes their FNV-1a hashes); a
lying device must get an error wherever the lie is detectable, and every
run must end with FINDINGS 0: no leak, no HAL misuse, no crash, no wrong
answer, whatever the device said.
"""
import pytest

from scenario import expect_no_oracle_line, expect_ops, fnv, le16, pattern, run_device

TRANSPORTS = ["mmio2", "mmio1", "pci", "pci-firmware"]
MODERN = ["mmio2", "pci"]
BUF_LEN = 1526  # VIRTIO_NET_MIN_BUFFER_LEN: the workload's receive buffers
QUEUE = 8       # NET_QUEUE: the receive buffers the workload gives
QEMU_MAC = "525400123456"


# ---- workloads (fuzz/dev_net.c opcodes) -------------------------------------

def send(n, seed):
    return b"\x00" + le16(n) + bytes([seed])


def host(n, seed):
    return b"\x01" + le16(n) + bytes([seed])


def recv(n):
    return bytes([2, n - 1])


HOLD, RECYCLE, ACK, CONFIG, READY = b"\x03", b"\x04", b"\x06", b"\x07", b"\x08"
AGAIN = b"\x0a"  # recycle the last recycled rx again


def irqs(on):
    return bytes([5, on])


def loop(on):
    return bytes([9, on])


# ---- running one scenario -----------------------------------------------------

def run_net(run_prog, transport, work, *script):
    """`frame` lines are facts, not calls."""
    return run_device(run_prog, "net", transport, work, *script, facts=("frame",))


def frames(r):
    return [(int(o["len"]), o["fnv"]) for o in r.all("frame")]


def want_frames(*sizes_seeds):
    return [(n, fnv(pattern(n, seed))) for n, seed in sizes_seeds]


# ---- a spec-conforming device ------------------------------------------------------

HOST_FRAMES = [(0, 0), (1, 1), (14, 2), (60, 3), (1000, 4), (1513, 5), (1514, 6)]
SEND_FRAMES = [(0, 0x10), (1, 0x11), (60, 0x12), (64, 0x13), (1514, 0x14)]
LOOP_FRAMES = [(42, 0x20), (1514, 0x21)]
SPEC_WORK = (CONFIG + READY + b"".join(host(n, s) for n, s in HOST_FRAMES) + READY +
             recv(len(HOST_FRAMES) + 1) + b"".join(send(n, s) for n, s in SEND_FRAMES) +
             loop(1) + b"".join(send(n, s) for n, s in LOOP_FRAMES) + recv(2) + READY)
SPEC_OPS = ("init=OK config=OK ready=OK" + " host_sends=OK" * len(HOST_FRAMES) +
            " ready=OK receive=OK" + " send=OK" * len(SEND_FRAMES) + " loopback=OK" +
            " send=OK" * len(LOOP_FRAMES) + " receive=OK ready=OK")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_spec_device_every_operation_succeeds_with_frames_exact_both_ways(run_prog,
                                                                          transport):
    r = run_net(run_prog, transport, SPEC_WORK)
    expect_ops(r, SPEC_OPS)
    expect_no_oracle_line(r)
    assert r.harness["completed"] == "1" and r.harness["failed"] == "0", r.describe()
    # The MAC and the link as the device has them (QEMU's default MAC).
    assert (r.op("config")["mac"], r.op("config")["up"]) == (QEMU_MAC, "1"), r.describe()
    # Host to driver: every frame in order, byte for byte, behind a spec header.
    assert frames(r) == want_frames(*HOST_FRAMES, *LOOP_FRAMES), r.describe()
    for f in r.all("frame"):
        hdr = {k: f[k] for k in ("flags", "gso_type", "hdr_len", "gso_size",
                                 "csum_start", "csum_offset", "num_buffers")}
        assert hdr == {"flags": "0", "gso_type": "0", "hdr_len": "0", "gso_size": "0",
                       "csum_start": "0", "csum_offset": "0", "num_buffers": "1"}, \
            f"a spec header, got {hdr}\n{r.describe()}"
    # Driver to host: what the device read is exactly what was sent.
    sends = [(int(o["device_read"]), o["fnv"]) for o in r.all("send")]
    assert sends == want_frames(*SEND_FRAMES, *LOOP_FRAMES), r.describe()
    # Readiness: nothing to receive, then frames waiting, then none.
    assert [(o["can_send"], o["can_recv"]) for o in r.all("ready")] == \
        [("1", "0"), ("1", "1"), ("1", "0")], r.describe()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_default_workload_runs_every_operation_clean(run_prog, transport):
    r = run_net(run_prog, transport, b"")
    expect_no_oracle_line(r)
    assert all(o["rc"] == "OK" for o in r.ops) and r.harness["completed"] == "1", \
        r.describe()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_device_without_mac_and_status(run_prog, transport):
    # Offered: VERSION_1 and the ring features only (legacy drops bit 32).
    r = run_net(run_prog, transport, CONFIG + host(60, 1) + recv(1) + send(60, 2),
                "vdev.features@1=0x130000000")
    expect_ops(r, "init=OK config=OK host_sends=OK receive=OK send=OK")
    # 5.1.5: no MAC to give; 5.1.4.2: the link is assumed up.
    assert (r.op("config")["mac_rc"], r.op("config")["up"]) == ("EUNSUPPORTED", "1")
    assert frames(r) == want_frames((60, 1)), r.describe()
    expect_no_oracle_line(r)


@pytest.mark.parametrize("transport", MODERN)
def test_link_status_is_read_each_time(run_prog, transport):
    # The link goes down (status 0), then up again; the driver says so.
    r = run_net(run_prog, transport, CONFIG + CONFIG, "net.status@1=0")
    assert [o["up"] for o in r.all("config")] == ["0", "1"], r.describe()


@pytest.mark.parametrize("transport", MODERN)
def test_mac_read_again_when_the_generation_changes(run_prog, transport):
    # init reads generation, 6 bytes (each bracketed by two generation
    # reads), generation: the 14th read closes the first try. The second
    # try (net.mac@7: its first byte) reads the new MAC, which the driver
    # must report.
    r = run_net(run_prog, transport, CONFIG, "vdev.config_gen@14=1", "net.mac@7=0x02")
    expect_ops(r, "init=OK config=OK")
    assert r.op("config")["mac"] == "025400123456", \
        f"the MAC of the second, settled read\n{r.describe()}"


def test_header_fields_the_driver_ignores_leave_the_frame_exact(run_prog):
    # Without offloads hdr_len, gso_size and the csum fields mean nothing,
    # and unknown flag bits are ignored (5.1.6.4.2): the frame is received.
    r = run_net(run_prog, "mmio2", host(60, 7) + recv(1),
                "net.flags@1=0x80", "net.hdr_len@1=54", "net.gso_size@1=1448",
                "net.csum_start@1=34", "net.csum_offset@1=16")
    expect_ops(r, "init=OK host_sends=OK receive=OK")
    assert frames(r) == want_frames((60, 7)), r.describe()
    f = r.op("frame")
    assert (f["flags"], f["hdr_len"], f["gso_size"], f["csum_start"], f["csum_offset"]) \
        == ("128", "54", "1448", "34", "16"), f"the header as written\n{r.describe()}"


@pytest.mark.parametrize("transport", MODERN)
@pytest.mark.parametrize("value", ["0", "2", "0xffff"])
def test_num_buffers_is_not_read_without_mrg_rxbuf(run_prog, transport, value):
    # Without MRG_RXBUF a frame is one buffer; QEMU before 9.2 leaves the
    # field unwritten, so no value is a lie: the frame arrives, num_buffers 1.
    r = run_net(run_prog, transport, host(60, 3) + recv(1), f"net.num_buffers@1={value}")
    expect_ops(r, "init=OK host_sends=OK receive=OK")
    assert frames(r) == want_frames((60, 3)), r.describe()
    assert r.op("frame")["num_buffers"] == "1", r.describe()


@pytest.mark.parametrize("transport,want", [("mmio1", "receive=OK"),
                                             ("mmio2", "receive=EBAD_USED")])
def test_legacy_header_is_ten_bytes(run_prog, transport, want):
    # 5.1.6.1: a legacy device without MRG_RXBUF writes a 10-byte header
    # (no num_buffers): a used len of 10 is an empty frame there, and less
    # than the 12-byte header of a modern device.
    r = run_net(run_prog, transport, host(60, 3) + recv(1), "vq.used_len@1=10")
    expect_ops(r, f"init=OK host_sends=OK {want}")
    if want == "receive=OK":
        assert frames(r) == [(0, fnv(b""))], r.describe()


def test_device_making_up_frame_bytes_gets_exactly_what_it_wrote(run_prog):
    # Not a lie the driver can see: a 10-byte frame, 12 + 30 bytes written.
    r = run_net(run_prog, "mmio2", host(10, ord("a")) + recv(1),
                "net.rx_len@1=42", "net.rx_byte@3=0x5a")
    expect_ops(r, "init=OK host_sends=OK receive=OK")
    want = pattern(10, ord("a")) + bytes(2) + b"\x5a" + bytes(17)
    assert frames(r) == [(30, fnv(want))], r.describe()


@pytest.mark.parametrize("transport", ["mmio2", "pci"])
def test_frame_sent_while_every_buffer_is_lent_arrives_after_recycle(run_prog,
                                                                     transport):
    # A receiveq of 2: both buffers lent to the caller, the third frame
    # waits on the wire, and arrives once a buffer is back.
    r = run_net(run_prog, transport,
                host(60, 1) + host(61, 2) + host(62, 3) + HOLD + HOLD + recv(1) +
                READY + RECYCLE + recv(2), "vdev.num_max@1=2")
    expect_ops(r, "init=OK host_sends=OK host_sends=OK host_sends=OK hold=OK hold=OK "
                  "receive=OK ready=OK recycle=OK receive=OK")
    assert [int(o["frames"]) for o in r.all("receive")] == [0, 1], r.describe()
    assert r.op("ready")["can_recv"] == "0" and r.op("recycle")["frames"] == "2"
    held = [(int(o["len"]), o["fnv"]) for o in r.all("hold")]
    assert held + frames(r) == want_frames((60, 1), (61, 2), (62, 3)), r.describe()
    expect_no_oracle_line(r)


def test_stale_rx_is_refused_even_when_its_buffer_is_lent_again(run_prog):
    # A receiveq of 2: the first frame's buffer is recycled, then lent again
    # with the third frame. Recycling the first rx again must be refused:
    # it would give the device a buffer the caller holds.
    r = run_net(run_prog, "mmio2",
                host(60, 1) + recv(1) + host(61, 2) + host(62, 3) + HOLD + HOLD + AGAIN +
                RECYCLE + AGAIN + recv(1), "vdev.num_max@1=2")
    expect_ops(r, "init=OK host_sends=OK receive=OK host_sends=OK host_sends=OK hold=OK "
                  "hold=OK recycle_again=EINVALID_PARAM recycle=OK "
                  "recycle_again=EINVALID_PARAM receive=OK")
    held = [(int(o["len"]), o["fnv"]) for o in r.all("hold")]
    assert held == want_frames((61, 2), (62, 3)), r.describe()
    assert r.op("recycle_again")["slot"] == "0", r.describe()
    expect_no_oracle_line(r)


@pytest.mark.parametrize("transport", ["mmio2", "mmio1", "pci"])
def test_interrupts_follow_the_drivers_wish(run_prog, transport):
    # off: a send and a frame, no used-buffer interrupt; on: both interrupt.
    work = (ACK + irqs(0) + ACK + send(60, 1) + host(60, 2) + recv(1) + ACK +
            irqs(1) + send(60, 3) + ACK + host(60, 4) + recv(1) + ACK)
    r = run_net(run_prog, transport, work)
    isr = [int(o["isr"]) & 1 for o in r.all("ack_interrupt")]
    assert isr[2:] == [0, 1, 1], \
        f"used-buffer interrupt bits while off, then on: {isr[2:]}\n{r.describe()}"
    expect_no_oracle_line(r)


# ---- lying devices ---------------------------------------------------------------

RX = host(60, 1) + recv(1) + send(60, 2)
TX = send(60, 1) + send(60, 2)
AFTER_RX_LIE = "init=OK host_sends=OK receive=EBAD_USED send=EBROKEN"
AFTER_TX_LIE = "init=OK send=EBAD_USED send=EBROKEN"

# name: (workload, script entries, expected op=rc). The receive buffers are
# fetched at init (QUEUE fetches), so the first send's comes next; the
# first used entry is the receive's (RX) or the first send's (TX).
LIES = {
    "receive_header_needs_csum_without_guest_csum": (RX, ["net.flags@1=1"], AFTER_RX_LIE),
    "receive_header_data_valid_without_guest_csum": (RX, ["net.flags@1=2"], AFTER_RX_LIE),
    "receive_header_rsc_info_without_rsc_ext": (RX, ["net.flags@1=4"], AFTER_RX_LIE),
    "receive_header_gso_tcpv4_not_negotiated": (RX, ["net.gso_type@1=1"], AFTER_RX_LIE),
    "receive_header_gso_ecn_not_negotiated": (RX, ["net.gso_type@1=0x80"], AFTER_RX_LIE),
    "receive_written_shorter_than_the_header": (RX, ["net.rx_len@1=5"], AFTER_RX_LIE),
    "receive_used_len_0": (RX, ["vq.used_len@1=0"], AFTER_RX_LIE),
    "receive_used_len_below_the_header": (RX, ["vq.used_len@1=9"], AFTER_RX_LIE),
    "receive_used_len_past_the_buffer": (RX, [f"vq.used_len@1={BUF_LEN + 1}"],
                                         AFTER_RX_LIE),
    "receive_used_len_huge": (RX, ["vq.used_len@1=0xffffffff"], AFTER_RX_LIE),
    "receive_used_id_out_of_range": (RX, [f"vq.used_id@1={QUEUE}"], AFTER_RX_LIE),
    "receive_used_idx_past_the_queue": (RX, [f"vq.used_idx@1={QUEUE + 1}"], AFTER_RX_LIE),
    "send_used_id_never_given": (TX, ["vq.used_id@1=1"], AFTER_TX_LIE),
    "send_used_idx_jumping_past_the_queue": (TX, [f"vq.used_idx@1={QUEUE + 1}"],
                                             AFTER_TX_LIE),
    "send_never_completed": (TX, [f"vq.never@{QUEUE + 1}=1"],
                             "init=OK send=ETIMEOUT send=EBROKEN"),
    "send_completed_too_late": (TX, [f"vq.defer@{i}=1" for i in range(1, 25)],
                                "init=OK send=ETIMEOUT send=EBROKEN"),
}


LIE_CASES = [(name, tr) for name in sorted(LIES) for tr in ["mmio2", "mmio1", "pci"]]


@pytest.mark.parametrize("name,transport", LIE_CASES)
def test_lie_is_an_error_not_a_success(run_prog, name, transport):
    work, entries, want = LIES[name]
    r = run_net(run_prog, transport, work, *entries)
    expect_ops(r, want)
    assert r.harness["completed"] == "0", \
        f"a device caught lying must be stopped (completed=0), got {r.harness}\n" \
        f"{r.describe()}"


# A used len on a chain the device only reads (2.7.8.1 wants 0) counts no
# byte the driver reads back: the queue takes it as 0, not as a lie
# (drivers/queue/split.c). QEMU 7.2's virtio-input statusq gives the bytes
# it read; a driver that stopped on it would not run on QEMU.
@pytest.mark.parametrize("len_", [1, 72, 0xffffffff])
def test_send_used_len_is_taken_as_0_not_as_a_lie(run_prog, len_):
    r = run_net(run_prog, "mmio2", TX, f"vq.used_len@1={len_}")
    expect_ops(r, "init=OK send=OK send=OK")


def test_lie_seen_by_can_recv_stops_the_device(run_prog):
    # can_recv peeks at the used entry: a len past the buffer is seen there
    # (a header lie only when receive takes the buffer back).
    r = run_net(run_prog, "mmio2", host(60, 1) + READY + recv(1),
                f"vq.used_len@1={BUF_LEN + 1}")
    assert (r.op("ready")["can_recv"], r.op("receive")["rc"]) == ("0", "EBROKEN"), \
        r.describe()


MAC_BYTES = [f"net.mac@{i}=0" for i in range(1, 7)]
# name: (script entries, init error): lies at initialisation.
INIT_LIES = {
    "mac_multicast": (["net.mac@1=0x53"], "EBAD_CONFIG"),
    "mac_broadcast": ([f"net.mac@{i}=0xff" for i in range(1, 7)], "EBAD_CONFIG"),
    "mac_zero": (MAC_BYTES, "EBAD_CONFIG"),
    "mac_generation_never_settles": ([f"vdev.config_gen@{14 * k}=1" for k in range(1, 9)],
                                     "ECONFIG_UNSTABLE"),
    "device_id_not_net": (["mmio.device_id@1=2"], "EBAD_DEVICE_ID"),
    "features_ok_refused": (["vdev.features_ok@1=1"], "EFEATURES"),
    "receive_queue_size_0": (["vdev.num_max@1=0"], "EBAD_QUEUE_SIZE"),
    "transmit_queue_size_0": (["vdev.num_max@2=0"], "EBAD_QUEUE_SIZE"),
    "transmit_queue_of_1_holds_no_frame_and_header": (["vdev.num_max@2=1"],
                                                      "EBAD_QUEUE_SIZE"),
    "platform_refuses_to_share_a_receive_buffer": (["hal.share_fail@5=1"], "EDMA"),
}


MODERN_ONLY = {"mac_generation_never_settles", "features_ok_refused"}
INIT_CASES = [(name, tr) for name in sorted(INIT_LIES) for tr in ["mmio2", "mmio1", "pci"]
              if not (name in MODERN_ONLY and tr == "mmio1")]


@pytest.mark.parametrize("name,transport", INIT_CASES)
def test_init_lie_fails_init_and_holds_nothing(run_prog, name, transport):
    entries, err = INIT_LIES[name]
    if name == "device_id_not_net" and transport == "pci":
        entries = ["pci.device_id@1=0x1042"]  # a modern blk function
    r = run_net(run_prog, transport, CONFIG + send(60, 1), *entries)
    expect_ops(r, f"init={err}")


@pytest.mark.parametrize("length", [4, 6, 7])
def test_device_config_too_small_for_mac_and_status_fails_init(run_prog, length):
    # PCI: the device-specific config capability (the 3rd) says `length`
    # bytes; MAC and STATUS need 8 (5.1.4).
    r = run_net(run_prog, "pci", CONFIG + send(60, 1), "pci.layout@1=1",
                f"pci.length@3={length}")
    expect_ops(r, "init=ECONFIG_TOO_SMALL")


# ---- the model's own checks (pytest/progs/net_misuse.c) ----------------------

MISUSE = ["tx-writable-buffer", "tx-short-header", "tx-header-needs-csum", "tx-header-gso",
          "tx-header-num-buffers", "rx-readable-buffer", "rx-shorter-than-header"]


@pytest.mark.parametrize("scenario", MISUSE)
def test_model_reports_a_chain_no_net_driver_may_give(run_prog, scenario):
    proc = run_prog("net_misuse", scenario)
    assert proc.returncode == 0, f"net_misuse {scenario} failed:\n{proc.stdout}{proc.stderr}"
    assert "FINDINGS 1 last=desc-malformed" in proc.stdout, \
        f"{scenario}: expected one desc-malformed finding\n{proc.stdout}{proc.stderr[-3000:]}"


def test_model_stays_quiet_on_a_correct_header_and_frame(run_prog):
    proc = run_prog("net_misuse", "ok-header-and-frame")
    assert proc.returncode == 0 and "FINDINGS 0" in proc.stdout, \
        f"expected no finding\n{proc.stdout}{proc.stderr[-3000:]}"
