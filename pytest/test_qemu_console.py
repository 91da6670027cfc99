# SPDX-License-Identifier: MIT
"""The real virtio-console driver on QEMU's virtconsole (bare-metal riscv64
port), bytes exact both ways, on virtio-mmio v2, virtio-mmio v1 (legacy) and
virtio-pci.

QEMU runs port/riscv64/console_conformance.elf with the table's console
arguments (fuzz/devices.def): a virtio-serial device whose virtconsole on
port 0 is a unix socket this test serves. The test writes the host's bytes
into the socket, reads the guest's until QEMU exits, then checks both and
the guest's RESULT lines. QEMU is always killed in the end; every wait is
bounded. Missing QEMU or cross tools fail the tests (CI installs them).
"""
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import qemu_helpers as q

# port/riscv64/console_conformance.c's plan.
HOST_BYTES = 6000
SINGLE = 16
CHUNKS = [1, 2, 3, 64, 511, 512, 4095, 4096, 4097, 8000, 0]
EMERG = b"EMRG"
TIMEOUT = 40  # a run takes about 1 s; this only bounds a hang


def host_bytes():
    return bytes((i * 7 + 3) & 0xFF for i in range(HOST_BYTES))


def guest_bytes(emerg):
    n = SINGLE + sum(CHUNKS)
    return bytes((i * 13 + 5) & 0xFF for i in range(n)) + (EMERG if emerg else b"")


class ConsoleRun:
    """One QEMU run: the guest's UART output parsed, and what the host got."""

    def __init__(self, cmd, returncode, output, received):
        self.cmd, self.returncode, self.output, self.received = cmd, returncode, output, received
        self.results, _, self.done = q.parse(output)
        self.info = q.parse_info(output)

    def describe(self):
        return (f"$ {' '.join(map(str, self.cmd))}\nexit {self.returncode}\n"
                f"host received {len(self.received)} bytes\n{self.output}")


def run_console(elf, bus, legacy, chunks, options=None):
    """Boot `elf` with one console on `bus` whose socket this side serves:
    send `chunks` of the host's bytes (a short pause between them), read
    until QEMU closes the socket."""
    tmp = Path(tempfile.mkdtemp(prefix="vfzcon-", dir="/tmp"))  # sun_path is short
    sock_path = tmp / "console.sock"
    log = tmp / "uart.txt"
    dev = q.Device("console", bus, values={"socket": sock_path}, options=options or {})
    cmd = q.qemu_command(elf, [dev], legacy_mmio=legacy)
    received = b""
    deadline = time.monotonic() + TIMEOUT
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    conn = None
    try:
        while not sock_path.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"QEMU made no socket at {sock_path}\n$ {' '.join(map(str, cmd))}\n"
                            f"{log.read_text(errors='replace')}")
            time.sleep(0.01)
        # QEMU binds the socket before it listens: a connect in between is
        # refused (seen under load), so retry until the deadline.
        while True:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                conn.connect(str(sock_path))
                break
            except ConnectionRefusedError:
                conn.close()
                conn = None
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"QEMU never listened on {sock_path}\n{log.read_text(errors='replace')}")
                time.sleep(0.02)
        for i, chunk in enumerate(chunks):
            if i:
                time.sleep(0.2)  # the guest drains and waits: its interrupt path
            conn.sendall(chunk)
        while time.monotonic() < deadline:
            conn.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = conn.recv(65536)
            except socket.timeout:
                break
            if not data:
                break  # QEMU exited
            received += data
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    finally:
        if conn is not None:
            conn.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        output = log.read_text(errors="replace")
        shutil.rmtree(tmp, ignore_errors=True)
    return ConsoleRun(cmd, proc.returncode, output, received)


# name: (bus, legacy MMIO, QEMU options); the results name the transport
# before any "-" (mmio2-packed: mmio2).
TRANSPORTS = {"mmio2": ("mmio", False, {}), "mmio1": ("mmio", True, {}), "pci": ("pci", False, {}),
              "mmio2-packed": ("mmio", False, {"packed": "on"}),
              "pci-packed": ("pci", False, {"packed": "on"})}


@pytest.fixture(scope="session")
def port_build():
    return q.build_port()


@pytest.fixture(scope="module", params=sorted(TRANSPORTS))
def console_run(request, port_build):
    bus, legacy, options = TRANSPORTS[request.param]
    data = host_bytes()
    chunks = [data[:2500], data[2500:5000], data[5000:]]
    return request.param.split("-")[0], run_console(port_build / "console_conformance.elf", bus,
                                                    legacy, chunks, options)


def test_qemu_console_runs_to_done_with_matching_exit_status(console_run):
    _, run = console_run
    assert run.done is not None, f"no DONE line (crash or hang?)\n{run.describe()}"
    assert run.returncode == min(run.done[1], 255), \
        f"exit status {run.returncode} does not match fail={run.done[1]}\n{run.describe()}"


def test_guest_checks_pass_on_one_console_of_the_transport(console_run):
    name, run = console_run
    transports = {r["transport"] for r in run.results}
    assert transports == {name}, f"expected one console on {name}, got {transports}\n" \
                                 f"{run.describe()}"
    failed = [f"{r['test']}={r['value']}" for r in run.results if not r["ok"]]
    assert not failed, f"guest checks failed: {failed}\n{run.describe()}"
    want = {"init": "OK", "rx_calls": "OK", "rx_bytes": str(HOST_BYTES), "rx_mismatches": "0",
            "rx_peek_then_pop": "0", "tx_bytes": str(SINGLE + sum(CHUNKS)), "leaks": "0",
            "hal_misuse": "0"}
    got = {r["test"]: r["value"] for r in run.results}
    for test, value in want.items():
        assert got.get(test) == value, f"{test}: expected {value}, got {got.get(test)}\n" \
                                       f"{run.describe()}"


def test_guest_receives_the_host_bytes_exactly(console_run):
    _, run = console_run
    got = {r["test"]: r for r in run.results}
    assert got.get("rx_bytes", {}).get("value") == str(HOST_BYTES) and \
        got.get("rx_mismatches", {}).get("value") == "0", \
        f"the guest should receive the host's {HOST_BYTES} bytes unchanged\n{run.describe()}"


def test_host_receives_the_guest_bytes_exactly(console_run):
    name, run = console_run
    emerg = run.info.get(name, {}).get("emerg") == "1"
    want = guest_bytes(emerg)
    got = run.received
    if got != want:
        at = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
        pytest.fail(f"the host should receive the guest's {len(want)} bytes exactly "
                    f"(emergency writes: {emerg}); got {len(got)}, first difference at {at}\n"
                    f"{run.describe()}")


def test_qemu_offers_emergency_write_and_no_size(console_run):
    # QEMU's virtio-serial: EMERG_WRITE on by default, no F_SIZE.
    name, run = console_run
    got = {r["test"]: r["value"] for r in run.results}
    assert (run.info.get(name, {}).get("emerg"), got.get("size"), got.get("emergency_write")) == \
        ("1", "none", str(len(EMERG))), run.describe()


def test_ring_format_is_packed_exactly_when_qemu_offers_it(console_run):
    name, run = console_run
    packed = any("packed=on" in str(arg) for arg in run.cmd)
    features = int(run.info.get(name, {}).get("features", "0"), 16)
    assert "features" in run.info.get(name, {}), run.describe()
    assert features >> 34 & 1 == packed, f"RING_PACKED negotiated: expected {packed}\n{run.describe()}"
