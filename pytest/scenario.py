# SPDX-License-Identifier: MIT
"""Running one device scenario: build/replay/device_scenario --device=<dev>
once (record mode) with a workload and a decision script (sim/decide.h
script mode), and reading its `op:` lines, `op: oracle` lines, the
`harness:` summary and `FINDINGS <n>`.

Shared by the per-device test files (test_net.py, test_console.py, ...);
each keeps its own workload builders and wraps run_device() with its device
name and the op names that are facts, not calls (excluded from rcs()).
"""


# ---- the workloads' conventions (fuzz/dev_<name>.c) ----

def le16(v):
    return bytes([v & 0xFF, v >> 8])


def pattern(n, seed):
    """The bytes a workload sends or its host side sends: seed + i."""
    return bytes((seed + i) & 0xFF for i in range(n))


def fnv(data):
    """FNV-1a, 32 bits: the hash the workloads print of the bytes they
    moved (`fnv=` on `op:` lines)."""
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return f"{h:08x}"



def fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[2:] if "=" in kv)


class Run:
    def __init__(self, cmd, proc, facts=()):
        self.cmd, self.proc, self.facts = cmd, proc, tuple(facts)
        self.ops, self.oracle, self.harness, self.findings = [], [], None, None
        for line in (proc.stderr + proc.stdout).splitlines():
            if line.startswith("op: oracle "):
                self.oracle.append(line)
            elif line.startswith("op: "):
                self.ops.append(dict(fields(line), op=line.split()[1],
                                     rc=line.split()[2].split("=", 1)[1]))
            elif line.startswith("harness: "):
                self.harness = dict(kv.split("=", 1) for kv in line.split()[2:])
            elif line.startswith("FINDINGS"):
                self.findings = line

    def describe(self):
        p = self.proc
        return f"$ {self.cmd}\nexit {p.returncode}\n{p.stdout}\n{p.stderr[-4000:]}"

    def rcs(self):
        """Each driver call's result; ops named in `facts` (e.g. a received
        frame, a drawn rectangle) are facts, not calls."""
        return [f"{o['op']}={o['rc']}" for o in self.ops if o["op"] not in self.facts]

    def all(self, name):
        return [o for o in self.ops if o["op"] == name]

    def op(self, name, nth=1):
        found = self.all(name)
        assert len(found) >= nth, f"expected {nth} {name} line(s)\n{self.describe()}"
        return found[nth - 1]


def run_device(run_prog, device, transport, work, *script, facts=()):
    """Runs one scenario; asserts exit 0 and FINDINGS 0."""
    args = [f"--device={device}", f"--transport={transport}", f"--work={work.hex()}"]
    if script:
        args.append("--script=" + ",".join(script))
    r = Run("device_scenario " + " ".join(args), run_prog("device_scenario", *args), facts)
    assert r.proc.returncode == 0, f"expected exit 0\n{r.describe()}"
    assert r.findings == "FINDINGS 0", \
        f"expected FINDINGS 0 (no leak, misuse, crash or wrong answer), got " \
        f"{r.findings!r}\n{r.describe()}"
    return r


def expect_ops(r, want):
    want = want.split()
    assert r.rcs() == want, f"expected {want}\n     got {r.rcs()}\n{r.describe()}"


def expect_no_oracle_line(r):
    assert not r.oracle, "the model disagrees with the driver's answers:\n" \
                         + "\n".join(r.oracle) + f"\n{r.describe()}"
