# SPDX-License-Identifier: MIT
"""Helpers for the QEMU tests of the bare-metal riscv64 port.

Builds port/riscv64 into build/riscv64, writes disk images (a params sector
plus a host fill pattern), runs qemu-system-riscv64 on the virt machine, parses
the RESULT/WROTE/DONE lines, and checks an image after QEMU exits. The byte
patterns mirror port/riscv64/blk_conformance.c.
"""
import dataclasses
import json
import shlex
import shutil
import struct
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from helpers import vfuzz

ROOT = Path(__file__).resolve().parent.parent
PORT = ROOT / "port" / "riscv64"
BUILD = ROOT / "build" / "riscv64"
SECTOR = 512
ID_BYTES = 20
PARAMS_MAGIC = b"VFZBLKP1"
PARAMS_F_READ_ONLY = 1
QEMU = "qemu-system-riscv64"
QEMU_TIMEOUT = 30  # a run takes well under 1 s; this only bounds a hang


def require(tool, why):
    """The tool's path; a missing tool is a failure (CI installs it), not a skip."""
    path = shutil.which(tool)
    if not path:
        pytest.fail(f"{tool} not found in PATH: it is needed to {why} "
                    f"(Debian: apt-get install "
                    f"{'qemu-system-misc' if 'qemu' in tool else 'clang lld'})")
    return path


def build_port():
    """Configure (unless build/riscv64 is already configured, e.g. by the
    riscv64 preset) and build the port; returns the build directory."""
    require("cmake", "build the riscv64 port")
    require("clang", "cross-compile the riscv64 port")
    require("ld.lld", "link the riscv64 port")
    cmds = [["cmake", "--build", str(BUILD), "-j2"]]
    if not (BUILD / "CMakeCache.txt").exists():
        presets = json.loads((ROOT / "CMakePresets.json").read_text())
        if any(p["name"] == "riscv64" for p in presets.get("configurePresets", [])):
            cmds.insert(0, ["cmake", "--preset", "riscv64"])
        else:
            cmds.insert(0, ["cmake", "-S", str(PORT), "-B", str(BUILD),
                            f"-DCMAKE_TOOLCHAIN_FILE={PORT / 'toolchain.cmake'}"])
    for cmd in cmds:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if proc.returncode:
            pytest.fail(f"building the riscv64 port failed: {' '.join(cmd)}\n"
                        f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return BUILD


# ---- patterns (port/riscv64/blk_conformance.c: fill_sector) -------------

def _ramp(step, add):
    return bytes((i * step + add) & 0xFF for i in range(12, SECTOR))


_RAMPS = {True: _ramp(7, 0xA7), False: _ramp(3, 0x3C)}
_SHIFT = [bytes((x + k) & 0xFF for x in range(256)) for k in range(256)]


def sector_pattern(sector, guest):
    """The 512 bytes the guest (guest=True) or the host writes to `sector`."""
    mul = 31 if guest else 17
    tail = _RAMPS[guest].translate(_SHIFT[(sector * mul) & 0xFF])
    return struct.pack("<Q", sector) + (b"GUES" if guest else b"HOST") + tail


def params_sector(sectors, serial, read_only):
    raw = serial.encode()
    assert len(raw) <= ID_BYTES, "virtio-blk ids are at most 20 bytes"
    body = PARAMS_MAGIC + struct.pack("<QII", sectors,
                                      PARAMS_F_READ_ONLY if read_only else 0, 0)
    body += raw.ljust(ID_BYTES, b"\0")
    return body.ljust(SECTOR, b"\0")


def make_disk(path, sectors, serial, read_only=False):
    """A raw image: params in sector 0, the host pattern everywhere else."""
    with open(path, "wb") as f:
        f.write(params_sector(sectors, serial, read_only))
        for s in range(1, sectors):
            f.write(sector_pattern(s, guest=False))
    return path


# ---- running QEMU ----------------------------------------------------------

def device_args(device, bus, index, options=None, **values):
    """QEMU arguments of one `device` of the table (fuzz/devices.def) on
    `bus` ("mmio" or "pci"): its template filled with {bus}, {id} (unique
    per index) and `values` ({disk}, {serial}, {chardev}...); `options`
    (key=value) go on its virtio device, and on PCI the device is modern
    only (disable-legacy=on)."""
    table = {name: qemu for name, _, qemu in vfuzz.toolchain.devices()}
    if device not in table:
        pytest.fail(f"device {device!r} is not in fuzz/devices.def ({', '.join(table)})")
    if not table[device]:
        pytest.fail(f"device {device!r} has no QEMU device (its QEMU arguments in fuzz/devices.def are \"\")")
    fill = dict(values, bus="device" if bus == "mmio" else "pci", id=f"{device}{index}")
    args = [arg.format(**fill) for arg in shlex.split(table[device])]
    front = None
    for i, arg in enumerate(args):
        if i and args[i - 1] == "-device" and arg.split(",")[0].endswith(
                "-device" if bus == "mmio" else "-pci"):
            front = i
    if front is None:
        pytest.fail(f"no virtio {bus} device in the QEMU arguments of {device}: {args}")
    extra = dict(options or {})
    if bus == "pci":
        extra.setdefault("disable-legacy", "on")
    args[front] += "".join(f",{k}={v}" for k, v in extra.items())
    return args


@dataclasses.dataclass
class Disk:
    """One virtio-blk device: its image and how QEMU presents it."""
    path: Path
    sectors: int
    serial: str
    bus: str = "mmio"          # "mmio" or "pci"
    read_only: bool = False
    options: dict = dataclasses.field(default_factory=dict)  # queue-size, ...

    def qemu_args(self, index):
        args = device_args("blk", self.bus, index, self.options,
                           disk=self.path, serial=self.serial)
        if self.read_only:
            args[args.index("-drive") + 1] += ",readonly=on"
        return args


@dataclasses.dataclass
class Device:
    """Any device of the table on one bus, with the values its QEMU
    arguments name (fuzz/devices.def: {disk}, {chardev}, ...)."""
    name: str
    bus: str = "mmio"          # "mmio" or "pci"
    values: dict = dataclasses.field(default_factory=dict)
    options: dict = dataclasses.field(default_factory=dict)

    def qemu_args(self, index):
        return device_args(self.name, self.bus, index, self.options, **self.values)


@dataclasses.dataclass
class Run:
    cmd: list
    returncode: int
    output: str
    results: list      # dicts: transport, test, value, ok (bool)
    wrote: list        # (transport, sector, count)
    done: tuple        # (pass, fail) or None
    info: dict         # transport -> {key: value} from INFO lines

    def by_transport(self):
        out = {}
        for r in self.results:
            out.setdefault(r["transport"], {})[r["test"]] = r
        return out

    def describe(self):
        return f"$ {' '.join(self.cmd)}\nexit {self.returncode}\n{self.output}"


def _fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)


def parse(output):
    """RESULT, WROTE and DONE lines; see parse_info for INFO lines."""
    results, wrote, done = [], [], None
    for line in output.splitlines():
        if line.startswith("RESULT "):
            f = _fields(line)
            results.append({"transport": f["transport"], "test": f["test"],
                            "value": unquote(f["value"]), "ok": f["ok"] == "1"})
        elif line.startswith("WROTE "):
            f = _fields(line)
            wrote.append((f["transport"], int(f["sector"]), int(f["count"])))
        elif line.startswith("DONE "):
            f = _fields(line)
            done = (int(f["pass"]), int(f["fail"]))
    return results, wrote, done


def parse_info(output):
    info = {}
    for line in output.splitlines():
        if line.startswith("INFO "):
            f = _fields(line)
            info.setdefault(f.pop("transport"), {}).update(f)
    return info


def qemu_command(elf, devices, legacy_mmio=False):
    """The command that boots `elf` on the virt machine with `devices` (each
    has qemu_args(index): Disk, Device); no network, no firmware."""
    qemu = require(QEMU, "run the bare-metal riscv64 port")
    cmd = [qemu, "-machine", "virt", "-bios", "none", "-nographic",
           "-monitor", "none", "-nic", "none", "-smp", "1", "-m", "128M",
           "-no-reboot", "-kernel", str(elf),
           "-global", f"virtio-mmio.force-legacy={'true' if legacy_mmio else 'false'}"]
    for i, d in enumerate(devices):
        cmd += d.qemu_args(i)
    return cmd


def run_qemu(elf, disks, legacy_mmio=False, timeout=QEMU_TIMEOUT):
    """Boot `elf` with `disks` (any devices) and wait for it to exit."""
    cmd = qemu_command(elf, disks, legacy_mmio)
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        pytest.fail(f"QEMU did not finish within {timeout}s\n$ {' '.join(cmd)}\n{out}")
    output = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    results, wrote, done = parse(output)
    return Run(cmd, proc.returncode, output, results, wrote, done,
               parse_info(output))


def image_problems(path, sectors, wrote):
    """Sectors of the image that are not exactly what they should be:
    params in 0, the guest pattern where the guest wrote, the host fill
    elsewhere. `wrote` is a list of (sector, count)."""
    written = set()
    for start, count in wrote:
        written.update(range(start, start + count))
    data = Path(path).read_bytes()
    problems = []
    if len(data) != sectors * SECTOR:
        problems.append(f"image is {len(data)} bytes, expected {sectors * SECTOR}")
    for s in range(min(sectors, len(data) // SECTOR)):
        got = data[s * SECTOR:(s + 1) * SECTOR]
        if s == 0:
            ok = got[:8] == PARAMS_MAGIC
            want = "params"
        else:
            ok = got == sector_pattern(s, guest=s in written)
            want = "guest pattern" if s in written else "host fill"
        if not ok:
            problems.append(f"sector {s}: expected {want}, got {got[:16].hex()}...")
    return problems
