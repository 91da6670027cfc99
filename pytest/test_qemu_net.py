# SPDX-License-Identifier: MIT
"""The real virtio-net driver on QEMU's virtio-net (bare-metal riscv64 port),
frames exact both ways, on virtio-mmio v2, virtio-mmio v1 (legacy, 10-byte
header) and virtio-pci.

QEMU runs port/riscv64/net_conformance.elf with the table's net arguments
(fuzz/devices.def): a stream netdev that connects to a unix socket this test
serves, each frame behind a big-endian u32 length. The guest speaks first
(QEMU drops frames queued for a NIC its driver resets): the test reads the
guest's frames, then sends the host's, reads until QEMU exits, and checks
both and the guest's RESULT lines. QEMU is always killed in the end; every wait is
bounded. Missing QEMU or cross tools fail the tests (CI installs them).
"""
import shutil
import socket
import struct
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import qemu_helpers as q

# port/riscv64/net_conformance.c's plan.
HOST_FRAMES = 40
HOST_SIZES = [14, 60, 64, 333, 1000, 1514, 42]
TX_SIZES = [14, 60, 64, 100, 333, 1000, 1513, 1514]
MAC = "525400123456"  # the table's mac= for QEMU
TIMEOUT = 40  # a run takes about 1 s; this only bounds a hang


def host_frame(k):
    n = HOST_SIZES[k % len(HOST_SIZES)]
    return bytes((k * 31 + i * 7 + 1) & 0xFF for i in range(n))


def guest_frame(k):
    return bytes((k * 17 + i * 5 + 3) & 0xFF for i in range(TX_SIZES[k]))


class NetRun:
    """One QEMU run: the guest's UART output parsed, and the frames the host got."""

    def __init__(self, cmd, returncode, output, frames):
        self.cmd, self.returncode, self.output, self.frames = cmd, returncode, output, frames
        self.results, _, self.done = q.parse(output)
        self.info = q.parse_info(output)

    def describe(self):
        return (f"$ {' '.join(map(str, self.cmd))}\nexit {self.returncode}\n"
                f"host received {len(self.frames)} frames "
                f"{[len(f) for f in self.frames]}\n{self.output}")


def split_frames(stream):
    """The whole frames of a stream netdev's byte stream, and the rest."""
    frames = []
    while len(stream) >= 4:
        (n,) = struct.unpack(">I", stream[:4])
        if len(stream) < 4 + n:
            break
        frames.append(stream[4:4 + n])
        stream = stream[4 + n:]
    return frames, stream


def resume(qmp_path, deadline):
    """Start the paused guest through QEMU's QMP socket."""
    while True:
        try:
            qmp = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            qmp.settimeout(max(0.1, deadline - time.monotonic()))
            qmp.connect(str(qmp_path))
            break
        except (FileNotFoundError, ConnectionRefusedError):
            qmp.close()
            if time.monotonic() > deadline:
                pytest.fail(f"QEMU's QMP socket {qmp_path} never opened")
            time.sleep(0.01)
    with qmp, qmp.makefile("rwb") as f:
        f.readline()  # the greeting
        for cmd in (b'{"execute": "qmp_capabilities"}', b'{"execute": "cont"}'):
            f.write(cmd + b"\n")
            f.flush()
            reply = f.readline()
            while reply and b'"return"' not in reply and b'"error"' not in reply:
                reply = f.readline()  # events come first
            assert b'"return"' in reply, f"QMP {cmd!r} answered {reply!r}"


def run_net(elf, bus, legacy, options=None):
    """Serve the netdev's socket, boot `elf` with one net device on `bus`,
    read the guest's frames, then send the host's, and read until QEMU
    closes the socket."""
    tmp = Path(tempfile.mkdtemp(prefix="vfznet-", dir="/tmp"))  # sun_path is short
    sock_path = tmp / "net.sock"
    log = tmp / "uart.txt"
    # virtio-net-pci loads a boot ROM the port never runs (and the qemu
    # package may not ship): none.
    dev = q.Device("net", bus, values={"socket": sock_path},
                   options={**({"romfile": ""} if bus == "pci" else {}), **(options or {})})
    # QEMU's stream netdev connects while the guest already runs, and drops
    # what the guest sends before: start paused (-S) and let the guest run
    # (QMP cont) only once the socket is accepted.
    qmp_path = tmp / "qmp.sock"
    cmd = q.qemu_command(elf, [dev], legacy_mmio=legacy) + [
        "-S", "-qmp", f"unix:{qmp_path},server=on,wait=off"]
    deadline = time.monotonic() + TIMEOUT
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(sock_path))
    server.listen(1)
    server.settimeout(TIMEOUT)
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    conn, stream = None, b""
    try:
        try:
            conn, _ = server.accept()
        except socket.timeout:
            pytest.fail(f"QEMU never connected to {sock_path}\n$ {' '.join(map(str, cmd))}\n"
                        f"{log.read_text(errors='replace')}")
        resume(qmp_path, deadline)
        sent = False
        while time.monotonic() < deadline:
            conn.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = conn.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break  # QEMU exited with frames of ours unread
            if not data:
                break  # QEMU exited
            stream += data
            if not sent and len(split_frames(stream)[0]) >= len(TX_SIZES):
                for k in range(HOST_FRAMES):
                    f = host_frame(k)
                    conn.sendall(struct.pack(">I", len(f)) + f)
                sent = True
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    finally:
        for s in (conn, server):
            if s is not None:
                s.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        output = log.read_text(errors="replace")
        shutil.rmtree(tmp, ignore_errors=True)
    frames, _ = split_frames(stream)
    return NetRun(cmd, proc.returncode, output, frames)


# name -> (bus, legacy MMIO, device options); the transport a run reports is
# the name before any "-" (mmio2-packed: mmio2).
TRANSPORTS = {"mmio2": ("mmio", False, {}), "mmio1": ("mmio", True, {}), "pci": ("pci", False, {}),
              "mmio2-packed": ("mmio", False, {"packed": "on"}),
              "pci-packed": ("pci", False, {"packed": "on"})}


@pytest.fixture(scope="session")
def port_build():
    return q.build_port()


@pytest.fixture(scope="module", params=sorted(TRANSPORTS))
def net_run(request, port_build):
    bus, legacy, options = TRANSPORTS[request.param]
    return request.param, run_net(port_build / "net_conformance.elf", bus, legacy, options)


def test_qemu_net_runs_to_done_with_matching_exit_status(net_run):
    _, run = net_run
    assert run.done is not None, f"no DONE line (crash or hang?)\n{run.describe()}"
    assert run.returncode == min(run.done[1], 255), \
        f"exit status {run.returncode} does not match fail={run.done[1]}\n{run.describe()}"


def test_guest_checks_pass_on_one_net_device_of_the_transport(net_run):
    name, run = net_run
    name = name.split("-")[0]
    transports = {r["transport"] for r in run.results}
    assert transports == {name}, f"expected one net device on {name}, got {transports}\n" \
                                 f"{run.describe()}"
    failed = [f"{r['test']}={r['value']}" for r in run.results if not r["ok"]]
    assert not failed, f"guest checks failed: {failed}\n{run.describe()}"
    want = {"init": "OK", "mac": MAC, "link": "up", "rx_calls": "OK",
            "rx_frames": str(HOST_FRAMES), "rx_mismatches": "0",
            "tx_frames": str(len(TX_SIZES)), "leaks": "0", "hal_misuse": "0"}
    got = {r["test"]: r["value"] for r in run.results}
    for test, value in want.items():
        assert got.get(test) == value, f"{test}: expected {value}, got {got.get(test)}\n" \
                                       f"{run.describe()}"


def test_header_is_ten_bytes_on_legacy_and_twelve_on_modern(net_run):
    # 5.1.6.1: the legacy header has no num_buffers without MRG_RXBUF.
    name, run = net_run
    name = name.split("-")[0]
    want = "10" if name == "mmio1" else "12"
    assert run.info.get(name, {}).get("hdr") == want, run.describe()


def test_host_receives_the_guest_frames_exactly(net_run):
    _, run = net_run
    want = [guest_frame(k) for k in range(len(TX_SIZES))]
    assert [len(f) for f in run.frames] == TX_SIZES, \
        f"the host should get {len(TX_SIZES)} frames of {TX_SIZES} bytes\n{run.describe()}"
    bad = [k for k, (a, b) in enumerate(zip(run.frames, want)) if a != b]
    assert not bad, f"frames {bad} differ from what the guest sent\n{run.describe()}"


def test_ring_format_is_packed_exactly_when_qemu_offers_it(net_run):
    """QEMU's packed=on offers VIRTIO_F_RING_PACKED (bit 34): the driver
    takes it, and both queues then run the packed ring."""
    name, run = net_run
    packed = TRANSPORTS[name][2].get("packed") == "on"
    info = run.info.get(name.split("-")[0], {})
    assert "features" in info, f"no INFO features line\n{run.describe()}"
    got = int(info["features"], 16) >> 34 & 1
    assert got == packed, f"RING_PACKED negotiated: expected {packed}, got {got}\n{run.describe()}"
