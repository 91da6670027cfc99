# SPDX-License-Identifier: MIT
"""virtio-gpu scenarios: the real driver (drivers/dev/gpu.c) against the
sim's gpu model (sim/dev/gpu.c) through the device seam, on every
transport, spec-conforming and lying.

Each case runs build/replay/device_scenario --device=gpu once (record mode)
with a workload in fuzz/dev_gpu.c's opcodes and a decision script
(sim/decide.h script mode), and reads its `op:` lines, the `harness:`
summary and `FINDINGS <n>`. A spec device must pass every operation, and
every flush must leave the model's scanout showing exactly the pixels the
driver drew; a lying device must get an error wherever the lie is
detectable, and every run must end with FINDINGS 0: no leak, no HAL
misuse, no crash, no wrong answer, whatever the device said.
"""
import pytest

from scenario import expect_no_oracle_line, expect_ops, le16, run_device

TRANSPORTS = ["mmio2", "mmio1", "pci", "pci-firmware"]
LIE_TRANSPORTS = ["mmio2", "mmio1", "pci"]
WIDTH, HEIGHT = 40, 30  # the fuzz model's mode (fuzz/dev_gpu.c)
FB_MAX = 64 << 10       # GPU_FB_MAX: the workload's framebuffer cap


# ---- workloads (fuzz/dev_gpu.c opcodes) -------------------------------------

RES, SETUP, FLUSH, EVENTS, ACK = b"\x00", b"\x01", b"\x03", b"\x06", b"\x07"


def draw(seed):
    return bytes([2, seed])


def cursor(seed, x, y, hot):
    return bytes([4, seed]) + le16(x) + le16(y) + bytes([hot])


def move(x, y):
    return b"\x05" + le16(x) + le16(y)


def display(w, h):
    return bytes([8, w - 16, h - 16])


# ---- running one scenario -----------------------------------------------------

def run_gpu(run_prog, transport, work, *script):
    """draw, display_change: the workload's, not driver calls."""
    return run_device(run_prog, "gpu", transport, work, *script,
                      facts=("draw", "display_change"))


def size(o):
    return int(o["width"]), int(o["height"])


# ---- a spec-conforming device ------------------------------------------------------

SPEC_WORK = (RES + EVENTS + SETUP + draw(0x11) + FLUSH + cursor(0x5A, 10, 20, 0x41) +
             move(30, 5) + draw(0x80) + FLUSH + display(64, 48) + EVENTS + RES + SETUP +
             draw(0x33) + FLUSH + move(0, 0) + EVENTS)
SPEC_OPS = ("init=OK resolution=OK events=OK setup_framebuffer=OK flush=OK "
            "setup_cursor=OK move_cursor=OK flush=OK events=OK resolution=OK "
            "setup_framebuffer=OK flush=OK move_cursor=OK events=OK")


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_spec_device_shows_exactly_what_the_driver_drew(run_prog, transport):
    r = run_gpu(run_prog, transport, SPEC_WORK)
    expect_ops(r, SPEC_OPS)
    expect_no_oracle_line(r)
    assert r.harness["completed"] == "1" and r.harness["failed"] == "0", r.describe()
    assert r.op("init")["num_scanouts"] == "1", r.describe()
    # The mode, then the new one after the host's display change.
    assert [size(o) for o in r.all("resolution")] == [(WIDTH, HEIGHT), (64, 48)]
    assert [(size(o), int(o["len"])) for o in r.all("setup_framebuffer")] == \
        [((WIDTH, HEIGHT), WIDTH * HEIGHT * 4), ((64, 48), 64 * 48 * 4)], r.describe()
    # Every flush: the scanout shows the framebuffer's size and its bytes.
    assert [(size(o), o["shown_equal"]) for o in r.all("flush")] == \
        [((WIDTH, HEIGHT), "1"), ((WIDTH, HEIGHT), "1"), ((64, 48), "1")], r.describe()
    # No event, the display event (cleared by reading), none again.
    assert [o["events"] for o in r.all("events")] == ["0", "1", "0"], r.describe()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_default_workload_runs_every_operation_clean(run_prog, transport):
    r = run_gpu(run_prog, transport, b"")
    expect_no_oracle_line(r)
    assert all(o["rc"] == "OK" for o in r.ops) and r.harness["completed"] == "1", \
        r.describe()


@pytest.mark.parametrize("transport", ["mmio2", "pci"])
def test_calls_before_set_up_are_not_ready_and_the_device_stays_usable(run_prog,
                                                                       transport):
    r = run_gpu(run_prog, transport, FLUSH + move(1, 2) + SETUP + FLUSH +
                cursor(1, 2, 3, 4) + move(5, 6))
    expect_ops(r, "init=OK flush=ENOT_READY move_cursor=ENOT_READY setup_framebuffer=OK "
                  "flush=OK setup_cursor=OK move_cursor=OK")
    expect_no_oracle_line(r)


def test_framebuffer_past_the_cap_is_refused_and_the_old_one_stays(run_prog):
    # 128x128x4 is the cap exactly; 129x128 passes it. A refused set-up
    # leaves the framebuffer before it shown and flushable.
    r = run_gpu(run_prog, "mmio2", SETUP + display(129, 128) + SETUP + draw(9) + FLUSH +
                display(128, 128) + SETUP + draw(10) + FLUSH)
    expect_ops(r, "init=OK setup_framebuffer=OK setup_framebuffer=EUNSUPPORTED flush=OK "
                  "setup_framebuffer=OK flush=OK")
    assert [(size(o), o["shown_equal"]) for o in r.all("flush")] == \
        [((WIDTH, HEIGHT), "1"), ((128, 128), "1")], r.describe()
    assert int(r.all("setup_framebuffer")[-1]["len"]) == FB_MAX
    expect_no_oracle_line(r)


def test_a_legal_other_resolution_is_used_and_shown_exactly(run_prog):
    # Not a lie: the device reports 100x20 (it may); the framebuffer, the
    # scanout and the pixels shown follow it.
    r = run_gpu(run_prog, "mmio2", SETUP + draw(7) + FLUSH,
                "gpu.width@1=100", "gpu.height@1=20")
    expect_ops(r, "init=OK setup_framebuffer=OK flush=OK")
    assert size(r.op("setup_framebuffer")) == (100, 20), r.describe()
    assert (size(r.op("flush")), r.op("flush")["shown_equal"]) == ((100, 20), "1")


@pytest.mark.parametrize("transport", ["mmio2", "mmio1", "pci"])
def test_display_change_raises_a_config_interrupt_and_an_event(run_prog, transport):
    r = run_gpu(run_prog, transport, ACK + display(20, 20) + ACK + EVENTS + EVENTS)
    isr = [int(o["isr"]) for o in r.all("ack_interrupt")]
    assert isr[1] & 2, f"config-change interrupt after the display changed: {isr}\n" \
                       f"{r.describe()}"
    assert [o["events"] for o in r.all("events")] == ["1", "0"], r.describe()


# ---- lying devices ---------------------------------------------------------------

# Controlq responses: a SETUP is display info (1), create (2), attach (3),
# set_scanout (4); a FLUSH transfer and flush. Cursorq: UPDATE_CURSOR is the
# 4th used entry of a cursor set-up (create, attach, transfer, update).
WORK = SETUP + FLUSH + RES
AFTER_LIE = "init=OK setup_framebuffer=EBAD_USED flush=EBROKEN resolution=EBROKEN"
AFTER_ERR = "init=OK setup_framebuffer=EIO flush=ENOT_READY resolution=OK"

# name: (workload, script entries, expected op=rc).
LIES = {
    "display_info_used_len_0": (WORK, ["vq.used_len@1=0"], AFTER_LIE),
    "display_info_used_len_one_short": (WORK, ["vq.used_len@1=407"], AFTER_LIE),
    "display_info_type_ok_nodata": (WORK, ["gpu.resp_type@1=0x1100"], AFTER_LIE),
    "display_info_width_0": (WORK, ["gpu.width@1=0"], AFTER_LIE),
    "display_info_height_0": (WORK, ["gpu.height@1=0"], AFTER_LIE),
    "display_info_width_past_any_display": (WORK, ["gpu.width@1=16385"], AFTER_LIE),
    "display_info_height_huge": (WORK, ["gpu.height@1=0xffffffff"], AFTER_LIE),
    "create_used_len_below_the_header": (WORK, ["vq.used_len@2=23"], AFTER_LIE),
    "create_type_ok_display_info": (WORK, ["gpu.resp_type@2=0x1101"], AFTER_LIE),
    "create_type_a_command": (WORK, ["gpu.resp_type@2=0x101"], AFTER_LIE),
    "attach_type_0": (WORK, ["gpu.resp_type@3=0"], AFTER_LIE),
    "set_scanout_used_id_out_of_range": (WORK, ["vq.used_id@4=5"], AFTER_LIE),
    "command_never_completed": (WORK, ["vq.never@1=1"],
                                "init=OK setup_framebuffer=ETIMEOUT flush=EBROKEN "
                                "resolution=EBROKEN"),
    "transfer_type_ok_edid": (SETUP + FLUSH + RES, ["gpu.resp_type@5=0x1104"],
                              "init=OK setup_framebuffer=OK flush=EBAD_USED "
                              "resolution=EBROKEN"),
    "move_cursor_used_id_never_given": (cursor(1, 0, 0, 0) + move(1, 1) + RES,
                                        ["vq.used_id@5=1"],
                                        "init=OK setup_cursor=OK move_cursor=EBAD_USED "
                                        "resolution=EBROKEN"),
}

LIE_CASES = [(name, tr) for name in sorted(LIES) for tr in LIE_TRANSPORTS]


# A used len on a chain the device only reads (2.7.8.1 wants 0) counts no
# byte the driver reads back: the queue takes it as 0, not as a lie
# (drivers/queue/split.c), as QEMU's virtio-input statusq needs.
def test_cursor_used_len_is_taken_as_0_not_as_a_lie(run_prog):
    r = run_gpu(run_prog, "mmio2", cursor(1, 0, 0, 0) + move(1, 1), "vq.used_len@4=1")
    expect_ops(r, "init=OK setup_cursor=OK move_cursor=OK")


@pytest.mark.parametrize("name,transport", LIE_CASES)
def test_lie_is_an_error_not_a_success(run_prog, name, transport):
    work, entries, want = LIES[name]
    r = run_gpu(run_prog, transport, work, *entries)
    expect_ops(r, want)
    assert r.harness["completed"] == "0", \
        f"a device caught lying must be stopped (completed=0), got {r.harness}\n" \
        f"{r.describe()}"


# name: (script entries, expected op=rc): error responses and a disabled
# scanout are answers, not lies: an error, and the device stays usable.
ERRORS = {
    "display_info_err_unspec": (["gpu.resp_type@1=0x1200"],
                                "init=OK setup_framebuffer=EIO flush=ENOT_READY "
                                "resolution=OK"),
    "scanout_disabled": (["gpu.enabled@1=0"],
                         "init=OK setup_framebuffer=EUNSUPPORTED flush=ENOT_READY "
                         "resolution=OK"),
    "create_err_out_of_memory": (["gpu.resp_type@2=0x1201"], AFTER_ERR),
    "attach_err_unspec": (["gpu.resp_type@3=0x1200"], AFTER_ERR),
    "set_scanout_err_invalid_scanout_id": (["gpu.resp_type@4=0x1202"], AFTER_ERR),
    "set_scanout_err_invalid_parameter": (["gpu.resp_type@4=0x1205"], AFTER_ERR),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_error_response_is_an_error_and_the_device_stays_usable(run_prog, name):
    entries, want = ERRORS[name]
    r = run_gpu(run_prog, "mmio2", WORK, *entries)
    expect_ops(r, want)
    assert r.harness["completed"] == "1", r.describe()


def test_flush_error_then_a_good_flush_shows_the_pixels(run_prog):
    r = run_gpu(run_prog, "pci", SETUP + draw(3) + FLUSH + FLUSH,
                "gpu.resp_type@6=0x1203")
    expect_ops(r, "init=OK setup_framebuffer=OK flush=EIO flush=OK")
    assert r.all("flush")[1]["shown_equal"] == "1", r.describe()


@pytest.mark.parametrize("transport", ["mmio2", "pci"])
def test_unknown_event_bit_is_refused_and_nothing_cleared(run_prog, transport):
    r = run_gpu(run_prog, transport, EVENTS + EVENTS, "gpu.events_read@1=2")
    expect_ops(r, "init=OK events=EBAD_CONFIG events=OK")


# name: (script entries, init error): lies at initialisation.
INIT_LIES = {
    "num_scanouts_0": (["gpu.num_scanouts@1=0"], "EBAD_CONFIG"),
    "num_scanouts_17": (["gpu.num_scanouts@1=17"], "EBAD_CONFIG"),
    "num_scanouts_huge": (["gpu.num_scanouts@1=0xffffffff"], "EBAD_CONFIG"),
    "device_id_not_gpu": (["mmio.device_id@1=2"], "EBAD_DEVICE_ID"),
    "controlq_of_1_holds_no_command_and_response": (["vdev.num_max@1=1"],
                                                    "EBAD_QUEUE_SIZE"),
    "cursorq_size_0": (["vdev.num_max@2=0"], "EBAD_QUEUE_SIZE"),
    "platform_refuses_the_controlq": (["hal.dma_alloc_fail@1=1"], "EDMA"),
}
INIT_CASES = [(name, tr) for name in sorted(INIT_LIES) for tr in LIE_TRANSPORTS]


@pytest.mark.parametrize("name,transport", INIT_CASES)
def test_init_lie_fails_init_and_holds_nothing(run_prog, name, transport):
    entries, err = INIT_LIES[name]
    if name == "device_id_not_gpu" and transport == "pci":
        entries = ["pci.device_id@1=0x1042"]  # a modern blk function
    r = run_gpu(run_prog, transport, SETUP + FLUSH, *entries)
    expect_ops(r, f"init={err}")


@pytest.mark.parametrize("length", [4, 12])
def test_device_config_too_small_fails_init(run_prog, length):
    # PCI: the device-specific config capability (the 3rd) says `length`
    # bytes; struct virtio_gpu_config has 16 (5.7.4).
    r = run_gpu(run_prog, "pci", SETUP, "pci.layout@1=1", f"pci.length@3={length}")
    expect_ops(r, "init=ECONFIG_TOO_SMALL")


# ---- the model's own checks (pytest/progs/gpu_misuse.c) ----------------------

MISUSE = {
    "ctrl-no-header": "desc-malformed",
    "ctrl-short-request": "desc-malformed",
    "ctrl-no-room-for-response": "desc-malformed",
    "attach-fewer-entries": "desc-malformed",
    "attach-unowned-backing": "device-access-unowned",
    "transfer-past-backing": "desc-malformed",
    "cursor-short": "desc-malformed",
    "config-write-read-only": "status-protocol",
}


@pytest.mark.parametrize("scenario", sorted(MISUSE))
def test_model_reports_a_command_no_gpu_driver_may_give(run_prog, scenario):
    proc = run_prog("gpu_misuse", scenario)
    assert proc.returncode == 0, f"gpu_misuse {scenario} failed:\n{proc.stdout}{proc.stderr}"
    want = f"FINDINGS 1 last={MISUSE[scenario]}"
    assert want in proc.stdout, \
        f"{scenario}: expected {want!r}\n{proc.stdout}{proc.stderr[-3000:]}"


def test_model_stays_quiet_on_a_correct_framebuffer_and_cursor(run_prog):
    proc = run_prog("gpu_misuse", "ok-framebuffer-and-cursor")
    assert proc.returncode == 0 and "FINDINGS 0" in proc.stdout, \
        f"expected no finding\n{proc.stdout}{proc.stderr[-3000:]}"


def test_misuse_program_refuses_an_unknown_scenario(run_prog):
    proc = run_prog("gpu_misuse", "no-such-scenario")
    assert proc.returncode == 2 and "unknown scenario" in proc.stderr, proc.stderr
