# SPDX-License-Identifier: MIT
"""virtio-9p (device p9) scenarios: the real driver (drivers/dev/p9.c)
against the sim's 9p model (sim/dev/p9.c, an in-memory 9P2000.L server)
through the device seam, on every transport, spec-conforming and lying.

Each case runs build/replay/device_scenario --device=p9 once (record mode)
with a workload in fuzz/dev_p9.c's opcodes (a small 9P client that builds
its own T-messages) and a decision script (sim/decide.h script mode), and
reads its `op:` lines and `FINDINGS <n>`. A spec device must answer every
request with every byte of every file exact (the test recomputes the
files' bytes and their FNV-1a hashes); a lie the driver can see in an
answer's 9P header or used entry must be an error, and every run must end
with FINDINGS 0: no leak, no HAL misuse, no crash, no wrong answer.
"""
import pytest

from scenario import expect_no_oracle_line, expect_ops, fnv, le16, run_device

TRANSPORTS = ["mmio2", "mmio1", "pci", "pci-firmware"]
TAG = "vfuzz9p"  # SIM_P9_DEFAULT_TAG
MSIZE = 8192     # SIM_P9_MSIZE_MAX: what Tversion asks and the server grants
RBUF = 8192      # the workload's answer buffer
# sim/dev/p9.c's tree: index -> length (files only)
FILES = {"hello.txt": (1, 26), "big.bin": (2, 20000), "nested.bin": (5, 333),
         "last.bin": (6, 4097), "empty": (3, 0)}
RLERROR, RVERSION, RATTACH, RWALK, RLOPEN, RREAD, RCLUNK = 7, 101, 105, 111, 13, 117, 121
ENOENT, EBADF, EINVAL, ENOTDIR, EISDIR, EROFS, EPROTO, EMSGSIZE, ENOTSUP = \
    2, 9, 22, 20, 21, 30, 71, 90, 95


# ---- workloads (fuzz/dev_p9.c opcodes) ----------------------------------------

def version(msize=0, legacy=0):
    return b"\x00" + le16(msize) + bytes([legacy])


def attach(fid):
    return bytes([1, fid])


# the workload's Twalk paths, by index
P_CLONE, P_HELLO, P_BIG, P_NESTED, P_DIR, P_MISSING, P_DIR_MISSING, P_LAST, \
    P_EMPTY, P_DOTDOT, P_NOTDIR = range(11)


def walk(fid, newfid, path):
    return bytes([2, fid, newfid, path])


def lopen(fid, flags=0):
    return bytes([3, fid, flags])


def read(fid, off, count):
    return bytes([4, fid]) + le16(off) + le16(count)


def clunk(fid):
    return bytes([5, fid])


def statfs(fid):
    return bytes([6, fid])


MOUNT_TAG, ACK = b"\x07", b"\x09"


def irqs(on):
    return bytes([8, on])


def refuse(k):
    return bytes([10, k])


def file_bytes(index, off, n):
    """sim_p9_file_byte: what an honest Tread returns."""
    return bytes((index * 41 + i * 7 + (i >> 8)) & 0xFF for i in range(off, off + n))


# ---- running one scenario -----------------------------------------------------

def run_p9(run_prog, transport, work, *script):
    return run_device(run_prog, "p9", transport, work, *script)


def answers(r):
    """(op, rtype, detail) of every request answered."""
    out = []
    for o in r.ops:
        if "rtype" not in o:
            continue
        detail = o.get("ecode") or o.get("count") or o.get("nwqid")
        out.append((o["op"], int(o["rtype"]), int(detail) if detail else None))
    return out


# ---- a spec-conforming device ------------------------------------------------------

# Read every file whole: big.bin in msize - 11 = 8181-byte pieces.
SPEC_WORK = (MOUNT_TAG + version() + attach(0) +
             walk(0, 1, P_HELLO) + lopen(1) + read(1, 0, 8192) +
             walk(0, 2, P_BIG) + lopen(2) + read(2, 0, 8192) + read(2, 8181, 8192) +
             read(2, 16362, 8192) + read(2, 20000, 10) +
             walk(0, 3, P_NESTED) + lopen(3) + read(3, 0, 333) +
             walk(0, 4, P_LAST) + lopen(4) + read(4, 4000, 200) +
             clunk(1) + clunk(2) + clunk(3) + clunk(4) + clunk(0))
SPEC_READS = [("hello.txt", 0, 26), ("big.bin", 0, 8181), ("big.bin", 8181, 8181),
              ("big.bin", 16362, 3638), ("big.bin", 20000, 0), ("nested.bin", 0, 333),
              ("last.bin", 4000, 97)]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_spec_device_serves_every_file_byte_for_byte(run_prog, transport):
    r = run_p9(run_prog, transport, SPEC_WORK)
    expect_no_oracle_line(r)
    assert all(o["rc"] == "OK" for o in r.ops) and r.harness["completed"] == "1", \
        r.describe()
    tag = r.all("mount_tag")[0]
    assert (tag["len"], tag["tag"]) == (str(len(TAG)), TAG), r.describe()
    types = [t for _, t, _ in answers(r)]
    assert types == [RVERSION, RATTACH] + [RWALK, RLOPEN, RREAD] + \
        [RWALK, RLOPEN] + [RREAD] * 4 + [RWALK, RLOPEN, RREAD] * 2 + [RCLUNK] * 5, \
        f"the answers' types {types}\n{r.describe()}"
    got = [(int(o["count"]), o["fnv"]) for o in r.all("read")]
    want = [(n, fnv(file_bytes(FILES[name][0], off, n))) for name, off, n in SPEC_READS]
    assert got == want, f"every byte of every file: want {want}\n got {got}\n{r.describe()}"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_default_workload_runs_every_operation_clean(run_prog, transport):
    r = run_p9(run_prog, transport, b"")
    expect_no_oracle_line(r)
    assert all(o["rc"] in ("OK", "EINVALID_PARAM") for o in r.ops), r.describe()
    assert [o["rc"] for o in r.all("refused")] == ["EINVALID_PARAM"] * 4, r.describe()


def test_every_call_the_driver_must_refuse_is_refused(run_prog):
    r = run_p9(run_prog, "pci", b"".join(refuse(k) for k in range(12)) + version())
    expect_no_oracle_line(r)
    expect_ops(r, "init=OK" + " refused=EINVALID_PARAM" * 12 + " version=OK")
    assert r.harness["completed"] == "1", r.describe()


def test_server_errors_are_answers_not_transport_errors(run_prog):
    # Every Rlerror is a valid answer: the transport returns it as OK.
    work = (attach(0) + version(2000) + version(0, 1) + version() + attach(33) +
            attach(0) + attach(0) + walk(9, 1, P_HELLO) + walk(0, 1, P_MISSING) +
            walk(0, 1, P_DIR_MISSING) + walk(0, 1, P_NOTDIR) + walk(0, 1, P_DIR) +
            lopen(1) + read(1, 0, 10) + lopen(0, 1) + clunk(9) + statfs(0))
    r = run_p9(run_prog, "mmio2", work)
    expect_no_oracle_line(r)
    assert answers(r) == [
        ("attach", RLERROR, EPROTO), ("version", RLERROR, EMSGSIZE),
        ("version", RVERSION, None), ("version", RVERSION, None),
        ("attach", RLERROR, EINVAL), ("attach", RATTACH, None), ("attach", RLERROR, EINVAL),
        ("walk", RLERROR, EBADF), ("walk", RLERROR, ENOENT), ("walk", RWALK, 1),
        ("walk", RWALK, 1), ("walk", RWALK, 1), ("lopen", RLOPEN, None),
        ("read", RLERROR, EISDIR), ("lopen", RLERROR, EROFS), ("clunk", RLERROR, EBADF),
        ("statfs", RLERROR, ENOTSUP)], r.describe()


@pytest.mark.parametrize("transport", ["mmio2", "mmio1", "pci"])
def test_interrupts_follow_the_drivers_wish(run_prog, transport):
    work = ACK + irqs(0) + version() + ACK + irqs(1) + attach(0) + ACK
    r = run_p9(run_prog, transport, work)
    isr = [int(o["isr"]) & 1 for o in r.all("ack_interrupt")]
    assert isr[1:] == [0, 1], f"used-buffer interrupt bits off, then on: {isr}\n{r.describe()}"


def test_answer_fields_the_transport_does_not_read_are_the_callers(run_prog):
    # A lying msize, qid or count is the 9P client's to judge: the transport
    # hands the answer back exactly as the device wrote it.
    r = run_p9(run_prog, "mmio2",
               version() + attach(0) + walk(0, 1, P_HELLO) + lopen(1) + read(1, 0, 26),
               "p9.msize@1=7", "p9.qid_path@1=0", "p9.count@1=4000")
    expect_ops(r, "init=OK version=OK attach=OK walk=OK lopen=OK read=OK")
    assert r.all("read")[0]["count"] == "4000", r.describe()


def test_self_consistent_longer_answer_is_taken_with_the_bytes_written(run_prog):
    # size and used len agree on 30 bytes: no lie the transport can see; the
    # 9 bytes past the Rversion are ones the device wrote.
    r = run_p9(run_prog, "mmio2", version() + attach(0), "p9.size@1=30", "p9.len@1=30",
               "p9.byte@2=0x5a")
    expect_ops(r, "init=OK version=OK attach=OK")
    assert r.all("version")[0]["rlen"] == "30", r.describe()


@pytest.mark.parametrize("rtype", [RLERROR, 107])
def test_error_answers_are_answers(run_prog, rtype):
    # Rlerror (9P2000.L) and Rerror (older dialects) answer any request.
    r = run_p9(run_prog, "mmio2", version() + attach(0), f"p9.type@1={rtype}")
    expect_ops(r, "init=OK version=OK attach=OK")
    assert int(r.all("version")[0]["rtype"]) == rtype, r.describe()


def test_tag_of_254_bytes_fits_the_config_space(run_prog):
    # A lie the driver cannot see: 254 bytes are within the 256-byte
    # config window (the rest of them zeros).
    r = run_p9(run_prog, "mmio2", MOUNT_TAG + version(), "p9.tag_len@1=254")
    expect_ops(r, "init=OK mount_tag=OK version=OK")
    assert r.all("mount_tag")[0]["len"] == "254", r.describe()


def test_tag_read_again_when_the_generation_changes(run_prog):
    # The first try's closing generation read differs: the second try's
    # tag (its first byte changed) is the one the driver keeps.
    r = run_p9(run_prog, "mmio2", MOUNT_TAG, *GEN_FIRST_TRY_CHANGES, "p9.tag@8=0x56")
    expect_ops(r, "init=OK mount_tag=OK")
    assert r.all("mount_tag")[0]["tag"] == "Vfuzz9p", r.describe()


# ---- lying devices ---------------------------------------------------------------

WORK = version() + attach(0) + MOUNT_TAG


def lied(err):
    return f"init=OK version={err} attach=EBROKEN mount_tag=OK"


# name: (script entries, the first request's error).
LIES = {
    "answer_size_field_not_the_used_len": (["p9.size@1=20"], "EBAD_USED"),
    "answer_size_field_huge": (["p9.size@1=0xffffffff"], "EBAD_USED"),
    "answer_tag_not_the_requests": (["p9.rtag@1=0"], "EBAD_USED"),
    "answer_type_is_a_request": (["p9.type@1=100"], "EBAD_USED"),
    "answer_type_answers_another_request": (["p9.type@1=105"], "EBAD_USED"),
    "answer_written_shorter_than_a_header": (["p9.len@1=6"], "EBAD_USED"),
    "answer_written_longer_than_its_size": (["p9.len@1=30"], "EBAD_USED"),
    "used_len_0": (["vq.used_len@1=0"], "EBAD_USED"),
    "used_len_shorter_than_the_answer": (["vq.used_len@1=20"], "EBAD_USED"),
    "used_len_past_the_buffer": ([f"vq.used_len@1={RBUF + 1}"], "EBAD_USED"),
    "used_len_huge": (["vq.used_len@1=0xffffffff"], "EBAD_USED"),
    "used_id_never_given": (["vq.used_id@1=5"], "EBAD_USED"),
    "used_idx_jumps_two": (["vq.used_idx@1=2"], "EBAD_USED"),
    "request_never_answered": (["vq.never@1=1"], "ETIMEOUT"),
}

LIE_CASES = [(name, tr) for name in sorted(LIES) for tr in ["mmio2", "mmio1", "pci"]]


def test_calls_after_a_stop_are_ebroken_and_argument_checks_still_answer(run_prog):
    # After a lie: requests EBROKEN, whatever their arguments; the tag (read
    # at init) and the NULL checks need no device.
    r = run_p9(run_prog, "mmio2", WORK + b"".join(refuse(k) for k in range(12)) +
               walk(0, 1, P_HELLO), "p9.size@1=1")
    expect_ops(r, lied("EBAD_USED") + " refused=EBROKEN" * 8 +
               " refused=EINVALID_PARAM" * 4 + " walk=EBROKEN")


@pytest.mark.parametrize("name,transport", LIE_CASES)
def test_lie_is_an_error_then_the_device_is_stopped(run_prog, name, transport):
    entries, err = LIES[name]
    r = run_p9(run_prog, transport, WORK, *entries)
    expect_ops(r, lied(err))
    assert r.harness["completed"] == "0", \
        f"a device caught lying must be stopped (completed=0)\n{r.describe()}"


# init reads: generation, tag_len (a 2-byte read, which virtio_config_read
# brackets with two generation reads), 7 tag bytes (each bracketed), the
# closing generation: the 18th read closes the first try.
GEN_FIRST_TRY_CHANGES = ["vdev.config_gen@18=1"]
# name: (script entries, init error)
INIT_LIES = {
    "no_mount_tag_feature": (["vdev.features@1=0x130000000"], "EFEATURES"),
    "tag_len_0": (["p9.tag_len@1=0"], "EBAD_CONFIG"),
    "tag_len_past_the_config_space": (["p9.tag_len@1=255"], "EBAD_CONFIG"),
    "tag_len_256": (["p9.tag_len@1=256"], "EBAD_CONFIG"),
    "tag_len_huge": (["p9.tag_len@1=0xffff"], "EBAD_CONFIG"),
    "generation_never_settles": ([f"vdev.config_gen@{18 * k}=1" for k in range(1, 9)],
                                 "ECONFIG_UNSTABLE"),
    "device_id_not_9p": (["mmio.device_id@1=2"], "EBAD_DEVICE_ID"),
    "features_ok_refused": (["vdev.features_ok@1=1"], "EFEATURES"),
    "queue_size_0": (["vdev.num_max@1=0"], "EBAD_QUEUE_SIZE"),
}
MODERN_ONLY = {"generation_never_settles", "features_ok_refused"}
INIT_CASES = [(name, tr) for name in sorted(INIT_LIES) for tr in ["mmio2", "mmio1", "pci"]
              if not (name in MODERN_ONLY and tr == "mmio1")]


@pytest.mark.parametrize("name,transport", INIT_CASES)
def test_init_lie_fails_init_and_holds_nothing(run_prog, name, transport):
    entries, err = INIT_LIES[name]
    if name == "device_id_not_9p" and transport == "pci":
        entries = ["pci.device_id@1=0x1042"]  # a modern blk function
    r = run_p9(run_prog, transport, WORK, *entries)
    expect_ops(r, f"init={err}")


@pytest.mark.parametrize("length,err", [(1, "ECONFIG_TOO_SMALL"), (8, "EBAD_CONFIG")])
def test_config_space_too_small_for_the_tag_fails_init(run_prog, length, err):
    # PCI: the device-specific config capability (the 3rd) says `length`
    # bytes; tag_len and a 7-byte tag need 9.
    r = run_p9(run_prog, "pci", WORK, "pci.layout@1=1", f"pci.length@3={length}")
    expect_ops(r, f"init={err}")


# ---- the model's own checks (pytest/progs/p9_misuse.c) -----------------------

MISUSE = ["no-answer-room", "answer-room-short", "message-short", "size-past-readable",
          "room-short-for-rversion"]


@pytest.mark.parametrize("scenario", MISUSE)
def test_model_reports_a_chain_no_9p_driver_may_give(run_prog, scenario):
    proc = run_prog("p9_misuse", scenario)
    assert proc.returncode == 0, f"p9_misuse {scenario} failed:\n{proc.stdout}{proc.stderr}"
    assert "FINDINGS 1 last=desc-malformed" in proc.stdout, \
        f"{scenario}: expected one desc-malformed finding\n{proc.stdout}{proc.stderr[-3000:]}"


def test_model_stays_quiet_on_a_correct_request(run_prog):
    proc = run_prog("p9_misuse", "ok-request")
    assert proc.returncode == 0 and "FINDINGS 0" in proc.stdout, \
        f"expected no finding\n{proc.stdout}{proc.stderr[-3000:]}"
