# SPDX-License-Identifier: MIT
"""virtio-console scenarios: the real driver (drivers/dev/console.c) against
the sim's console model (sim/dev/console.c) through the device seam, on
every transport, spec-conforming and lying.

Each case runs build/replay/device_scenario --device=console once (record
mode) with a workload in fuzz/dev_console.c's opcodes and a decision script
(sim/decide.h script mode), and reads its `op:` lines, the `harness:`
summary and `FINDINGS <n>`. A spec device must pass every operation with the
bytes exact both ways (the test recomputes their FNV-1a hashes); a lying
device must get an error the driver can see wherever the lie is detectable,
and every run must end with FINDINGS 0: no leak, no HAL misuse, no crash,
whatever the device said.
"""
import pytest

from scenario import expect_no_oracle_line, expect_ops, fnv, le16, pattern, run_device

TRANSPORTS = ["mmio2", "mmio1", "pci", "pci-firmware"]
MODERN = ["mmio2", "pci"]
RX_BYTES = 4096  # VIRTIO_CONSOLE_RX_BYTES: the driver's receive buffer


# ---- workloads (fuzz/dev_console.c opcodes) -------------------------------

def send(ch):
    return bytes([0, ch])


def send_bytes(n, seed):
    return b"\x01" + le16(n) + bytes([seed])


def recv(n):
    return bytes([2, n - 1])


PEEK, SIZE, IRQ = b"\x03", b"\x06", b"\x08"


def read(n):
    return b"\x04" + le16(n - 1)


def host(n, seed):
    return b"\x05" + le16(n - 1) + bytes([seed])


def emerg(ch):
    return bytes([7, ch])


# ---- running one scenario ---------------------------------------------------

def run_console(run_prog, transport, work, *script):
    return run_device(run_prog, "console", transport, work, *script)


# ---- a spec-conforming device --------------------------------------------------

SPEC_WORK = (host(16, ord("a")) + IRQ + PEEK + recv(16) + send(ord("X")) +
             send_bytes(300, 0x20) + send_bytes(0, 0) + send_bytes(4097, 7) + SIZE +
             emerg(ord("!")) + host(5000, 0x11) + read(8192) + read(8192) + recv(1) +
             send_bytes(8192, 0xF0))
SPEC_OPS = ("init=OK host_types=OK ack_interrupt=OK recv_peek=OK recv=OK send=OK "
            "send_bytes=OK send_bytes=OK send_bytes=OK size=OK emergency_write=OK "
            "host_types=OK read=OK read=OK recv=OK send_bytes=OK")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_spec_device_every_operation_succeeds_with_bytes_exact_both_ways(run_prog, transport):
    r = run_console(run_prog, transport, SPEC_WORK)
    expect_ops(r, SPEC_OPS)
    expect_no_oracle_line(r)
    assert r.harness == {"init": "OK", "ops": "15", "failed": "0", "completed": "1"}, \
        f"expected the workload to complete, got {r.harness}\n{r.describe()}"
    typed = pattern(16, ord("a"))
    assert r.op("ack_interrupt")["received"] == "1", r.describe()
    assert (r.op("recv_peek")["bytes"], r.op("recv_peek")["fnv"]) == ("1", fnv(typed[:1]))
    assert (r.op("recv")["bytes"], r.op("recv")["fnv"]) == ("16", fnv(typed)), r.describe()
    # Driver to host: what the device read is exactly what was sent.
    assert r.op("send")["fnv"] == fnv(b"X"), r.describe()
    for nth, (n, seed) in enumerate([(300, 0x20), (0, 0), (4097, 7)], 1):
        o = r.op("send_bytes", nth)
        assert (o["device_read"], o["fnv"]) == (str(n), fnv(pattern(n, seed))), \
            f"send_bytes #{nth} of {n} bytes: got {o}\n{r.describe()}"
    assert r.op("emergency_write")["fnv"] == fnv(b"!"), r.describe()
    o = r.op("send_bytes", 4)
    assert (o["device_read"], o["fnv"]) == ("8192", fnv(pattern(8192, 0xF0))), r.describe()
    # Host to driver: 5000 bytes fill the receive buffer once, then the rest.
    big = pattern(5000, 0x11)
    assert [(r.op("read", i)["bytes"], r.op("read", i)["fnv"]) for i in (1, 2)] == \
        [(str(RX_BYTES), fnv(big[:RX_BYTES])), (str(5000 - RX_BYTES), fnv(big[RX_BYTES:]))], \
        r.describe()
    assert r.op("recv", 2)["bytes"] == "0", r.describe()
    assert (r.op("size")["known"], r.op("size")["cols"], r.op("size")["rows"]) == \
        ("1", "80", "25"), r.describe()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_default_workload_runs_every_operation_clean(run_prog, transport):
    r = run_console(run_prog, transport, b"")
    expect_no_oracle_line(r)
    assert all(o["rc"] == "OK" for o in r.ops) and r.harness["completed"] == "1", r.describe()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_device_without_size_and_emergency_write(run_prog, transport):
    # Offered: VERSION_1 and the ring features only (legacy drops bit 32).
    r = run_console(run_prog, transport, SIZE + emerg(ord("E")) + send(ord("s")),
                    "vdev.features@1=0x130000000")
    expect_ops(r, "init=OK size=OK emergency_write=EUNSUPPORTED send=OK")
    assert r.op("size")["known"] == "0", r.describe()
    assert r.op("emergency_write")["device_read"] == "0", r.describe()
    expect_no_oracle_line(r)


@pytest.mark.parametrize("transport", MODERN)
def test_config_generation_changing_once_is_read_again(run_prog, transport):
    # size() reads generation, cols, rows, generation (each field read by
    # virtio_config_read brackets itself: 6 generation reads per try); the
    # 6th read sees a new generation and the pair is read again.
    r = run_console(run_prog, transport, SIZE + SIZE, "vdev.config_gen@6=1")
    expect_ops(r, "init=OK size=OK size=OK")
    assert r.op("size")["cols"] == "80" and r.op("size")["rows"] == "25", r.describe()
    expect_no_oracle_line(r)


def test_device_making_up_input_gets_exactly_what_it_wrote(run_prog):
    # Not a lie the driver can see: 3 bytes typed, 10 written. The driver
    # must hand back exactly the 10 the device wrote (7 of them decided).
    r = run_console(run_prog, "mmio2", host(3, ord("a")) + recv(16),
                    "console.rx_len@1=10", "console.rx_byte@2=0x5a")
    expect_ops(r, "init=OK host_types=OK recv=OK")
    assert r.op("recv")["bytes"] == "10", r.describe()
    assert r.op("recv")["fnv"] == fnv(b"abc\x00\x5a" + bytes(5)), r.describe()
    expect_no_oracle_line(r)


def test_short_used_len_goes_unseen_by_the_driver_but_not_by_the_model(run_prog):
    # 16 bytes written, the used entry says 3: the driver cannot know, and
    # returns 3. The model knows 13 more were sent: its check says so (an
    # oracle line today, sim/oracle.h's decision once that lands).
    r = run_console(run_prog, "mmio2", host(16, ord("a")) + recv(16), "vq.used_len@1=3")
    expect_ops(r, "init=OK host_types=OK recv=OK")
    assert r.op("recv")["bytes"] == "3", r.describe()
    assert any("13 bytes pending" in line for line in r.oracle), \
        f"expected an oracle line about 13 bytes pending\n{r.describe()}"


# ---- lying devices ---------------------------------------------------------------

RX = host(16, ord("a")) + recv(16) + send(ord("x"))
TX = send(ord("x")) + send(ord("y"))
READ = host(8, ord("a")) + read(8) + send(ord("x"))
AFTER_RX_LIE = "init=OK host_types=OK recv=EBAD_USED send=EBROKEN"
AFTER_TX_LIE = "init=OK send=EBAD_USED send=EBROKEN"

# name: (workload, script entries, expected op=rc): the first used entry is
# the receive's (RX, READ) or the first send's (TX); the first fetch is the
# receive buffer (given at init), the second the first send.
LIES = {
    "receive_used_len_0": (RX, ["vq.used_len@1=0"], AFTER_RX_LIE),
    "receive_filled_with_0_bytes": (RX, ["console.rx_len@1=0"], AFTER_RX_LIE),
    "receive_used_len_past_the_buffer": (RX, [f"vq.used_len@1={RX_BYTES + 1}"], AFTER_RX_LIE),
    "receive_used_len_huge": (RX, ["vq.used_len@1=0xffffffff"], AFTER_RX_LIE),
    "receive_used_id_never_given": (RX, ["vq.used_id@1=1"], AFTER_RX_LIE),
    "receive_used_id_out_of_range": (RX, ["vq.used_id@1=7"], AFTER_RX_LIE),
    "receive_used_idx_jumping_by_2": (RX, ["vq.used_idx@1=2"], AFTER_RX_LIE),
    "receive_never_completed_read_times_out": (
        READ, ["vq.never@1=1"], "init=OK host_types=OK read=ETIMEOUT send=EBROKEN"),
    "send_used_id_never_given": (TX, ["vq.used_id@1=1"], AFTER_TX_LIE),
    "send_used_idx_jumping_past_the_queue": (TX, ["vq.used_idx@1=3"], AFTER_TX_LIE),
    "send_never_completed": (TX, ["vq.never@2=1"], "init=OK send=ETIMEOUT send=EBROKEN"),
    "send_completed_too_late": (TX, [f"vq.defer@{i}=1" for i in range(1, 25)],
                                "init=OK send=ETIMEOUT send=EBROKEN"),
    "receive_queue_size_0": (TX, ["vdev.num_max@1=0"], "init=EBAD_QUEUE_SIZE"),
    "transmit_queue_size_0": (TX, ["vdev.num_max@2=0"], "init=EBAD_QUEUE_SIZE"),
    "platform_refuses_to_share_the_receive_buffer": (TX, ["hal.share_fail@1=1"], "init=EDMA"),
}


# A used len on a chain the device only reads (2.7.8.1 wants 0) counts no
# byte the driver reads back: the queue takes it as 0, not as a lie
# (drivers/queue/split.c). QEMU 7.2's virtio-input statusq gives the bytes
# it read; a driver that stopped on it would not run on QEMU.
@pytest.mark.parametrize("len_", [1, 0xffffffff])
def test_send_used_len_is_taken_as_0_not_as_a_lie(run_prog, len_):
    r = run_console(run_prog, "mmio2", TX, f"vq.used_len@1={len_}")
    expect_ops(r, "init=OK send=OK send=OK")


@pytest.mark.parametrize("transport", ["mmio2", "mmio1", "pci"])
@pytest.mark.parametrize("name", sorted(LIES))
def test_lie_is_an_error_not_a_success(run_prog, name, transport):
    work, entries, want = LIES[name]
    r = run_console(run_prog, transport, work, *entries)
    expect_ops(r, want)
    assert r.harness["completed"] == "0" or want.startswith("init=E"), \
        f"a device caught lying must be stopped (completed=0), got {r.harness}\n{r.describe()}"


@pytest.mark.parametrize("transport", MODERN)
def test_config_generation_never_settling_is_an_error_and_the_device_stays(run_prog,
                                                                          transport):
    # Every try's closing generation read (each 6th) sees a new generation.
    bumps = [f"vdev.config_gen@{6 * k}=1" for k in range(1, 9)]
    r = run_console(run_prog, transport, SIZE + send(ord("x")), *bumps)
    expect_ops(r, "init=OK size=ECONFIG_UNSTABLE send=OK")
    assert r.op("send")["fnv"] == fnv(b"x"), r.describe()


@pytest.mark.parametrize("transport", ["mmio2", "mmio1", "pci"])
def test_spurious_interrupt_status_is_harmless(run_prog, transport):
    r = run_console(run_prog, transport, IRQ + PEEK + send(ord("x")), "vdev.isr@1=0xff")
    expect_ops(r, "init=OK ack_interrupt=OK recv_peek=OK send=OK")
    assert (r.op("ack_interrupt")["received"], r.op("recv_peek")["bytes"]) == ("0", "0")
    expect_no_oracle_line(r)


def test_read_with_nothing_typed_times_out_and_stops_the_device(run_prog):
    # Not a lie: the blocking read waits at most the poll budget, then
    # resets the device as after any timeout (console.h says so).
    r = run_console(run_prog, "mmio2", read(4) + send(ord("x")))
    expect_ops(r, "init=OK read=ETIMEOUT send=EBROKEN")
    expect_no_oracle_line(r)
