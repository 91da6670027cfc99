# SPDX-License-Identifier: MIT
"""virtio-rtc scenarios: the real driver (drivers/dev/rtc.c) against the
sim's rtc model (sim/dev/rtc.c) through the device seam, on every
transport (split and packed rings), spec-conforming and lying.

Each case runs build/replay/device_scenario --device=rtc once (record mode)
with a workload in fuzz/dev_rtc.c's opcodes and a decision script
(sim/decide.h script mode), and reads its `op:` lines and `FINDINGS <n>`.
A spec device must get every value exact (the test recomputes the model's
clock table); a lie the driver can see must be an error, never a value;
every run must end with FINDINGS 0. No QEMU test: QEMU 7.2 has no
virtio-rtc device.
"""
import re

import pytest

TRANSPORTS = ["mmio2", "mmio1", "pci", "pci-firmware"]
PACKED = 0x40  # FUZZ_F_PACKED: the device offers the packed ring
OP = re.compile(r"^op: (\S+) rc=(\S+)(.*)$", re.M)

# The model's default clocks (sim/dev/rtc.c): type, smearing, first
# reading, step per READ.
CLOCKS = [(0, 0, 1733342400000000000, 1000003),
          (1, 0, 1733342437000000000, 999983),
          (2, 0, 5000000000, 1234567),
          (3, 1, 1733342400000500000, 1000001)]

# fuzz/dev_rtc.c opcodes
def READ(c):
    return [0, c]


def CAP(c):
    return [1, c]


NUM, ACK, REINIT, BAD = [2], [4], [5], [6]


def IRQ(on):
    return [3, on]


def scenario(run_prog, work, script=None, transport="mmio2", flags=None):
    args = ["--device=rtc", f"--transport={transport}", f"--work={bytes(work).hex()}"]
    if script:
        args.append(f"--script={script}")
    if flags is not None:
        args.append(f"--flags={flags}")
    proc = run_prog("device_scenario", *args)
    desc = f"$ device_scenario {' '.join(args)}\n{proc.stdout}\n{proc.stderr[-4000:]}"
    assert proc.returncode == 0, f"device_scenario failed:\n{desc}"
    ops = [(name, rc, dict(kv.split("=") for kv in rest.split()))
           for name, rc, rest in OP.findall(proc.stderr)]
    findings = re.search(r"^FINDINGS (\d+)(?: last=(\S+))?$", proc.stdout, re.M)
    assert findings, f"no FINDINGS line:\n{desc}"
    assert findings.group(1) == "0", \
        f"expected FINDINGS 0 (no leak, misuse or wrong answer), got {findings.group(0)}\n{desc}"
    return ops, desc


def rcs(ops):
    return [f"{name}={rc}" for name, rc, _ in ops]


def expect(ops, desc, want):
    want = want.split()
    assert rcs(ops) == want, f"expected {want}\n     got {rcs(ops)}\n{desc}"


# ---- a spec-conforming device ------------------------------------------------

SPEC_WORK = NUM + CAP(0) + CAP(1) + CAP(2) + CAP(3) + READ(0) + READ(1) + READ(2) + \
    READ(3) + READ(2) + READ(2) + READ(4) + CAP(4)


@pytest.mark.parametrize("transport,packed",
                         [(t, False) for t in TRANSPORTS] + [("mmio2", True), ("pci", True),
                                                              ("pci-firmware", True)],
                         ids=TRANSPORTS + ["mmio2-packed", "pci-packed", "pci-firmware-packed"])
def test_honest_device_gives_every_clock_exactly(run_prog, transport, packed):
    ops, desc = scenario(run_prog, SPEC_WORK, transport=transport,
                         flags=PACKED if packed else None)
    expect(ops, desc, "init=OK num_clocks=OK " + "clock_cap=OK " * 4 + "read=OK " * 6 +
           "read=EINVALID_PARAM clock_cap=EINVALID_PARAM")
    assert ops[0][2]["num_clocks"] == "4" and ops[1][2]["n"] == "4", desc
    caps = [(int(f["type"]), int(f["smearing"]), int(f["flags"]))
            for name, _, f in ops if name == "clock_cap"][:4]
    assert caps == [(t, s, 0) for t, s, _, _ in CLOCKS], f"capabilities {caps}\n{desc}"
    reads = [(int(f["clock"]), int(f["ns"])) for name, rc, f in ops if name == "read" and rc == "OK"]
    n = [0] * 4
    want = []
    for clock in [0, 1, 2, 3, 2, 2]:
        want.append((clock, CLOCKS[clock][2] + n[clock] * CLOCKS[clock][3]))
        n[clock] += 1
    assert reads == want, f"readings {reads}, expected {want}\n{desc}"


def test_default_workload_runs_clean(run_prog):
    ops, desc = scenario(run_prog, [])
    assert "read=EINVALID_PARAM" in rcs(ops) and rcs(ops).count("init=OK") == 2, desc
    assert "bad_arguments=OK" in rcs(ops), f"a call with a NULL argument was not refused\n{desc}"
    assert all(rc in ("OK", "EINVALID_PARAM") for _, rc, _ in ops), desc


def test_bad_arguments_on_a_stopped_device_are_refused(run_prog):
    # after a lie the device is stopped: a NULL out-parameter is EBROKEN
    # or EINVALID_PARAM, never a request (the workload judges which)
    ops, desc = scenario(run_prog, READ(0) + BAD, script="rtc.status@2=9")
    expect(ops, desc, "init=OK read=EBAD_USED bad_arguments=OK")


def test_init_again_reads_cfg_again_and_clocks_go_on(run_prog):
    ops, desc = scenario(run_prog, READ(2) + REINIT + READ(2))
    expect(ops, desc, "init=OK read=OK init=OK read=OK")
    assert [int(f["ns"]) for name, _, f in ops if name == "read"] == \
        [5000000000, 5001234567], desc


@pytest.mark.parametrize("transport", ["mmio2", "pci"])
def test_interrupts_follow_the_drivers_wish(run_prog, transport):
    ops, desc = scenario(run_prog, ACK + IRQ(0) + READ(0) + ACK + IRQ(1) + READ(0) + ACK,
                         transport=transport)
    isr = [int(f["isr"]) & 1 for name, _, f in ops if name == "ack_interrupt"][1:]
    assert isr == [0, 1], f"used-buffer interrupt bits after off/on: {isr}\n{desc}"


# ---- what a device may say -----------------------------------------------------

LEGAL = {
    # 1 CFG, 2 CLOCK_CAP, 3 READ: reserved bytes are the driver's to ignore
    "reserved-bytes-set": ("rtc.reserved@1=255,rtc.reserved@2=7,rtc.reserved@3=128",
                           "init=OK clock_cap=OK read=OK", None),
    # reserved flag bits dropped, ALARM_CAP passed on
    "reserved-flag-bits": ("rtc.clock_flags@1=254", "init=OK clock_cap=OK", ("flags", "0")),
    "alarm-cap-flag": ("rtc.clock_flags@1=1", "init=OK clock_cap=OK", ("flags", "1")),
    # a clock may step, also backwards: any reading is one
    "reading-steps-back-to-5": ("rtc.reading@1=5", "init=OK clock_cap=OK read=OK", ("ns", "5")),
    # every type and smearing the spec defines
    "type-utc-maybe-smeared-sls": ("rtc.clock_type@1=4,rtc.smearing@1=2",
                                   "init=OK clock_cap=OK", ("type", "4")),
}


@pytest.mark.parametrize("case", LEGAL)
def test_legal_answer_is_taken(run_prog, case):
    script, want, fact = LEGAL[case]
    ops, desc = scenario(run_prog, CAP(1) + READ(1), script=script)
    expect(ops, desc, want + ("" if "read" in want else " read=OK"))
    if fact:
        got = [f.get(fact[0]) for _, _, f in ops if fact[0] in f and _ != "init"]
        assert fact[1] in got, f"{case}: expected {fact[0]}={fact[1]} in {got}\n{desc}"


def test_error_status_is_an_error_and_the_device_stays_usable(run_prog):
    # 2.: EIO for a READ, EOPNOTSUPP for a CLOCK_CAP: device errors, no lies
    ops, desc = scenario(run_prog, READ(0) + CAP(0) + READ(0) + CAP(0),
                         script="rtc.status@2=5,rtc.status@3=2")
    expect(ops, desc, "init=OK read=EIO clock_cap=EUNSUPPORTED read=OK clock_cap=OK")


def test_more_clocks_than_it_has_is_caught_at_the_missing_clock(run_prog):
    # told 6: clock 5 is asked (no driver misuse), the model says ENODEV
    ops, desc = scenario(run_prog, READ(5) + READ(0), script="rtc.num_clocks@1=6")
    expect(ops, desc, "init=OK read=EBAD_USED read=EBROKEN")


# ---- lies the driver must see ------------------------------------------------------

# (script, first call's error) for a READ of clock 0 after init; then the
# device is stopped: EBROKEN.
LIES = {
    "status-enodev-for-a-clock-it-has": ("rtc.status@2=3", "EBAD_USED"),
    "status-einval-for-a-valid-request": ("rtc.status@2=4", "EBAD_USED"),
    "status-unknown": ("rtc.status@2=9", "EBAD_USED"),
    "response-short-by-one": ("rtc.len@2=15", "EBAD_USED"),
    "response-head-only": ("rtc.len@2=8", "EBAD_USED"),
    "response-empty": ("rtc.len@2=0", "EBAD_USED"),
    "used-len-past-the-buffer": ("vq.used_len@2=17", "EBAD_USED"),
    "used-id-never-given": ("vq.used_id@2=5", "EBAD_USED"),
    "used-idx-jumps-two": ("vq.used_idx@2=2", "EBAD_USED"),
    "request-never-completed": ("vq.never@2=1", "ETIMEOUT"),
}


@pytest.mark.parametrize("lie", LIES)
def test_lie_at_a_read_is_an_error_then_the_device_is_stopped(run_prog, lie):
    script, err = LIES[lie]
    ops, desc = scenario(run_prog, READ(0) + READ(0) + CAP(0), script=script)
    expect(ops, desc, f"init=OK read={err} read=EBROKEN clock_cap=EBROKEN")


CAP_LIES = {
    "clock-type-unknown": "rtc.clock_type@1=5",
    "clock-type-255": "rtc.clock_type@1=255",
    "smearing-unknown": "rtc.smearing@1=3",
    "cap-response-short": "rtc.len@2=11",
}


@pytest.mark.parametrize("lie", CAP_LIES)
def test_lie_in_capabilities_is_an_error_then_the_device_is_stopped(run_prog, lie):
    ops, desc = scenario(run_prog, CAP(2) + READ(2), script=CAP_LIES[lie])
    expect(ops, desc, "init=OK clock_cap=EBAD_USED read=EBROKEN")


INIT_LIES = {
    "no-clocks": ("rtc.num_clocks@1=0", "EBAD_USED"),
    "cfg-response-short": ("rtc.len@1=9", "EBAD_USED"),
    "cfg-status-enodev": ("rtc.status@1=3", "EBAD_USED"),
    "cfg-status-eio": ("rtc.status@1=5", "EIO"),
    "cfg-status-eopnotsupp": ("rtc.status@1=2", "EUNSUPPORTED"),
    "cfg-never-answered": ("vq.never@1=1", "ETIMEOUT"),
    "device-id-not-rtc": ("mmio.device_id@1=4", "EBAD_DEVICE_ID"),
    "features-ok-refused": ("vdev.features_ok@1=1", "EFEATURES"),
    "queue-size-one": ("vdev.num_max@1=1", "EBAD_QUEUE_SIZE"),
}


@pytest.mark.parametrize("lie", INIT_LIES)
def test_init_lie_fails_init_and_holds_nothing(run_prog, lie):
    script, err = INIT_LIES[lie]
    ops, desc = scenario(run_prog, READ(0), script=script)
    assert f"init={err}" in desc, f"{lie}: expected init={err}:\n{desc}"


# ---- the model's own checks (pytest/progs/rtc_misuse.c) ----------------------

MISUSE = ["short-head", "no-room-for-response", "reserved-not-zero", "read-reserved-not-zero",
          "clock-past-num-clocks", "alarm-without-feature"]


@pytest.mark.parametrize("case", MISUSE)
def test_model_reports_a_request_no_rtc_driver_may_send(run_prog, case):
    proc = run_prog("rtc_misuse", case)
    assert proc.returncode == 0, f"rtc_misuse {case} failed:\n{proc.stdout}{proc.stderr}"
    assert "FINDINGS 1 last=desc-malformed" in proc.stdout, \
        f"{case}: expected one desc-malformed finding\n{proc.stdout}{proc.stderr[-3000:]}"


@pytest.mark.parametrize("case", ["ok-read-and-cap", "ok-alarm-offered"])
def test_model_stays_quiet_on_correct_requests(run_prog, case):
    proc = run_prog("rtc_misuse", case)
    assert proc.returncode == 0 and "FINDINGS 0" in proc.stdout, \
        f"{case}: expected exit 0 and no finding (exit 4: F_ALARM accepted)\n" \
        f"exit {proc.returncode}\n{proc.stdout}{proc.stderr[-3000:]}"


def test_bad_misuse_scenario_is_a_one_line_error(run_prog):
    proc = run_prog("rtc_misuse", "no-such-case")
    assert proc.returncode == 2 and "unknown scenario" in proc.stderr, proc.stderr
