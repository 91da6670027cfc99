# SPDX-License-Identifier: MIT
"""The real virtio-gpu driver on QEMU's virtio-gpu (bare-metal riscv64 port),
on virtio-mmio v2, virtio-mmio v1 (legacy) and virtio-pci, with -display
none: the resolution QEMU reports, and QEMU's scanout pixel for pixel.

QEMU runs port/riscv64/gpu_conformance.elf with the table's gpu arguments
(fuzz/devices.def), paused (-S) behind a QMP socket. The test lets it run,
waits for the guest's SHOWN line (the pattern drawn and flushed), stops the
guest, takes QEMU's `screendump` (a PPM of what the scanout shows), lets it
finish, and compares every pixel with the guest's pattern and the guest's
RESULT lines with what QEMU must answer. QEMU is always killed in the end;
every wait is bounded. Missing QEMU or cross tools fail the tests (CI
installs them).
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

TIMEOUT = 60  # a run takes about 4 s (3 s of them the guest's hold)


def pattern(w, h):
    """port/riscv64/gpu_conformance.c's pattern as the PPM holds it: R, G, B
    (the framebuffer is B8G8R8A8)."""
    out = bytearray(w * h * 3)
    i = 0
    for y in range(h):
        for x in range(w):
            out[i] = (3 * x + 5 * y + 1) & 0xFF
            out[i + 1] = ((7 * x) ^ y) & 0xFF
            out[i + 2] = (x + 2 * y) & 0xFF
            i += 3
    return bytes(out)


def read_ppm(path):
    """A binary PPM (P6, maxval 255): width, height, RGB bytes."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    magic, w, h, maxval = fields
    assert magic == b"P6" and maxval == b"255", f"not a P6/255 PPM: {fields}"
    w, h = int(w), int(h)
    return w, h, data[pos + 1:pos + 1 + w * h * 3]


class Qmp:
    """A QMP connection: one command at a time, events skipped."""

    def __init__(self, path, deadline):
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.settimeout(max(0.1, deadline - time.monotonic()))
                self.sock.connect(str(path))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    pytest.fail(f"QEMU's QMP socket {path} never opened")
                time.sleep(0.01)
        self.f = self.sock.makefile("rwb")
        self.f.readline()  # the greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        msg = {"execute": name, **({"arguments": args} if args else {})}
        self.f.write(json.dumps(msg).encode() + b"\n")
        self.f.flush()
        while True:
            line = self.f.readline()
            assert line, f"QMP closed while waiting for {name}"
            reply = json.loads(line)
            if "return" in reply:
                return reply["return"]
            assert "error" not in reply, f"QMP {name} answered {reply}"

    def close(self):
        self.f.close()
        self.sock.close()


class GpuRun:
    def __init__(self, cmd, returncode, output, shot):
        self.cmd, self.returncode, self.output, self.shot = cmd, returncode, output, shot
        self.results, _, self.done = q.parse(output)
        self.info = q.parse_info(output)

    def describe(self):
        shot = "no screendump" if self.shot is None else f"screendump {self.shot[:2]}"
        return f"$ {' '.join(map(str, self.cmd))}\nexit {self.returncode}\n{shot}\n{self.output}"


def run_gpu(elf, bus, legacy, options):
    tmp = Path(tempfile.mkdtemp(prefix="vfzgpu-", dir="/tmp"))  # sun_path is short
    log, qmp_path, ppm = tmp / "uart.txt", tmp / "qmp.sock", tmp / "screen.ppm"
    # virtio-gpu-pci loads a VGA ROM the port never runs: none.
    dev = q.Device("gpu", bus, options={**({"romfile": ""} if bus == "pci" else {}),
                                        **options})
    cmd = q.qemu_command(elf, [dev], legacy_mmio=legacy) + [
        "-display", "none", "-S", "-qmp", f"unix:{qmp_path},server=on,wait=off"]
    deadline = time.monotonic() + TIMEOUT
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
    qmp, shot = None, None
    try:
        qmp = Qmp(qmp_path, deadline)
        qmp.cmd("cont")
        while time.monotonic() < deadline and proc.poll() is None:
            if b"SHOWN " in log.read_bytes():
                # The guest holds the display: stop it (its clock stops
                # too), take the scanout, let it tear down.
                qmp.cmd("stop")
                qmp.cmd("screendump", filename=str(ppm))
                shot = read_ppm(ppm)
                qmp.cmd("cont")
                break
            time.sleep(0.01)
        qmp.close()
        qmp = None
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    finally:
        if qmp is not None:
            qmp.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        output = log.read_text(errors="replace")
        shutil.rmtree(tmp, ignore_errors=True)
    return GpuRun(cmd, proc.returncode, output, shot)


# name -> (bus, legacy MMIO, device options, the mode QEMU must report);
# the transport a run reports is the name before any "-".
TRANSPORTS = {
    "mmio2": ("mmio", False, {}, (1280, 800)),
    "mmio1-640x480": ("mmio", True, {"xres": 640, "yres": 480}, (640, 480)),
    "pci": ("pci", False, {}, (1280, 800)),
    "pci-800x600": ("pci", False, {"xres": 800, "yres": 600}, (800, 600)),
}


@pytest.fixture(scope="session")
def port_build():
    return q.build_port()


@pytest.fixture(scope="module", params=sorted(TRANSPORTS))
def gpu_run(request, port_build):
    bus, legacy, options, _ = TRANSPORTS[request.param]
    return request.param, run_gpu(port_build / "gpu_conformance.elf", bus, legacy, options)


def test_qemu_gpu_runs_to_done_with_matching_exit_status(gpu_run):
    _, run = gpu_run
    assert run.done is not None, f"no DONE line (crash or hang?)\n{run.describe()}"
    assert run.returncode == min(run.done[1], 255), \
        f"exit status {run.returncode} does not match fail={run.done[1]}\n{run.describe()}"


def test_guest_checks_pass_with_the_mode_qemu_has(gpu_run):
    name, run = gpu_run
    w, h = TRANSPORTS[name][3]
    transport = name.split("-")[0]
    assert {r["transport"] for r in run.results} == {transport}, run.describe()
    failed = [f"{r['test']}={r['value']}" for r in run.results if not r["ok"]]
    assert not failed, f"guest checks failed: {failed}\n{run.describe()}"
    want = {"init": "OK", "resolution": f"{w}x{h}", "events": "0",
            "framebuffer": f"{w}x{h}", "flush": "OK", "cursor": "OK",
            "move_cursor": "OK", "leaks": "0", "hal_misuse": "0"}
    got = {r["test"]: r["value"] for r in run.results}
    for test, value in want.items():
        assert got.get(test) == value, f"{test}: expected {value}, got {got.get(test)}\n" \
                                       f"{run.describe()}"


def test_driver_declines_edid_and_virgl(gpu_run):
    # QEMU offers EDID (bit 1); the 2D driver takes no device feature.
    name, run = gpu_run
    info = run.info.get(name.split("-")[0], {})
    assert "features" in info, f"no INFO features line\n{run.describe()}"
    assert int(info["features"], 16) & 0xFFFFFF == 0, run.describe()
    assert info.get("num_scanouts") == "1", run.describe()


def test_qemu_scanout_shows_exactly_the_drawn_pattern(gpu_run):
    name, run = gpu_run
    w, h = TRANSPORTS[name][3]
    assert run.shot is not None, f"no screendump taken (no SHOWN line?)\n{run.describe()}"
    sw, sh, pixels = run.shot
    assert (sw, sh) == (w, h), f"the scanout is {sw}x{sh}, expected {w}x{h}\n{run.describe()}"
    want = pattern(w, h)
    if pixels != want:
        bad = next(i for i in range(len(want)) if pixels[i] != want[i]) // 3
        diff = sum(pixels[i:i + 3] != want[i:i + 3] for i in range(0, len(want), 3))
        pytest.fail(f"{diff} of {w * h} pixels differ; the first at x={bad % w} "
                    f"y={bad // w}: {pixels[bad * 3:bad * 3 + 3].hex()} "
                    f"(expected {want[bad * 3:bad * 3 + 3].hex()})\n{run.describe()}")
