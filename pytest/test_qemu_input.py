# SPDX-License-Identifier: MIT
"""The real virtio-input driver on QEMU's virtio-keyboard (bare-metal
riscv64 port): its config answers as QEMU 7.2 has them, and key presses
injected through QMP input-send-event arriving exactly (type, code, value,
order), on virtio-mmio v2, virtio-mmio v1 (legacy), virtio-pci, and with
packed=on.

QEMU runs port/riscv64/input_conformance.elf with the table's input
arguments (fuzz/devices.def) and serial=; the guest checks the config,
prints READY, then pops events and prints each as an EVENT line. The test
waits for READY, sends each key command through QMP and waits for its two
events (the key, then QEMU's EV_SYN) before the next, so no event can be
dropped for want of a buffer. QEMU is always killed in the end; every wait
is bounded. Missing QEMU or cross tools fail the tests (CI installs them).
"""
import json
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import qemu_helpers as q

SERIAL = "vfuzz-kbd"
# QMP qcodes and the Linux key codes QEMU maps them to (KEY_A 30, KEY_B 48,
# KEY_C 46, KEY_LEFTSHIFT 42, KEY_1 2, KEY_ENTER 28).
KEYS = [("a", 30), ("b", 48), ("c", 46), ("shift", 42), ("1", 2), ("ret", 28)]
EV_SYN, EV_KEY = 0, 1
TIMEOUT = 40  # a run takes about 1 s; this only bounds a hang


def expected_events():
    out = []
    for _, code in KEYS:
        for down in (1, 0):
            out += [(EV_KEY, code, down), (EV_SYN, 0, 0)]
    return out


class InputRun:
    def __init__(self, cmd, returncode, output):
        self.cmd, self.returncode, self.output = cmd, returncode, output
        self.results, _, self.done = q.parse(output)
        self.info = q.parse_info(output)
        self.events = [tuple(int(f[k]) for k in ("type", "code", "value"))
                       for f in (q._fields(line) for line in output.splitlines()
                                 if line.startswith("EVENT "))]

    def describe(self):
        return f"$ {' '.join(map(str, self.cmd))}\nexit {self.returncode}\n{self.output}"


def qmp_open(path, deadline):
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            s.connect(str(path))
            return s
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            if time.monotonic() > deadline:
                pytest.fail(f"QEMU's QMP socket {path} never opened")
            time.sleep(0.01)


def qmp_cmd(f, cmd):
    f.write(json.dumps(cmd).encode() + b"\n")
    f.flush()
    reply = f.readline()
    while reply and b'"return"' not in reply and b'"error"' not in reply:
        reply = f.readline()  # events come first
    assert b'"return"' in reply, f"QMP {cmd} answered {reply!r}"


def wait_for(log, pred, deadline):
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if pred(text):
            return True
        time.sleep(0.02)
    return False


def run_input(elf, bus, legacy, options):
    tmp = Path(tempfile.mkdtemp(prefix="vfzinput-", dir="/tmp"))  # sun_path is short
    log, qmp_path = tmp / "uart.txt", tmp / "qmp.sock"
    dev = q.Device("input", bus, options={"serial": SERIAL, **options})
    cmd = q.qemu_command(elf, [dev], legacy_mmio=legacy) + [
        "-qmp", f"unix:{qmp_path},server=on,wait=off"]
    deadline = time.monotonic() + TIMEOUT
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        with qmp_open(qmp_path, deadline) as s, s.makefile("rwb") as f:
            f.readline()  # the greeting
            qmp_cmd(f, {"execute": "qmp_capabilities"})
            if wait_for(log, lambda t: "READY " in t or "DONE " in t, deadline):
                sent = 0
                for key, _ in KEYS:
                    for down in (True, False):
                        qmp_cmd(f, {"execute": "input-send-event", "arguments": {
                            "events": [{"type": "key", "data": {
                                "down": down, "key": {"type": "qcode", "data": key}}}]}})
                        sent += 2
                        if not wait_for(log, lambda t: t.count("EVENT ") >= sent or
                                        "DONE " in t, deadline):
                            break
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        output = log.read_text(errors="replace")
        shutil.rmtree(tmp, ignore_errors=True)
    return InputRun(cmd, proc.returncode, output)


# name -> (bus, legacy MMIO, device options); the transport a run reports is
# the name before any "-".
TRANSPORTS = {"mmio2": ("mmio", False, {}), "mmio1": ("mmio", True, {}), "pci": ("pci", False, {}),
              "mmio2-packed": ("mmio", False, {"packed": "on"}),
              "pci-packed": ("pci", False, {"packed": "on"})}


@pytest.fixture(scope="session")
def port_build():
    return q.build_port()


@pytest.fixture(scope="module", params=sorted(TRANSPORTS))
def input_run(request, port_build):
    bus, legacy, options = TRANSPORTS[request.param]
    return request.param, run_input(port_build / "input_conformance.elf", bus, legacy,
                                    options)


def test_qemu_input_runs_to_done_with_matching_exit_status(input_run):
    _, run = input_run
    assert run.done is not None, f"no DONE line (crash or hang?)\n{run.describe()}"
    assert run.returncode == min(run.done[1], 255), \
        f"exit status {run.returncode} does not match fail={run.done[1]}\n{run.describe()}"


def test_config_answers_are_qemus_keyboard(input_run):
    # hw/input/virtio-input-hid.c (7.2): the name, BUS_VIRTUAL and
    # 0x0627:0x0001 version 1, EV_LED with NUML, CAPSL, SCROLLL, EV_REP one
    # empty byte, EV_KEY with KEY_A, no axis, no PROP_BITS.
    name, run = input_run
    want = {"init": "OK", "name": "QEMU Virtio Keyboard", "serial": SERIAL,
            "ids": "0006:0627:0001:0001", "ev_led": "1:07", "ev_rep": "1:00",
            "ev_key_a": "1", "ev_abs": "0", "abs_x": "EUNSUPPORTED", "prop_bits": "0",
            "leaks": "0", "hal_misuse": "0"}
    transports = {r["transport"] for r in run.results}
    assert transports == {name.split("-")[0]}, \
        f"expected one input device on {name}, got {transports}\n{run.describe()}"
    got = {r["test"]: r["value"] for r in run.results}
    for test, value in want.items():
        assert got.get(test) == value, f"{test}: expected {value!r}, got " \
                                       f"{got.get(test)!r}\n{run.describe()}"
    failed = [f"{r['test']}={r['value']}" for r in run.results if not r["ok"]]
    assert not failed, f"guest checks failed: {failed}\n{run.describe()}"


def test_injected_key_presses_arrive_exactly_in_order(input_run):
    _, run = input_run
    assert run.events == expected_events(), \
        f"expected the keys {KEYS} down and up, each with EV_SYN\n" \
        f"     got {run.events}\n{run.describe()}"


def test_status_event_is_accepted_although_qemu_gives_a_used_len(input_run):
    # QEMU's virtio_input_handle_sts returns a status buffer with used len
    # 8, the bytes it read, where 2.7.8.1 wants the bytes written (0): the
    # queue takes a used len on a chain the device only reads as 0.
    name, run = input_run
    info = run.info.get(name.split("-")[0], {})
    assert info.get("status") == "OK", run.describe()


def test_ring_format_is_packed_exactly_when_qemu_offers_it(input_run):
    name, run = input_run
    packed = TRANSPORTS[name][2].get("packed") == "on"
    info = run.info.get(name.split("-")[0], {})
    assert "features" in info, f"no INFO features line\n{run.describe()}"
    got = int(info["features"], 16) >> 34 & 1
    assert got == packed, f"RING_PACKED negotiated: expected {packed}, got {got}\n{run.describe()}"
