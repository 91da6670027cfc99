# SPDX-License-Identifier: MIT
"""virtio-blk scenarios: the real driver (drivers/dev/blk.c) against the sim's
blk device over virtio-mmio v1, v2 and virtio-pci, spec-conforming and lying.

Each case runs pytest/progs/blk_scenario.c once (a subprocess, record mode)
and reads its `OP <op> rc=<error> [k=v...]` or `RESULT` lines and the last
`FINDINGS <n>`. A spec device must pass everything; a lying device must get
its exact driver error, and every run must end with FINDINGS 0: no leak, no
HAL misuse, no crash, whatever the device said.
"""
import pytest

TRANSPORTS = ["mmio1", "mmio2", "pci"]
MODERN = ["mmio2", "pci"]
PROG = "blk_scenario"
F_INDIRECT, F_EVENT_IDX = 28, 29


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)


class Run:
    """One blk_scenario run: its OP lines, RESULT lines and findings."""

    def __init__(self, args, proc):
        self.cmd = f"{PROG} {' '.join(args)}"
        self.proc = proc
        self.ops, self.results, self.info, self.findings = [], {}, {}, None
        for line in proc.stdout.splitlines():
            word = line.split(" ", 1)[0]
            if word == "OP":
                self.ops.append(dict(fields(line), op=line.split()[1]))
            elif word == "RESULT":
                f = fields(line)
                self.results[f["test"]] = (f["value"], f["ok"] == "1")
            elif word == "INFO":
                self.info.update(fields(line))
            elif word == "FINDINGS":
                self.findings = line

    def describe(self):
        p = self.proc
        return f"$ {self.cmd}\nexit {p.returncode}\n{p.stdout}\n{p.stderr[-3000:]}"

    def rcs(self):
        return [f"{o['op']}={o['rc']}" for o in self.ops]


def run_blk(run_prog, *args):
    r = Run(args, run_prog(PROG, *args))
    assert r.proc.returncode == 0, f"expected exit 0\n{r.describe()}"
    assert r.findings == "FINDINGS 0", \
        f"expected FINDINGS 0 (no leak, misuse or crash), got {r.findings!r}\n{r.describe()}"
    return r


def script(*entries):
    """A decision script (sim/decide.h script mode): point@n=value,..."""
    return "--script=" + ",".join(entries)


def repeat(point, n, value=1):
    """`point` deviates with `value` at its first n occurrences."""
    return [f"{point}@{i}={value}" for i in range(1, n + 1)]


def expect_ops(run, want):
    """The OP lines, as op=rc, are exactly `want` (after the probe line)."""
    got = run.rcs()
    want = want.split()
    if not want[0].startswith("probe="):
        want.insert(0, "probe=OK")
    assert got == want, f"expected {want}\n     got {got}\n{run.describe()}"


def expect_data_ok(run):
    bad = [o for o in run.ops if o.get("data", "ok") != "ok"]
    assert not bad, f"expected data=ok everywhere, got {bad}\n{run.describe()}"


def ops_of(want):
    """The --run list for an expectation: every op but the probe and the
    completions complete-all prints itself."""
    ops, tokens = [], want.split()
    for i, tok in enumerate(tokens):
        op = tok.split("=")[0]
        if op == "probe" or (op == "complete" and any(
                t.startswith("complete-all=") for t in tokens[i:])):
            continue
        ops.append(op)
    return "--run=" + ",".join(ops)


# ---- a spec-conforming device ---------------------------------------------

# name: (device options, expected OP lines; the --run list is derived)
SCENARIOS = {
    "patterns_of_many_sizes_and_offsets_read_back": ([], (
        "init=OK write:0:1=OK write:1:2=OK write:3:3=OK write:7:8=OK "
        "write:100:16=OK write:333:31=OK write:1000:128=OK write:2047:1=OK "
        "read:0:1=OK read:1:2=OK read:3:3=OK read:7:8=OK read:100:16=OK "
        "read:333:31=OK read:1000:128=OK read:2047:1=OK read:0:15=OK "
        "check:0:2048=OK")),
    "unwritten_sectors_read_back_the_disk_as_it_was": ([], (
        "init=OK read:0:4=OK read:500:128=OK read:2040:8=OK")),
    "rewrites_replace_older_data": ([], (
        "init=OK write:10:4=OK write:12:4=OK write:11:1=OK read:8:12=OK "
        "check:8:12=OK")),
    "flush_after_writes_succeeds": ([], (
        "init=OK write:5:2=OK flush=OK read:5:2=OK flush=OK")),
    "flush_without_the_flush_feature_is_a_no_op": (["--no-flush"], (
        "init=OK write:5:2=OK flush=OK read:5:2=OK")),
    "requests_past_the_end_are_refused_by_the_driver": ([], (
        "init=OK read:2048:1=EINVALID_PARAM read:2047:2=EINVALID_PARAM "
        "write:4000:1=EINVALID_PARAM read:0:1=OK")),
    "read_only_device_refuses_writes_and_keeps_its_data": (["--read-only"], (
        "init=OK write:3:1=EREAD_ONLY submit-write:3:1=EREAD_ONLY "
        "read:0:8=OK check:0:2048=OK flush=OK")),
    "several_requests_in_flight_all_complete": ([], (
        "init=OK submit-read:0:1=OK submit-write:8:2=OK submit-read:16:3=OK "
        "submit-write:32:16=OK complete=OK complete=OK complete=OK "
        "complete=OK complete-all=OK read:0:48=OK")),
    "blocking_calls_wait_for_requests_in_flight_to_finish": ([], (
        "init=OK submit-read:0:1=OK read:1:1=EINVALID_PARAM complete=OK complete-all=OK "
        "read:1:1=OK")),
    "small_queue_without_indirect_reports_queue_full": (
        ["--queue-max=4", "--no-indirect"], (
            "init=OK submit-read:0:1=OK submit-read:8:1=EQUEUE_FULL "
            "complete=OK complete-all=OK submit-read:8:1=OK complete=OK "
            "complete-all=OK")),
    "small_queue_with_indirect_holds_one_request_per_entry": (
        ["--queue-max=4"], (
            "init=OK submit-read:0:1=OK submit-read:1:1=OK submit-read:2:1=OK "
            "submit-read:3:1=OK submit-read:4:1=EQUEUE_FULL complete=OK "
            "complete=OK complete=OK complete=OK complete-all=OK")),
    "destroy_then_init_starts_a_new_session": ([], (
        "init=OK write:9:3=OK destroy=OK init=OK read:9:3=OK")),
    "destroy_reclaims_requests_still_in_flight": ([], (
        "init=OK submit-read:0:1=OK submit-write:4:4=OK destroy=OK")),
}
# Device shapes the scenario set runs on.
VARIANTS = {
    "default": [],
    "no-indirect": ["--no-indirect"],
    "no-event-idx-q16": ["--no-event-idx", "--queue-max=16"],
}


# Scenarios that set their own queue shape run on that shape only.
SCENARIO_RUNS = [(name, t, v) for name in sorted(SCENARIOS) for t in TRANSPORTS
                 for v in (["default"] if any(o.startswith("--queue-max")
                                              for o in SCENARIOS[name][0]) else sorted(VARIANTS))]


@pytest.mark.parametrize("name,transport,variant", SCENARIO_RUNS)
def test_spec_device_scenario(run_prog, name, transport, variant):
    opts, want = SCENARIOS[name]
    r = run_blk(run_prog, f"--transport={transport}", *VARIANTS[variant], *opts,
                ops_of(want))
    expect_ops(r, want)
    expect_data_ok(r)


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("serial", ["vfz-serial-123", "a" * 20, "x"],
                         ids=["short", "20-bytes-no-nul", "one-byte"])
def test_get_id_equals_the_serial(run_prog, transport, serial):
    r = run_blk(run_prog, f"--transport={transport}", f"--serial={serial}",
                "--run=init,get_id")
    got = r.ops[-1]
    # pad: the bytes after the NUL are zeros, though the device (like QEMU)
    # writes only up to the NUL and the rest of the bounce buffer is poison
    assert (got["rc"], got.get("id"), got.get("pad")) == ("OK", serial, "ok"), \
        f"expected get_id OK id={serial} pad=ok, got {got}\n{r.describe()}"


def tokens_by_req(run):
    return {o["req"]: o["token"] for o in run.ops if o["op"].startswith("submit-")
            and o["rc"] == "OK"}


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("order,want", [
    (["vq.order@1=2"], "2,1,0,3"),
    (["vq.order@1=1"], "1,0,2,3"),
    (["vq.order@1=3", "vq.order@2=1"], "3,2,1,0"),
], ids=["third-first", "second-first", "reversed"])
def test_out_of_order_completions_reach_their_own_requests(run_prog, transport,
                                                          order, want):
    # The device holds back every request until all four are in flight, then
    # completes them in the scripted order.
    ops = ("init,submit-read:0:1,submit-write:8:2,submit-read:16:3,"
           "submit-write:40:4,complete-all,read:0:44,check:8:2,check:40:4")
    r = run_blk(run_prog, f"--transport={transport}", f"--run={ops}",
                script(*repeat("vq.defer", 20), *order))
    done = [o for o in r.ops if o["op"] == "complete-all"][0]
    assert (done["rc"], done["order"]) == ("OK", want), \
        f"expected completion order {want}, got {done}\n{r.describe()}"
    submitted = tokens_by_req(r)
    for o in r.ops:
        if o["op"] == "complete":
            assert submitted[o["req"]] == o["token"], \
                f"request {o['req']} was submitted as token {submitted[o['req']]}, " \
                f"completed as {o['token']}\n{r.describe()}"
    expect_data_ok(r)


def test_script_entry_order_does_not_matter(run_prog):
    """Two entries for one decision point deviate at their own occurrences
    whichever is written first (sim/decide.c script mode)."""
    ops = "--run=init,submit-read:0:1,submit-read:1:1,submit-read:2:1,complete-all"
    defer = ",".join(repeat("vq.defer", 20)[::-1])
    orders = []
    for entries in ("vq.order@1=2,vq.order@2=1", "vq.order@2=1,vq.order@1=2"):
        r = run_blk(run_prog, ops, f"--script={defer},{entries}")
        orders.append([o for o in r.ops if o["op"] == "complete-all"][0]["order"])
    assert orders == ["2,0,1", "2,0,1"], \
        f"expected order 2,0,1 for both spellings of the script, got {orders}"


# ---- the conformance plan shared with QEMU ----------------------------------

def rw_sizes_expected(cap):
    """Sectors rw_sizes verifies (port/riscv64/blk_checks.c's plan)."""
    at, total = 64, 0
    for size in (1, 2, 3, 4, 5, 7, 8, 16, 31, 32, 64, 128):
        if at + size > cap - 16:
            break
        at, total = at + size, total + size
    return total


# name: (options, queue size, indirect, event idx)
CONFORMANCE = {
    "default": ([], 256, 1, 1),
    "no-indirect": (["--no-indirect"], 256, 0, 1),
    "no-event-idx": (["--no-event-idx"], 256, 1, 0),
    "q4": (["--queue-max=4"], 4, 1, 1),
    "q4-no-indirect-no-event-idx": (
        ["--queue-max=4", "--no-indirect", "--no-event-idx"], 4, 0, 0),
    "q16-no-indirect": (["--queue-max=16", "--no-indirect"], 16, 0, 1),
    "q5-rounds-down-to-4": (["--queue-max=5"], 4, 1, 1),
    "q1024-clamped": (["--queue-max=1024"], 256, 1, 1),
    "blk-size-4096-capacity-4096": (["--blk-size=4096", "--capacity=4096"], 256, 1, 1),
    "capacity-768": (["--capacity=768"], 256, 1, 1),
}


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("name", sorted(CONFORMANCE))
def test_conformance_plan_passes_on_a_spec_device(run_prog, transport, name):
    opts, qsize, indirect, event_idx = CONFORMANCE[name]
    r = run_blk(run_prog, f"--transport={transport}", "--serial=vfz-conf", *opts)
    cap = 4096 if "--capacity=4096" in opts else 768 if "--capacity=768" in opts else 2048
    want = {"init": "OK", "capacity": str(cap), "read_only": "0", "get_id": "vfz-conf",
            "get_id_padding": "0", "rw1": "4", "rw8": "24", "rw_sizes": str(rw_sizes_expected(cap)),
            "rw_spread": "40", "async": "48", "index_wrap": "131616", "flush": "OK",
            "read_past_end": "EINVALID_PARAM",
            "read_straddling_end": "EINVALID_PARAM", "read_bad_len": "EINVALID_PARAM",
            "findings": "0"}
    got = {t: v for t, (v, _) in r.results.items()}
    assert got == want, f"expected {want}\n     got {got}\n{r.describe()}"
    failed = [t for t, (_, ok) in r.results.items() if not ok]
    assert not failed, f"checks failed: {failed}\n{r.describe()}"
    features = int(r.info["features"], 16)
    shape = (int(r.info["queue_size"]), features >> F_INDIRECT & 1, features >> F_EVENT_IDX & 1)
    assert shape == (qsize, indirect, event_idx), \
        f"expected (queue size, indirect, event idx) {(qsize, indirect, event_idx)}, got {shape}"
    in_flight = min(24, qsize if indirect else qsize // 3)
    assert r.info["async_max_in_flight"] == str(in_flight), \
        f"expected {in_flight} requests in flight, got {r.info['async_max_in_flight']}"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_conformance_plan_on_a_read_only_device(run_prog, transport):
    r = run_blk(run_prog, f"--transport={transport}", "--capacity=768",
                "--serial=vfz ro/disk#1", "--read-only")
    want = {"init": "OK", "capacity": "768", "read_only": "1", "get_id": "vfz%20ro%2fdisk%231",
            "get_id_padding": "0", "ro_write": "EREAD_ONLY", "ro_submit_write": "EREAD_ONLY",
            "read_past_end": "EINVALID_PARAM", "read_straddling_end": "EINVALID_PARAM",
            "read_bad_len": "EINVALID_PARAM", "findings": "0"}
    got = {t: v for t, (v, _) in r.results.items()}
    assert got == want, f"expected {want}\n     got {got}\n{r.describe()}"
    assert all(ok for _, ok in r.results.values()), r.describe()


@pytest.mark.parametrize("args", [
    ["--transport=usb"], ["--capacity=99999"], ["--queue-max=65536"], ["--bogus"],
    ["--run=init,frobnicate"], ["--run=read:1"], ["--run=read:0:0"], ["--script=nonsense"],
], ids=lambda a: a[0].lstrip("-"))
def test_bad_arguments_exit_2_with_one_line(run_prog, args):
    p = run_prog(PROG, *args)
    lines = p.stderr.strip().splitlines()
    assert (p.returncode, len(lines)) == (2, 1), \
        f"expected exit 2 and one line on stderr, got exit {p.returncode}:\n{p.stderr}"


# ---- device lies -------------------------------------------------------------

DEAD = "write:0:1=EBROKEN flush=EBROKEN get_id=EBROKEN submit-read:0:1=EBROKEN destroy=OK"
NO_QUEUE = "read:0:1=EINVALID_PARAM destroy=OK"
UNSTABLE = repeat("vdev.config_gen", 16)  # every retry sees a new generation

# name: (transports, script entries, expected OP lines)
LIES = {
    "used_id_out_of_range": (TRANSPORTS, ["vq.used_id@1=300"],
                             "init=OK read:0:1=EBAD_USED " + DEAD),
    "used_id_not_in_flight": (TRANSPORTS, ["vq.used_id@1=5"],
                              "init=OK read:0:1=EBAD_USED " + DEAD),
    "used_len_over_the_buffer": (TRANSPORTS, ["vq.used_len@1=514"],
                                 "init=OK read:0:1=EBAD_USED " + DEAD),
    "used_len_zero": (TRANSPORTS, ["vq.used_len@1=0"], "init=OK read:0:1=EBAD_USED " + DEAD),
    "used_len_short_of_the_status_byte": (
        TRANSPORTS, ["vq.used_len@1=512"], "init=OK read:0:1=EIO read:0:1=OK destroy=OK"),
    "garbage_status_byte": (TRANSPORTS, ["blk.status@1=77"],
                            "init=OK read:0:1=EIO read:0:1=OK write:1:1=OK destroy=OK"),
    "ioerr_status": (TRANSPORTS, ["blk.status@1=1"], "init=OK write:0:1=EIO read:1:1=OK"),
    "unsupp_status": (TRANSPORTS, ["blk.status@1=2"], "init=OK flush=EUNSUPPORTED flush=OK"),
    "used_idx_jump": (TRANSPORTS, ["vq.used_idx@1=5"], "init=OK read:0:1=EBAD_USED " + DEAD),
    "used_idx_not_moving": (TRANSPORTS, ["vq.used_idx@1=0"],
                            "init=OK read:0:1=ETIMEOUT " + DEAD),
    "never_completing": (TRANSPORTS, ["vq.never@1=1"], "init=OK get_id=ETIMEOUT " + DEAD),
    "queue_max_size_0": (TRANSPORTS, ["vdev.num_max@1=0"],
                         "init=EBAD_QUEUE_SIZE " + NO_QUEUE),
    "queue_max_size_2_cannot_hold_a_request": (
        TRANSPORTS, ["vdev.num_max@1=2"], "init=EBAD_QUEUE_SIZE " + NO_QUEUE),
    "queue_max_size_65535_is_clamped": (TRANSPORTS, ["vdev.num_max@1=65535"],
                                        "init=OK read:0:1=OK write:0:1=OK"),
    "features_ok_dropped": (MODERN, ["vdev.features_ok@1=1"], "init=EFEATURES " + NO_QUEUE),
    "modern_device_without_version_1": (MODERN, ["vdev.features@1=0"],
                                        "init=EFEATURES " + NO_QUEUE),
    "legacy_device_offers_no_features": (["mmio1"], ["vdev.features@1=0"],
                                         "init=OK read:0:1=OK write:0:1=OK flush=OK"),
    "capacity_0": (TRANSPORTS, ["blk.capacity@1=0"], "init=EBAD_CONFIG " + NO_QUEUE),
    "capacity_overflowing_bytes": (TRANSPORTS, ["blk.capacity@2=0x80000000"],
                                   "init=EBAD_CONFIG " + NO_QUEUE),
    "blk_size_not_a_power_of_two": (TRANSPORTS, ["blk.blk_size@1=1000"],
                                    "init=EBAD_CONFIG " + NO_QUEUE),
    "blk_size_below_a_sector": (TRANSPORTS, ["blk.blk_size@1=256"],
                                "init=EBAD_CONFIG " + NO_QUEUE),
    "config_generation_never_settling": (MODERN, UNSTABLE,
                                         "init=ECONFIG_UNSTABLE " + NO_QUEUE),
    "config_generation_settling_at_the_last_retry": (
        MODERN, UNSTABLE[:-1], "init=OK read:0:1=OK"),
    "legacy_config_has_no_generation": (["mmio1"], UNSTABLE, "init=OK read:0:1=OK"),
    "ring_dma_alloc_failing": (TRANSPORTS, ["hal.dma_alloc_fail@1=1"], "init=EDMA " + NO_QUEUE),
    "indirect_table_dma_alloc_failing": (TRANSPORTS, ["hal.dma_alloc_fail@2=1"],
                                         "init=EDMA " + NO_QUEUE),
    "header_share_failing": (TRANSPORTS, ["hal.share_fail@1=1"],
                             "init=OK read:0:1=EDMA read:0:1=OK destroy=OK"),
    "data_share_failing": (TRANSPORTS, ["hal.share_fail@2=1"],
                           "init=OK write:0:4=EDMA write:0:4=OK"),
    "status_share_failing": (TRANSPORTS, ["hal.share_fail@3=1"],
                             "init=OK submit-read:0:2=EDMA submit-read:0:2=OK complete=OK "
                             "complete-all=OK"),
    # mmio probe
    "bad_magic": (["mmio1", "mmio2"], ["mmio.magic@1=0x12345678"],
                  "probe=EBAD_MAGIC init=SKIPPED"),
    "bad_version": (["mmio1", "mmio2"], ["mmio.version@1=3"], "probe=EBAD_VERSION init=SKIPPED"),
    "version_0": (["mmio1", "mmio2"], ["mmio.version@1=0"], "probe=EBAD_VERSION init=SKIPPED"),
    "device_id_0": (["mmio1", "mmio2"], ["mmio.device_id@1=0"],
                    "probe=EBAD_DEVICE_ID init=SKIPPED"),
    "device_id_not_blk": (["mmio1", "mmio2"], ["mmio.device_id@1=1"],
                          "init=EBAD_DEVICE_ID read:0:1=EINVALID_PARAM"),
    "vendor_all_ones": (["mmio1", "mmio2"], ["mmio.vendor@1=0xffffffff"],
                        "probe=EBAD_VENDOR init=SKIPPED"),
    # the non-blocking path
    "async_used_id_not_in_flight": (
        TRANSPORTS, ["vq.used_id@1=7"],
        "init=OK submit-read:0:1=OK submit-read:1:1=OK complete-all=EBAD_USED "
        "submit-read:2:1=EBROKEN peek=EBROKEN destroy=OK"),
    "async_used_len_over_the_buffer": (
        TRANSPORTS, ["vq.used_len@2=9999"],
        "init=OK submit-read:0:1=OK submit-write:4:2=OK complete=OK complete-all=EBAD_USED "
        "read:0:1=EBROKEN destroy=OK"),
    "async_used_len_zero": (
        TRANSPORTS, ["vq.used_len@1=0"],
        "init=OK submit-read:0:1=OK submit-read:1:1=OK complete=EBAD_USED "
        "complete-all=EBAD_USED peek=EBROKEN destroy=OK"),
    "async_garbage_status": (
        TRANSPORTS, ["blk.status@2=77"],
        "init=OK submit-read:0:1=OK submit-read:1:1=OK submit-read:2:1=OK complete=OK "
        "complete=EIO complete=OK complete-all=OK read:0:3=OK"),
    "async_never_completing": (
        TRANSPORTS, ["vq.never@2=1"],
        "init=OK submit-read:0:1=OK submit-read:1:1=OK complete=OK complete-all=ETIMEOUT "
        "read:0:1=EINVALID_PARAM destroy=OK init=OK read:0:1=OK"),
}


@pytest.mark.parametrize("name,transport", [
    (name, t) for name in sorted(LIES) for t in LIES[name][0]])
def test_device_lie_gets_its_driver_error_and_no_finding(run_prog, name, transport):
    _, entries, want = LIES[name]
    r = run_blk(run_prog, f"--transport={transport}", script(*entries), ops_of(want))
    expect_ops(r, want)
    expect_data_ok(r)


# ---- virtio-pci ----------------------------------------------------------------

def test_pci_round_trip_with_firmware_assigned_bars(run_prog):
    want = ("init=OK write:0:8=OK read:0:8=OK flush=OK get_id=OK submit-read:0:8=OK "
            "complete=OK complete-all=OK")
    r = run_blk(run_prog, "--transport=pci", "--pci-firmware", ops_of(want))
    expect_ops(r, want)
    expect_data_ok(r)


LAYOUT = "pci.layout@1=1"  # decide the capability list: common isr device notify pci_cfg

# name: (script entries, extra options, expected OP lines, step that fails)
PCI_LIES = {
    "cap_ptr_below_the_header": ([LAYOUT, "pci.cap_ptr@1=0x10"], [], "EPCI_CAP", "pci_init"),
    "cap_next_below_the_header": ([LAYOUT, "pci.cap_next@1=0x30"], [], "EPCI_CAP", "pci_init"),
    "cap_next_past_config_space": ([LAYOUT, "pci.cap_next@1=0xfe"], [], "EPCI_CAP", "pci_init"),
    "cap_next_misaligned": ([LAYOUT, "pci.cap_next@1=0x42"], [], "EPCI_CAP", "pci_init"),
    "cap_next_looping": ([LAYOUT, "pci.cap_next@2=0x40"], [], "EPCI_CAP", "pci_init"),
    "cap_len_too_small": ([LAYOUT, "pci.cap_len@1=8"], [], "EPCI_CAP", "pci_init"),
    "notify_cap_len_without_the_multiplier": ([LAYOUT, "pci.cap_len@4=16"], [],
                                              "EPCI_CAP", "pci_init"),
    "cap_len_past_config_header": ([LAYOUT, "pci.cap_len@5=0xf0"], [], "EPCI_CAP", "pci_init"),
    "bar_index_out_of_range": ([LAYOUT, "pci.bar@1=7"], [], "EPCI_BAR", "pci_init"),
    "bar_not_implemented_in_cap": ([LAYOUT, "pci.bar@1=0"], [], "EPCI_BAR", "pci_init"),
    "bar_unassigned": ([], ["--pci-no-assign"], "EPCI_BAR", "pci_init"),
    "io_bar": (["pci.bar_reg@1=1"], [], "EPCI_BAR", "pci_init"),
    "bar_of_reserved_type": (["pci.bar_reg@1=2"], [], "EPCI_BAR", "assign_bars"),
    "bar_not_implemented": (["pci.bar_reg@1=3"], [], "EPCI_BAR", "pci_init"),
    "bar_size_mask_with_holes": (["pci.bar_reg@1=4"], [], "EPCI_BAR", "assign_bars"),
    "bar_not_keeping_its_address": (["pci.bar_reg@1=5"], [], "EPCI_BAR", "assign_bars"),
    "region_overflowing_the_bar": ([LAYOUT, "pci.offset@1=0x3800"], [], "EPCI_RANGE", "pci_init"),
    "region_length_wrapping": ([LAYOUT, "pci.length@1=0xffffffff"], [], "EPCI_RANGE",
                               "pci_init"),
    "region_misaligned": ([LAYOUT, "pci.offset@1=2"], [], "EPCI_RANGE", "pci_init"),
    "common_region_too_short": ([LAYOUT, "pci.length@1=8"], [], "EPCI_RANGE", "pci_init"),
    # found by fuzzing blk_pci: a notify write then landed on queue_enable
    "notify_region_overlapping_common_config": ([LAYOUT, "pci.offset@4=0"], [], "EPCI_RANGE",
                                                "pci_init"),
    "notify_region_overlapping_device_config": ([LAYOUT, "pci.offset@4=0x2000"], [],
                                                "EPCI_RANGE", "pci_init"),
    "isr_region_inside_common_config": ([LAYOUT, "pci.offset@2=0x10"], [], "EPCI_RANGE",
                                        "pci_init"),
    "notify_multiplier_not_a_power_of_two": ([LAYOUT, "pci.notify_mult@1=3"], [],
                                             "EPCI_NOTIFY", "pci_init"),
    "notify_multiplier_1": ([LAYOUT, "pci.notify_mult@1=1"], [], "EPCI_NOTIFY", "pci_init"),
    "common_cap_missing": ([LAYOUT, "pci.cfg_type@1=9"], [], "EPCI_CAP_MISSING", "pci_init"),
    "isr_cap_missing": ([LAYOUT, "pci.cfg_type@2=9"], [], "EPCI_CAP_MISSING", "pci_init"),
    "notify_cap_missing": ([LAYOUT, "pci.cfg_type@4=9"], [], "EPCI_CAP_MISSING", "pci_init"),
    "no_capability_list": ([LAYOUT, "pci.status@1=0"], [], "EPCI_CAP_MISSING", "pci_init"),
    "device_id_outside_the_virtio_range": (["pci.device_id@1=0x1100"], [], "EBAD_DEVICE_ID",
                                           "pci_init"),
    "device_id_of_type_0": (["pci.device_id@1=0x1040"], [], "EBAD_DEVICE_ID", "pci_init"),
}


@pytest.mark.parametrize("name", sorted(PCI_LIES))
def test_malformed_pci_function_is_refused_at_probe(run_prog, name):
    entries, opts, err, step = PCI_LIES[name]
    r = run_blk(run_prog, "--transport=pci", *opts, *([script(*entries)] if entries else []),
                "--run=init")
    probe = r.ops[0]
    assert (probe["rc"], probe["step"]) == (err, step), \
        f"expected probe rc={err} step={step}, got rc={probe['rc']} step={probe['step']}\n" \
        f"{r.describe()}"
    expect_ops(r, f"probe={err} init=SKIPPED")


# name: (script entries, expected OP lines): the probe passes, init refuses.
PCI_INIT_LIES = {
    "queue_notify_off_past_the_notify_region": (
        ["pci.notify_off@1=0x400"], "init=EPCI_NOTIFY " + NO_QUEUE),
    "queue_notify_off_times_multiplier_overflowing": (
        [LAYOUT, "pci.notify_mult@1=0x80000000", "pci.notify_off@1=2"],
        "init=EPCI_NOTIFY " + NO_QUEUE),
    "msix_config_vector_not_kept": (["pci.msix@1=0"], "init=EPCI_MSIX " + NO_QUEUE),
    "queue_msix_vector_not_kept": (["pci.msix@2=0"], "init=EPCI_MSIX " + NO_QUEUE),
    "no_queues": (["pci.num_queues@1=0"], "init=EBAD_QUEUE_SIZE " + NO_QUEUE),
    # The transport knows no device types: without a device-config
    # capability it has config_size 0, and blk, which needs config, says so.
    "device_cap_missing_leaves_blk_without_config": (
        [LAYOUT, "pci.cfg_type@3=9"], "init=ECONFIG_MISSING " + NO_QUEUE),
    # Legal layouts the driver must accept.
    "notify_multiplier_0_shares_one_address": (
        [LAYOUT, "pci.notify_mult@1=0"], "init=OK write:0:2=OK read:0:2=OK"),
    "transitional_device_id_uses_the_subsystem_id": (
        ["pci.device_id@1=0x1001"], "init=OK write:0:2=OK read:0:2=OK"),
}


@pytest.mark.parametrize("name", sorted(PCI_INIT_LIES))
def test_pci_device_lie_after_probe(run_prog, name):
    entries, want = PCI_INIT_LIES[name]
    r = run_blk(run_prog, "--transport=pci", script(*entries), ops_of(want))
    expect_ops(r, want)
    expect_data_ok(r)
