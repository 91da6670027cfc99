# SPDX-License-Identifier: MIT
"""virtio-input scenarios: the real driver (drivers/dev/input.c) against the
sim's input model (sim/dev/input.c) through the device seam, on every
transport, spec-conforming and lying.

Each case runs build/replay/device_scenario --device=input once (record
mode) with a workload in fuzz/dev_input.c's opcodes and a decision script
(sim/decide.h script mode), and reads its `op:` lines, the `harness:`
summary and `FINDINGS <n>`. A spec device must pass every operation with
every event and config answer exact (QEMU 7.2's keyboard: its name, ids,
bitmaps); a lying device must get an error wherever the lie is detectable,
and every run must end with FINDINGS 0.
"""
import pytest

from scenario import expect_no_oracle_line, expect_ops, run_device

TRANSPORTS = ["mmio2", "mmio1", "pci", "pci-firmware"]
MODERN = ["mmio2", "pci"]
EVENTS = 8  # INPUT_EVENTS: the event buffers the workload gives
EV_SYN, EV_KEY, EV_LED = 0, 1, 0x11


# ---- workloads (fuzz/dev_input.c opcodes) -----------------------------------

def host(n, seed):
    return bytes([0, n - 1, seed])


def pop(n):
    return bytes([1, n - 1])


ACK, NAME, SERIAL, IDS, PROP = b"\x02", b"\x03", b"\x04", b"\x05", b"\x06"


def ev_bits(t):
    return bytes([7, t])


def abs_info(axis):
    return bytes([8, axis])


def query(select, subsel):
    return bytes([9, select, subsel])


def status(code, value):
    return bytes([10, code, value])


def host_events(n, seed):
    """The events op 0 sends: n - 1 keys, then EV_SYN."""
    return [(EV_KEY, (seed + i) & 0xFFFF, (seed + i) & 1) for i in range(n - 1)] + \
        [(EV_SYN, 0, 0)]


def run_input(run_prog, transport, work, *script):
    """`event` lines are facts, not calls."""
    return run_device(run_prog, "input", transport, work, *script, facts=("event",))


def events(r):
    return [(int(o["type"]), int(o["code"]), int(o["value"])) for o in r.all("event")]


# ---- a spec-conforming device ------------------------------------------------------

SPEC_WORK = (NAME + SERIAL + IDS + PROP + ev_bits(EV_KEY) + ev_bits(EV_LED) +
             ev_bits(0x14) + ev_bits(2) + abs_info(0) + abs_info(1) + abs_info(2) +
             query(0, 0) + query(0x11, 0x11) + host(3, 0x1e) + host(2, 0x30) + pop(8) +
             status(1, 1) + status(0, 1) + status(1, 0) + ACK)
SPEC_OPS = ("init=OK name=OK serial=OK ids=OK prop_bits=OK" + " ev_bits=OK" * 4 +
            " abs_info=OK" * 3 + " query=OK query=OK host_sends=OK host_sends=OK pop=OK" +
            " status=OK" * 3 + " ack_interrupt=OK")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_spec_device_every_operation_succeeds_with_answers_exact(run_prog, transport):
    r = run_input(run_prog, transport, SPEC_WORK)
    expect_ops(r, SPEC_OPS)
    expect_no_oracle_line(r)
    assert r.harness["completed"] == "1" and r.harness["failed"] == "0", r.describe()
    # QEMU's keyboard: "QEMU Virtio Keyboard" (its NUL counted in size, not
    # returned), the fuzz model's serial, BUS_VIRTUAL 0x0627:0x0001 v1.
    assert r.op("name")["len"] == str(len("QEMU Virtio Keyboard")), r.describe()
    assert r.op("serial")["len"] == str(len("vfuzz-input")), r.describe()
    ids = r.op("ids")
    assert (ids["bustype"], ids["vendor"], ids["product"], ids["version"]) == \
        ("6", str(0x0627), "1", "1"), r.describe()
    # Bitmaps: EV_KEY 31 bytes, EV_LED 1, EV_REP 1 (empty), EV_REL none.
    assert [o["size"] for o in r.all("ev_bits")] == ["31", "1", "1", "0"], r.describe()
    assert r.op("prop_bits")["size"] == "1", r.describe()
    # Axes X and Y as QEMU's tablet (0..0x7fff); axis 2 none.
    assert [(o["min"], o["max"]) for o in r.all("abs_info")[:2]] == \
        [("0", "32767"), ("0", "32767")], r.describe()
    assert [o["size"] for o in r.all("query")] == ["0", "1"], r.describe()
    # Every event in order, exactly.
    assert events(r) == host_events(3, 0x1e) + host_events(2, 0x30), r.describe()
    assert r.op("pop")["events"] == "5", r.describe()
    # The LEDs follow the status events: CAPSL on, NUML on, CAPSL off.
    assert [o["leds"] for o in r.all("status")] == ["2", "3", "1"], r.describe()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_default_workload_runs_every_operation_clean(run_prog, transport):
    r = run_input(run_prog, transport, b"")
    expect_no_oracle_line(r)
    assert all(o["rc"] == "OK" for o in r.ops) and r.harness["completed"] == "1", \
        r.describe()


@pytest.mark.parametrize("transport", MODERN)
def test_events_wait_for_a_buffer_and_arrive_in_order(run_prog, transport):
    # An eventq of 2: eight events wait in the device; each pop lends a
    # buffer again, so all eight arrive, in order.
    r = run_input(run_prog, transport, host(8, 0x40) + pop(8) + pop(1),
                  "vdev.num_max@1=2")
    expect_ops(r, "init=OK host_sends=OK pop=OK pop=OK")
    assert events(r) == host_events(8, 0x40), r.describe()
    assert [o["events"] for o in r.all("pop")] == ["8", "0"], r.describe()
    expect_no_oracle_line(r)


@pytest.mark.parametrize("transport", MODERN)
def test_config_read_again_when_the_generation_changes(run_prog, transport):
    # The name's first try sees the generation move (its second read) and
    # a NUL where the name was changing (a name of 0 bytes); the second try
    # reads the settled name, all 20 bytes.
    r = run_input(run_prog, transport, NAME + pop(1),
                  "vdev.config_gen@2=1", "input.data@1=0")
    expect_ops(r, "init=OK name=OK pop=OK")
    expect_no_oracle_line(r)
    assert r.op("name")["len"] == "20", r.describe()


@pytest.mark.parametrize("transport", MODERN)
def test_config_generation_never_settling_leaves_the_device_usable(run_prog, transport):
    r = run_input(run_prog, transport, IDS + host(2, 5) + pop(2),
                  *[f"vdev.config_gen@{2 * k}=1" for k in range(1, 9)])
    expect_ops(r, "init=OK ids=ECONFIG_UNSTABLE host_sends=OK pop=OK")
    assert events(r) == host_events(2, 5), r.describe()


def test_answer_of_size_0_may_read_select_and_subsel_as_0(run_prog):
    # QEMU: a select/subsel without an answer reads all zero.
    r = run_input(run_prog, "mmio2", ev_bits(2) + abs_info(7) + SERIAL,
                  "input.select@1=0x11")
    expect_ops(r, "init=OK ev_bits=OK abs_info=OK serial=OK")


# ---- lying devices ---------------------------------------------------------------

EV = host(1, 0) + pop(1) + status(1, 1)
ST = status(1, 1) + status(1, 0)
AFTER_EV_LIE = "init=OK host_sends=OK pop=EBAD_USED status=EBROKEN"
AFTER_ST_LIE = "init=OK status=EBAD_USED status=EBROKEN"
AFTER_CFG_LIE = "EBAD_CONFIG pop=EBROKEN"

# name: (workload, script entries, expected op=rc). The event buffers are
# fetched at init (EVENTS fetches), the first status chain next; the first
# used entry is the event's (EV) or the first status's (ST).
LIES = {
    "event_written_short": (EV, ["input.event_len@1=4"], AFTER_EV_LIE),
    "event_used_len_0": (EV, ["vq.used_len@1=0"], AFTER_EV_LIE),
    "event_used_len_7": (EV, ["vq.used_len@1=7"], AFTER_EV_LIE),
    "event_used_len_past_the_buffer": (EV, ["vq.used_len@1=9"], AFTER_EV_LIE),
    "event_used_id_out_of_range": (EV, [f"vq.used_id@1={EVENTS}"], AFTER_EV_LIE),
    "event_used_idx_past_the_queue": (EV, [f"vq.used_idx@1={EVENTS + 1}"], AFTER_EV_LIE),
    "status_used_id_never_given": (ST, ["vq.used_id@1=1"], AFTER_ST_LIE),
    "status_never_completed": (ST, [f"vq.never@{EVENTS + 1}=1"],
                               "init=OK status=ETIMEOUT status=EBROKEN"),
    "status_completed_too_late": (ST, [f"vq.defer@{i}=1" for i in range(1, 25)],
                                  "init=OK status=ETIMEOUT status=EBROKEN"),
    "name_size_past_128": (NAME + pop(1), ["input.size@1=129"],
                           "init=OK name=" + AFTER_CFG_LIE),
    "ids_size_not_8": (IDS + pop(1), ["input.size@1=7"], "init=OK ids=" + AFTER_CFG_LIE),
    "abs_info_size_not_20": (abs_info(0) + pop(1), ["input.size@1=19"],
                             "init=OK abs_info=" + AFTER_CFG_LIE),
    "unset_select_answered": (query(0, 0) + pop(1), ["input.size@1=1"],
                              "init=OK query=" + AFTER_CFG_LIE),
    "select_read_back_other": (NAME + pop(1), ["input.select@1=2"],
                               "init=OK name=" + AFTER_CFG_LIE),
    "subsel_read_back_other": (ev_bits(EV_KEY) + pop(1), ["input.subsel@1=2"],
                               "init=OK ev_bits=" + AFTER_CFG_LIE),
    "abs_min_above_max": (abs_info(0) + pop(1), ["input.data@1=0xff", "input.data@4=0x7f"],
                          "init=OK abs_info=" + AFTER_CFG_LIE),
    "abs_fuzz_past_the_range": (abs_info(0) + pop(1), ["input.data@12=0x01"],
                                "init=OK abs_info=" + AFTER_CFG_LIE),
    "abs_flat_past_the_range": (abs_info(1) + pop(1), ["input.data@16=0x01"],
                                "init=OK abs_info=" + AFTER_CFG_LIE),
}


LIE_CASES = [(name, tr) for name in sorted(LIES) for tr in ["mmio2", "mmio1", "pci"]]


# A used len on a chain the device only reads (2.7.8.1 wants 0) counts no
# byte the driver reads back: the queue takes it as 0, not as a lie
# (drivers/queue/split.c). QEMU 7.2's virtio-input statusq gives the bytes
# it read; a driver that stopped on it would not run on QEMU.
def test_status_used_len_is_taken_as_0_not_as_a_lie(run_prog):
    # QEMU writes 8 here (virtio_input_handle_sts).
    r = run_input(run_prog, "mmio2", ST, "vq.used_len@1=8")
    expect_ops(r, "init=OK status=OK status=OK")


@pytest.mark.parametrize("name,transport", LIE_CASES)
def test_lie_is_an_error_not_a_success(run_prog, name, transport):
    work, entries, want = LIES[name]
    r = run_input(run_prog, transport, work, *entries)
    expect_ops(r, want)
    assert r.harness["completed"] == "0", \
        f"a device caught lying must be stopped (completed=0), got {r.harness}\n" \
        f"{r.describe()}"


def test_answer_past_the_config_space_is_a_lie(run_prog):
    # PCI: the device-specific config capability (the 3rd) says 24 bytes:
    # a 21-byte name does not fit behind the 8-byte header.
    r = run_input(run_prog, "pci", IDS + NAME + pop(1), "pci.layout@1=1",
                  "pci.length@3=24")
    expect_ops(r, "init=OK ids=OK name=" + AFTER_CFG_LIE)


# name: (script entries, init error): lies at initialisation.
INIT_LIES = {
    "device_id_not_input": (["mmio.device_id@1=2"], "EBAD_DEVICE_ID"),
    "features_ok_refused": (["vdev.features_ok@1=1"], "EFEATURES"),
    "eventq_size_0": (["vdev.num_max@1=0"], "EBAD_QUEUE_SIZE"),
    "statusq_size_0": (["vdev.num_max@2=0"], "EBAD_QUEUE_SIZE"),
    "platform_refuses_to_share_an_event_buffer": (["hal.share_fail@3=1"], "EDMA"),
}
INIT_CASES = [(name, tr) for name in sorted(INIT_LIES) for tr in ["mmio2", "mmio1", "pci"]
              if not (name == "features_ok_refused" and tr == "mmio1")]


@pytest.mark.parametrize("name,transport", INIT_CASES)
def test_init_lie_fails_init_and_holds_nothing(run_prog, name, transport):
    entries, err = INIT_LIES[name]
    if name == "device_id_not_input" and transport == "pci":
        entries = ["pci.device_id@1=0x1042"]  # a modern blk function
    r = run_input(run_prog, transport, NAME + pop(1), *entries)
    expect_ops(r, f"init={err}")


@pytest.mark.parametrize("length", [4, 7])
def test_config_space_without_the_header_fails_init(run_prog, length):
    r = run_input(run_prog, "pci", NAME, "pci.layout@1=1", f"pci.length@3={length}")
    expect_ops(r, "init=ECONFIG_TOO_SMALL")


# ---- the model's own checks (pytest/progs/input_misuse.c) ----------------------

MISUSE = {"ev-readable-buffer": "desc-malformed", "ev-short-buffer": "desc-malformed",
          "status-writable-buffer": "desc-malformed", "status-short-event": "desc-malformed",
          "status-two-events": "desc-malformed", "config-write-size": "status-protocol"}


@pytest.mark.parametrize("scenario", sorted(MISUSE))
def test_model_reports_a_chain_no_input_driver_may_give(run_prog, scenario):
    proc = run_prog("input_misuse", scenario)
    assert proc.returncode == 0, f"input_misuse {scenario} failed:\n{proc.stdout}{proc.stderr}"
    assert f"FINDINGS 1 last={MISUSE[scenario]}" in proc.stdout, \
        f"{scenario}: expected one {MISUSE[scenario]} finding\n{proc.stdout}" \
        f"{proc.stderr[-3000:]}"


def test_model_stays_quiet_on_a_correct_event_and_status(run_prog):
    proc = run_prog("input_misuse", "ok-event-and-status")
    assert proc.returncode == 0 and "FINDINGS 0" in proc.stdout, \
        f"expected no finding\n{proc.stdout}{proc.stderr[-3000:]}"
