# SPDX-License-Identifier: MIT
"""The real drivers on QEMU's virtio devices (bare-metal riscv64 port).

Each scenario boots port/riscv64's blk_conformance.elf on the virt machine
with a read-write and a read-only virtio-blk disk on one transport (MMIO v2,
MMIO v1 legacy, PCI modern) and some QEMU device options varied, then checks
the RESULT lines and, after QEMU exits, every sector of the image files.
A differential test compares QEMU's results with the sim's blk_scenario.
Missing QEMU or cross tools fail the tests (CI installs them); nothing skips.
"""
import os
import subprocess
from pathlib import Path

import pytest

import qemu_helpers as q

# name: (program, bus, legacy MMIO, read-write disk sectors, QEMU device
# options). QEMU's virtio-mmio offers QueueNumMax 1024 whatever queue-size
# says, so small queues on MMIO come from the _q4 build (VIRTIO_BLK_QUEUE_SIZE=4).
FULL, Q4 = "blk_conformance", "blk_conformance_q4"
SCENARIOS = {
    "mmio2-default": (FULL, "mmio", False, 2048, {}),
    "mmio1-legacy": (FULL, "mmio", True, 2048, {}),
    "pci-default": (FULL, "pci", False, 2048, {}),
    "mmio2-no-indirect": (FULL, "mmio", False, 1000, {"indirect_desc": "off"}),
    "mmio2-no-event-idx": (FULL, "mmio", False, 4096, {"event_idx": "off"}),
    "mmio1-no-indirect-no-event-idx": (FULL, "mmio", True, 1000,
                                       {"indirect_desc": "off", "event_idx": "off"}),
    "mmio2-q4": (Q4, "mmio", False, 2048, {}),
    "mmio2-q4-no-indirect": (Q4, "mmio", False, 1000, {"indirect_desc": "off"}),
    "mmio1-q4-no-event-idx": (Q4, "mmio", True, 1000, {"event_idx": "off"}),
    "pci-qs4-no-indirect-no-event-idx": (FULL, "pci", False, 1000,
                                         {"queue-size": 4, "indirect_desc": "off",
                                          "event_idx": "off"}),
    "pci-qs16-no-indirect": (FULL, "pci", False, 2048,
                             {"queue-size": 16, "indirect_desc": "off"}),
    "pci-qs16": (FULL, "pci", False, 4096, {"queue-size": 16}),
    "pci-qs1024-clamped": (FULL, "pci", False, 2048, {"queue-size": 1024}),
    # The packed ring (VirtIO 1.2, 2.8): QEMU offers RING_PACKED, the driver
    # takes it. Sizes need not be powers of two there.
    "mmio2-packed": (FULL, "mmio", False, 2048, {"packed": "on"}),
    "pci-packed": (FULL, "pci", False, 2048, {"packed": "on"}),
    "mmio2-q4-packed-no-indirect": (Q4, "mmio", False, 1000,
                                    {"packed": "on", "indirect_desc": "off"}),
    "pci-packed-qs4-no-indirect-no-event-idx": (FULL, "pci", False, 1000,
                                                {"packed": "on", "queue-size": 4,
                                                 "indirect_desc": "off", "event_idx": "off"}),
}
ASYNC_REQS = 24  # blk_conformance.c: non-blocking requests per phase
RO_SECTORS = 768
# Tests whose value does not depend on the transport or the device options.
RW_VALUES = {"rw1": "4", "rw8": "24", "rw_spread": "40", "async": "48", "index_wrap": "131616",
             "host_read": "12", "flush": "OK", "leaks": "0", "hal_misuse": "0",
             "init": "OK", "params": "ok", "read_bad_len": "EINVALID_PARAM"}
RO_VALUES = {"ro_write": "EREAD_ONLY", "ro_submit_write": "EREAD_ONLY",
             "ro_data_kept": "12", "host_read": "12", "leaks": "0",
             "hal_misuse": "0", "init": "OK", "params": "ok"}
# Checked by its own test, so one driver gap does not hide everything else.
SEPARATE = {"get_id_padding"}


def rw_sizes_expected(cap):
    """Sectors rw_sizes verifies: blk_conformance.c's growing-size plan."""
    at, total = 64, 0
    for size in (1, 2, 3, 4, 5, 7, 8, 16, 31, 32, 64, 128):
        if at + size > cap - 16:
            break
        at += size
        total += size
    return total


@pytest.fixture(scope="session")
def port_build():
    return q.build_port()


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def scenario(request, port_build, tmp_path_factory):
    """One QEMU run per scenario, shared by the tests below."""
    name = request.param
    prog, bus, legacy, sectors, options = SCENARIOS[name]
    tmp = tmp_path_factory.mktemp(name)
    # Long names give a 20-byte id with no NUL at all (5.2.6.3); the
    # read-only disk's id needs escaping in the RESULT line.
    rw = q.Disk(tmp / "rw.img", sectors, f"vfz-{name}"[:20], bus=bus,
                options=options)
    ro = q.Disk(tmp / "ro.img", RO_SECTORS, "vfz ro/disk#1", bus=bus,
                read_only=True, options=options)
    for d in (rw, ro):
        q.make_disk(d.path, d.sectors, d.serial, d.read_only)
    run = q.run_qemu(port_build / f"{prog}.elf", [rw, ro], legacy_mmio=legacy)
    return name, bus, legacy, rw, ro, run


def devices(run, bus, legacy):
    """{serial: results by test} for the blk devices of the run."""
    kind = "pci" if bus == "pci" else ("mmio1" if legacy else "mmio2")
    found = {}
    for transport, tests in run.by_transport().items():
        assert transport.split(".")[0] == kind, \
            f"expected only {kind} devices, found {transport}\n{run.describe()}"
        assert "get_id" in tests, f"{transport} has no get_id result\n{run.describe()}"
        found[tests["get_id"]["value"]] = tests
    return found


def test_qemu_runs_to_done_with_matching_exit_status(scenario):
    _, _, _, _, _, run = scenario
    assert run.done is not None, f"no DONE line (crash or hang?)\n{run.describe()}"
    assert run.returncode == min(run.done[1], 255), \
        f"exit status {run.returncode} does not match fail={run.done[1]}\n{run.describe()}"


def test_blk_results_match_the_disks(scenario):
    name, bus, legacy, rw, ro, run = scenario
    found = devices(run, bus, legacy)
    assert sorted(found) == sorted([rw.serial, ro.serial]), \
        f"expected the devices {rw.serial} and {ro.serial}, got {sorted(found)}\n{run.describe()}"
    for disk, values in ((rw, RW_VALUES), (ro, RO_VALUES)):
        tests = found[disk.serial]
        want = dict(values, capacity=str(disk.sectors), get_id=disk.serial,
                    read_only="1" if disk.read_only else "0")
        if not disk.read_only:
            want["rw_sizes"] = str(rw_sizes_expected(disk.sectors))
        for test, value in want.items():
            assert test in tests, f"{disk.serial}: no result for {test}\n{run.describe()}"
            assert tests[test]["value"] == value, \
                f"{disk.serial}: {test} expected {value}, got {tests[test]['value']}\n{run.describe()}"
        failed = [t for t, r in tests.items() if not r["ok"] and t not in SEPARATE]
        assert not failed, f"{disk.serial}: checks failed: {failed}\n{run.describe()}"


def test_images_hold_exactly_the_expected_patterns(scenario):
    name, bus, legacy, rw, ro, run = scenario
    for disk in (rw, ro):
        transports = {t for t, tests in run.by_transport().items()
                      if tests.get("get_id", {}).get("value") == disk.serial}
        wrote = [(s, c) for t, s, c in run.wrote if t in transports]
        if disk.read_only:
            assert not wrote, f"the guest claims writes to the read-only disk: {wrote}"
        else:
            assert wrote, f"no WROTE lines for {disk.serial}\n{run.describe()}"
        problems = q.image_problems(disk.path, disk.sectors, wrote)
        assert not problems, (f"{disk.path.name}: {len(problems)} sectors differ "
                              f"from the expected pattern:\n" + "\n".join(problems[:20]))


def test_queue_fills_before_queue_full(scenario):
    """Non-blocking submits go on until the ring is full: one descriptor per
    request with indirect descriptors, three (header, data, status) without."""
    _, _, _, rw, _, run = scenario
    for transport, info in run.info.items():
        size = int(info["queue_size"])
        indirect = int(info["features"], 16) >> 28 & 1
        if "async_max_in_flight" not in info:
            continue  # the read-only disk runs no async phase
        want = min(ASYNC_REQS, size if indirect else size // 3)
        got = int(info["async_max_in_flight"])
        assert got == want, (f"{transport}: queue size {size}, indirect={indirect}: "
                             f"expected {want} requests in flight, got {got}")


def test_ring_format_is_packed_exactly_when_qemu_offers_it(scenario):
    """virtio_negotiate takes VIRTIO_F_RING_PACKED (bit 34) whenever the
    device offers it, and the queue then runs the packed ring."""
    name, _, _, rw, _, run = scenario
    packed = rw.options.get("packed") == "on"
    for transport, info in run.info.items():
        if "features" not in info:
            continue
        got = int(info["features"], 16) >> 34 & 1
        assert got == packed, (f"{transport}: expected RING_PACKED {'' if packed else 'not '}"
                               f"negotiated, features={info['features']}")


def test_get_id_is_nul_padded(scenario):
    """blk.h promises a NUL-padded id; QEMU writes only strlen(serial)+1 bytes
    and the port's bounce buffers hold poison, not zeroes, beyond them."""
    _, _, _, _, _, run = scenario
    for transport, tests in run.by_transport().items():
        r = tests.get("get_id_padding")
        assert r is not None, f"{transport}: no get_id_padding result"
        assert r["ok"], (f"{transport}: get_id left {r['value']} non-NUL bytes after "
                         f"the id's terminating NUL (expected 0)")


def test_probe_finds_mmio_and_pci_devices(port_build, tmp_path):
    disks = [q.Disk(tmp_path / "a.img", 64, "probe-a"),
             q.Disk(tmp_path / "b.img", 64, "probe-b", bus="pci")]
    for d in disks:
        q.make_disk(d.path, d.sectors, d.serial)
    run = q.run_qemu(port_build / "probe.elf", disks)
    assert run.returncode == 0, f"probe failed\n{run.describe()}"
    lines = [l for l in run.output.splitlines() if l.startswith("DEVICE ")]
    assert any("bus=mmio" in l and "version=2" in l and "id=2" in l for l in lines), \
        f"expected an MMIO v2 blk device\n{run.describe()}"
    assert any("bus=pci" in l and "id=2" in l for l in lines), \
        f"expected a PCI blk device\n{run.describe()}"


# ---- differential: QEMU against the sim ----------------------------------

# The sim's program (pytest/progs/blk_scenario.c, the lead's): called as
#   blk_scenario --capacity=<sectors> --serial=<id> [--read-only]
# it runs a spec-conforming sim blk device of that capacity, serial and RO
# flag through blk_checks_run (port/riscv64/blk_checks.c, host_filled=false)
# and prints the same RESULT lines on stdout, exit status 0.
SIM_SCENARIO = Path(os.environ.get("VFUZZ_BLK_SCENARIO",
                                   q.ROOT / "build" / "replay" / "blk_scenario"))
# Tests whose (value, ok) must agree between a spec-conforming sim device and
# QEMU for the same capacity, serial and read-only flag. Not compared: params,
# host_read, ro_data_kept (the sim disk has no host fill), get_id_padding,
# leaks and hal_misuse (HAL-specific; the sim audits its own).
COMPARED = {"init", "capacity", "get_id", "read_only", "rw1", "rw8", "rw_sizes",
            "rw_spread", "async", "index_wrap", "flush", "ro_write", "ro_submit_write",
            "read_past_end", "read_straddling_end", "read_bad_len"}
DIFF_CASES = {"rw": (2048, "vfz-diff-rw", False), "ro": (768, "vfz-diff-ro", True)}


def sim_results(sectors, serial, read_only, packed=False):
    if not SIM_SCENARIO.exists():
        pytest.fail(f"{SIM_SCENARIO} is missing: build it with "
                    f"`cmake --preset replay && cmake --build build/replay -j2`")
    cmd = [str(SIM_SCENARIO), f"--capacity={sectors}", f"--serial={serial}"]
    if read_only:
        cmd.append("--read-only")
    if packed:
        cmd.append("--packed")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    results, _, _ = q.parse(proc.stdout)
    assert proc.returncode == 0 and results, \
        f"$ {' '.join(cmd)}\nexit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    features = [int(i["features"], 16) for i in q.parse_info(proc.stdout).values()
                if "features" in i]
    assert features and all((f >> 34 & 1) == packed for f in features), \
        f"the sim run should negotiate RING_PACKED: {packed}\n{proc.stdout}"
    return results


@pytest.mark.parametrize("bus,legacy,packed",
                         [("mmio", False, False), ("mmio", True, False), ("pci", False, False),
                          ("mmio", False, True), ("pci", False, True)],
                         ids=["mmio2", "mmio1", "pci", "mmio2-packed", "pci-packed"])
@pytest.mark.parametrize("case", sorted(DIFF_CASES))
def test_qemu_and_sim_agree(port_build, tmp_path, case, bus, legacy, packed):
    """Both sides on the same ring format: QEMU's packed=on against the sim
    offering RING_PACKED (each run's INFO line says what was negotiated)."""
    sectors, serial, read_only = DIFF_CASES[case]
    disk = q.Disk(tmp_path / "d.img", sectors, serial, bus=bus, read_only=read_only,
                  options={"packed": "on"} if packed else {})
    q.make_disk(disk.path, sectors, serial, read_only)
    run = q.run_qemu(port_build / "blk_conformance.elf", [disk], legacy_mmio=legacy)
    qemu = {(r["test"], r["value"], r["ok"]) for r in run.results if r["test"] in COMPARED}
    got = [int(i["features"], 16) >> 34 & 1 for i in run.info.values() if "features" in i]
    assert got and all(g == packed for g in got), \
        f"QEMU's run should negotiate RING_PACKED: {packed}\n{run.describe()}"
    sim = {(r["test"], r["value"], r["ok"])
           for r in sim_results(sectors, serial, read_only, packed) if r["test"] in COMPARED}
    both = {t for t, _, _ in qemu} & {t for t, _, _ in sim}
    assert {"capacity", "get_id"} <= both, \
        f"the sim and QEMU must both run capacity and get_id; common tests: {sorted(both)}"
    only_qemu = sorted(r for r in qemu - sim if r[0] in both)
    only_sim = sorted(r for r in sim - qemu if r[0] in both)
    assert not only_qemu and not only_sim, \
        (f"QEMU and the sim disagree on {sorted({r[0] for r in only_qemu + only_sim})}:\n"
         f"  QEMU: {only_qemu}\n  sim:  {only_sim}\n{run.describe()}")
