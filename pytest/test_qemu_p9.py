# SPDX-License-Identifier: MIT
"""The real virtio-9p driver on QEMU's virtio-9p (bare-metal riscv64 port,
port/riscv64/p9_conformance.c) on virtio-mmio v2, v1 (legacy), virtio-pci,
and the packed ring on MMIO v2 and PCI.

The test makes a directory with one known file (data.bin: byte i is
i * 7 + i // 251 + 3, 20000 bytes) and exports it with the table's p9
arguments (fuzz/devices.def: -fsdev local, security_model=none) under the
mount tag "vfuzz9p". The guest, a minimal 9P2000.L client over the driver,
checks the mount tag, negotiates 9P2000.L, attaches, walks to a missing
name (Rlerror ENOENT) and to the file, opens it, reads it to its end and
checks every byte. Missing QEMU or cross tools fail the tests.
"""
import shutil
import tempfile
from pathlib import Path

import pytest

import qemu_helpers as q

FILE_LEN = 20000  # port/riscv64/p9_conformance.c: P9_FILE_LEN
TAG = "vfuzz9p"
ENOENT = 2


def file_bytes():
    return bytes((i * 7 + i // 251 + 3) & 0xFF for i in range(FILE_LEN))


# name -> (bus, legacy MMIO, device options); a run's transport is the name
# before any "-".
TRANSPORTS = {"mmio2": ("mmio", False, {}), "mmio1": ("mmio", True, {}), "pci": ("pci", False, {}),
              "mmio2-packed": ("mmio", False, {"packed": "on"}),
              "pci-packed": ("pci", False, {"packed": "on"})}


@pytest.fixture(scope="session")
def port_build():
    return q.build_port()


@pytest.fixture(scope="module", params=sorted(TRANSPORTS))
def p9_run(request, port_build):
    bus, legacy, options = TRANSPORTS[request.param]
    export = Path(tempfile.mkdtemp(prefix="vfz9p-", dir="/tmp"))
    try:
        (export / "data.bin").write_bytes(file_bytes())
        dev = q.Device("p9", bus, values={"dir": export, "tag": TAG},
                       options={**({"romfile": ""} if bus == "pci" else {}), **options})
        run = q.run_qemu(port_build / "p9_conformance.elf", [dev], legacy_mmio=legacy)
        # The export is read only: the file is as the test wrote it.
        assert (export / "data.bin").read_bytes() == file_bytes(), run.describe()
    finally:
        shutil.rmtree(export, ignore_errors=True)
    return request.param, run


def test_qemu_p9_runs_to_done_with_matching_exit_status(p9_run):
    _, run = p9_run
    assert run.done is not None, f"no DONE line (crash or hang?)\n{run.describe()}"
    assert run.returncode == min(run.done[1], 255), \
        f"exit status {run.returncode} does not match fail={run.done[1]}\n{run.describe()}"


def test_guest_reads_the_exported_file_byte_for_byte(p9_run):
    name, run = p9_run
    name = name.split("-")[0]
    transports = {r["transport"] for r in run.results}
    assert transports == {name}, f"expected one 9p device on {name}, got {transports}\n" \
                                 f"{run.describe()}"
    failed = [f"{r['test']}={r['value']}" for r in run.results if not r["ok"]]
    assert not failed, f"guest checks failed: {failed}\n{run.describe()}"
    want = {"init": "OK", "tag": TAG, "version": f"R{101}", "msize": "8192",
            "dialect": "9P2000.L", "attach": "R105", "walk_missing": "Rlerror",
            "walk": "R111", "lopen": "R13", "read_calls": "R117",
            "read_bytes": str(FILE_LEN), "read_mismatches": "0", "clunk_file": "R121",
            "clunk_root": "R121", "leaks": "0", "hal_misuse": "0"}
    got = {r["test"]: r["value"] for r in run.results}
    for test, value in want.items():
        assert got.get(test) == value, f"{test}: expected {value}, got {got.get(test)}\n" \
                                       f"{run.describe()}"
    # The guest asks iounit bytes a Tread (QEMU's Rlopen gives the host
    # file's st_blksize, 4096 here; at most msize - 24): the file in
    # ceil(20000 / iounit) reads and the one that finds the end.
    iounit = int(run.info[name]["iounit"])
    assert 0 < iounit <= 8192 - 24, run.describe()
    assert int(run.info[name]["reads"]) == -(-FILE_LEN // iounit) + 1, run.describe()


def test_ring_format_is_packed_exactly_when_qemu_offers_it(p9_run):
    name, run = p9_run
    packed = TRANSPORTS[name][2].get("packed") == "on"
    info = run.info.get(name.split("-")[0], {})
    assert "features" in info, f"no INFO features line\n{run.describe()}"
    features = int(info["features"], 16)
    assert features >> 34 & 1 == packed, run.describe()
    assert features & 1, f"VIRTIO_9P_MOUNT_TAG negotiated\n{run.describe()}"
