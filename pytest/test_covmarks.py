# SPDX-License-Identifier: MIT
"""The `/* cov-exempt: REASON */` markers in drivers/ (README "Coverage of
drivers/"): every reason is one of the fixed set, the README's list by
file and function is the one the source gives, and the scope rules and
the judging of a run (unexplained lines, stale markers) hold. Fast: no
coverage build."""

from helpers import ROOT, run_vfuzz
from test_cli import assert_one_line_error
from vfuzzlib import covmarks

BEGIN = "<!-- cov-exempt list: ./vfuzz coverage --reasons -->"
END = "<!-- end of the cov-exempt list -->"


def test_every_marker_in_drivers_names_a_known_reason():
    markers = covmarks.scan()
    assert markers, "drivers/ carries cov-exempt markers"
    assert covmarks.unknown(markers) == [], covmarks.unknown(markers)
    assert all(m.lines for m in markers), [m for m in markers if not m.lines]
    # Each reason the README explains is a known one, and vice versa.
    readme = (ROOT / "README.md").read_text()
    for r in covmarks.REASONS:
        assert f"`{r}`" in readme, f"README does not explain reason {r}"


def test_readme_lists_the_markers_by_file_and_function():
    readme = (ROOT / "README.md").read_text()
    assert BEGIN in readme and END in readme, "README lacks the cov-exempt list"
    block = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip().splitlines()
    want = covmarks.reasons_list(covmarks.scan())
    assert block == want, "README's cov-exempt list is stale: paste ./vfuzz coverage --reasons\n" \
        + "\n".join(want)


def test_vfuzz_coverage_reasons_prints_the_list_without_building():
    proc = run_vfuzz("coverage", "--reasons")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines() == covmarks.reasons_list(covmarks.scan())
    assert "building" not in proc.stderr
    assert_one_line_error(run_vfuzz("coverage", "--reasons", "rng_mmio"), "--reasons", "takes no TARGET")


SAMPLE = """\
#define GUARD(x) \\
	do { if (!(x)) return -1; } while (0) /* cov-exempt: unused */

static int helper(int *p,
		  int n)
{
	if (!p) /* cov-exempt: api-misuse */
		return -1;
	if (n > 4) { /* cov-exempt: redundant */
		/* a comment inside */
		n = 4;

		return -2;
	}
	/* cov-exempt: no-sim-lie */
	if (n < 0)
		return -3;
	n += 1; /* cov-exempt: bogus */
	return n;
}

static const struct x table = {
	.f = 1, /* cov-exempt: unused */
};

int other(int a)
{
	if (a) {
		a = 2;
	} else { /* cov-exempt: api-misuse */
		a = 3;
	} /* cov-exempt: redundant */
	return a;
}
"""


def test_marker_scope_and_function(tmp_path):
    (tmp_path / "drivers").mkdir()
    (tmp_path / "drivers" / "a.c").write_text(SAMPLE)
    ms = covmarks.scan(tmp_path)
    got = [(m.line, m.reason, m.function, m.lines) for m in ms]
    assert got == [
        (2, "unused", "GUARD", [2]),
        (7, "api-misuse", "helper", [7, 8]),  # the guard and its statement
        (9, "redundant", "helper", [9, 10, 11, 12, 13, 14]),  # the whole block
        (15, "no-sim-lie", "helper", [16, 17]),  # alone: the next statement
        (18, "bogus", "helper", [18]),
        (23, "unused", None, [23, 24]),
        (30, "api-misuse", "other", [30, 31, 32]),  # the else block
        (32, "redundant", "other", [32]),  # a lone `}` is its own line
    ], got
    assert [m.line for m in covmarks.unknown(ms)] == [18]
    assert covmarks.reasons_list([m for m in ms if m.reason != "bogus"]) == [
        "- `drivers/a.c`: `(file scope)` unused; `GUARD` unused; `helper` api-misuse, no-sim-lie, "
        "redundant; `other` api-misuse, redundant"]


def test_judge_separates_explained_unexplained_and_stale(tmp_path):
    (tmp_path / "drivers").mkdir()
    (tmp_path / "drivers" / "a.c").write_text(SAMPLE)
    ms = [m for m in covmarks.scan(tmp_path) if m.reason != "bogus"]
    p = "drivers/a.c"
    counts = {(p, n): 1 for n in (4, 7, 9, 16, 18, 19)}
    counts.update({(p, n): 0 for n in (8, 11, 13, 17, 20)})
    explained, stale = covmarks.judge(ms, counts)
    assert explained == {(p, 8): "api-misuse", (p, 11): "redundant", (p, 13): "redundant",
                         (p, 17): "no-sim-lie", (p, 20): None}
    assert stale == []
    # The guard's return ran: its reason (no device reaches it) is wrong.
    counts[(p, 8)] = 3
    explained, stale = covmarks.judge(ms, counts)
    assert [m.line for m in stale] == [7] and (p, 8) not in explained
    # rare-lie says a device can reach the line: running it is no contradiction.
    ms[1].reason = "rare-lie"
    assert covmarks.judge(ms, counts)[1] == []

