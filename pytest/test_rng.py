# SPDX-License-Identifier: MIT
"""virtio-rng: the real driver against the sim's rng model through the
device seam (build/replay/device_scenario), one test per device lie, and on
QEMU's virtio-rng (rng-builtin) on MMIO v2, MMIO v1 and PCI.

A lie the driver can see must come back as an error, never as entropy, and
never as a finding; an honest device must get every byte it wrote back.
"""
import re

import pytest

import qemu_helpers as q

TRANSPORTS = ["mmio2", "mmio1", "pci", "pci-firmware"]
OP = re.compile(r"^op: (\S+) rc=(\S+)(.*)$", re.M)


def scenario(run_prog, transport="mmio2", script=None, work=None):
    args = ["--device=rng", f"--transport={transport}"]
    if script:
        args.append(f"--script={script}")
    if work is not None:
        args.append(f"--work={bytes(work).hex()}")
    proc = run_prog("device_scenario", *args)
    assert proc.returncode == 0, f"device_scenario failed:\n{proc.stderr}"
    ops = [(name, rc, dict(kv.split("=") for kv in rest.split()))
           for name, rc, rest in OP.findall(proc.stderr)]
    findings = re.search(r"^FINDINGS (\d+)(?: last=(\S+))?$", proc.stdout, re.M)
    assert findings, f"no FINDINGS line:\n{proc.stdout}"
    return ops, int(findings.group(1)), findings.group(2), proc


def requests(ops):
    return [(rc, int(f["len"]), int(f["n"])) for name, rc, f in ops if name == "request"]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_honest_device_answers_every_request_in_full(run_prog, transport):
    ops, nfind, last, proc = scenario(run_prog, transport)
    got = requests(ops)
    assert got == [("OK", 49, 49), ("OK", 1, 1), ("OK", 4096, 4096), ("OK", 1, 1),
                   ("OK", 1, 1)], f"default workload on {transport}: {got}\n{proc.stderr}"
    assert nfind == 0, f"expected no finding, got {nfind} ({last}):\n{proc.stderr}"


def test_device_may_write_fewer_bytes_and_the_driver_says_how_many(run_prog):
    # 5.4.6.1: fewer than the buffer is legal; the count is the device's.
    ops, nfind, last, proc = scenario(run_prog, script="rng.len@1=3", work=[0, 3])
    assert requests(ops) == [("OK", 49, 3)], proc.stderr
    assert nfind == 0, f"{last}:\n{proc.stderr}"


# (decision script, error of the first request): lies the driver can see.
LIES = {
    "used-len-zero": ("vq.used_len@1=0", "EBAD_USED"),
    "used-len-past-the-buffer": ("vq.used_len@1=50", "EBAD_USED"),
    "used-id-never-given": ("vq.used_id@1=5", "EBAD_USED"),
    "used-idx-jumps-two": ("vq.used_idx@1=2", "EBAD_USED"),
    "request-never-completed": ("vq.never@1=1", "ETIMEOUT"),
}


@pytest.mark.parametrize("lie", LIES)
def test_lie_is_an_error_then_the_device_is_stopped(run_prog, lie):
    script, err = LIES[lie]
    ops, nfind, last, proc = scenario(run_prog, script=script, work=[0, 3, 0, 3])
    assert [rc for rc, _, _ in requests(ops)] == [err, "EBROKEN"], (
        f"{lie}: expected {err} then EBROKEN, got {requests(ops)}\n{proc.stderr}")
    assert nfind == 0, f"{lie}: the driver's answer is correct, yet {last}:\n{proc.stderr}"


# (decision script, init error): lies at initialisation.
INIT_LIES = {
    "device-id-not-rng": ("mmio.device_id@1=2", "EBAD_DEVICE_ID"),
    "features-ok-refused": ("vdev.features_ok@1=1", "EFEATURES"),
    "queue-size-zero": ("vdev.num_max@1=0", "EBAD_QUEUE_SIZE"),
}


@pytest.mark.parametrize("lie", INIT_LIES)
def test_init_lie_fails_init_and_holds_nothing(run_prog, lie):
    script, err = INIT_LIES[lie]
    ops, nfind, last, proc = scenario(run_prog, script=script)
    assert f"init={err}" in proc.stderr, f"{lie}: expected init={err}:\n{proc.stderr}"
    assert nfind == 0, f"{lie}: {last}:\n{proc.stderr}"


@pytest.mark.parametrize("transport", ["mmio2", "mmio1"])
def test_interrupts_follow_the_drivers_wish(run_prog, transport):
    # off, request, ack; on, request, ack: no interrupt while off.
    ops, nfind, last, proc = scenario(run_prog, transport,
                                      work=[2, 0, 0, 0, 3, 2, 1, 0, 0, 3])
    isr = [int(f["isr"]) & 1 for name, _, f in ops if name == "ack_interrupt"]
    assert isr == [0, 1], f"used-buffer interrupt bits after off/on: {isr}\n{proc.stderr}"
    assert nfind == 0, proc.stderr


# ---- QEMU ------------------------------------------------------------------

@pytest.fixture(scope="module")
def port_build():
    return q.build_port()


@pytest.mark.parametrize("bus,legacy,packed",
                         [("mmio", False, False), ("mmio", True, False), ("pci", False, False),
                          ("mmio", False, True), ("pci", False, True)],
                         ids=["mmio2", "mmio1", "pci", "mmio2-packed", "pci-packed"])
def test_qemu_rng_gives_every_byte_asked(port_build, bus, legacy, packed):
    dev = q.Device("rng", bus, options={"packed": "on"} if packed else {})
    run = q.run_qemu(port_build / "rng_conformance.elf", [dev], legacy_mmio=legacy)
    transport = "pci" if bus == "pci" else ("mmio1" if legacy else "mmio2")
    assert run.returncode == 0 and run.done and run.done[1] == 0, run.describe()
    got = {r["test"]: r for r in run.results if r["transport"] == transport}
    assert got.get("init", {}).get("value") == "OK", run.describe()
    sizes = [1, 16, 64, 333, 4096]
    for size in sizes:
        r = got.get(f"request_{size}")
        assert r and r["ok"] and r["value"] == str(size), (
            f"request of {size} bytes on {transport}: {r}\n{run.describe()}")
    assert got["leaks"]["value"] == "0", run.describe()
    # VIRTIO_F_RING_PACKED (34) negotiated exactly when QEMU offers it
    features = int(run.info[transport]["features"], 16)
    assert features >> 34 & 1 == packed, run.describe()
