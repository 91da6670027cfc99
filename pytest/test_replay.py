# SPDX-License-Identifier: MIT
"""The standalone replay main (fuzz/replay_main.c), through the `empty`
target's replay binary and through tiny targets compiled here to see what
`empty` cannot show (exact-size inputs, LLVMFuzzerInitialize, --trace)."""

import os
import re
import shutil
import subprocess

import pytest

from helpers import ROOT, run_binary

EMPTY_INPUT = "(0 bytes, empty input: spec-conforming device)"


def test_empty_input_is_the_spec_conforming_run(run_prog, tmp_path):
    f = tmp_path / "empty"
    f.write_bytes(b"")
    proc = run_prog("empty", f)
    assert proc.returncode == 0, proc.stderr
    assert f"replay: {f} {EMPTY_INPUT}" in proc.stderr
    assert proc.stderr.rstrip().endswith("replay: 1 input, no finding"), proc.stderr


def test_directory_replays_every_file_in_name_order(run_prog, tmp_path):
    d = tmp_path / "corpus"
    (d / "sub").mkdir(parents=True)
    for name, data in [("b", b"bb"), ("a", b"a"), ("sub/c", b"ccc"), ("B", b"B"), (".gitkeep", b"")]:
        (d / name).write_bytes(data)
    proc = run_prog("empty", d)
    assert proc.returncode == 0, proc.stderr
    replayed = re.findall(r"^replay: (\S+) \((\d+) bytes", proc.stderr, re.M)
    assert replayed == [(f"{d}/B", "1"), (f"{d}/a", "1"), (f"{d}/b", "2"), (f"{d}/sub/c", "3")]
    assert "replay: 4 inputs, no finding" in proc.stderr


def test_files_and_directories_mix_in_argument_order(run_prog, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x").write_bytes(b"x")
    (tmp_path / "f").write_bytes(b"ff")
    proc = run_prog("empty", tmp_path / "f", tmp_path / "d")
    assert re.findall(r"^replay: (\S+) \(", proc.stderr, re.M) == [
        str(tmp_path / "f"), str(tmp_path / "d" / "x")]


@pytest.mark.parametrize("make_bad", ["missing_dir", "dangling_link", "fifo"])
def test_unreadable_path_is_one_line_error(run_prog, tmp_path, make_bad):
    # Tests run as root, so chmod 000 would not stop a read.
    if make_bad == "missing_dir":
        bad, why = tmp_path / "no" / "such" / "input", "No such file or directory"
    elif make_bad == "dangling_link":
        bad, why = tmp_path / "link", "No such file or directory"
        os.symlink(tmp_path / "nowhere", bad)
    else:
        bad, why = tmp_path / "fifo", "not a regular file or directory"
        os.mkfifo(bad)
    good = tmp_path / "good"
    good.write_bytes(b"")
    proc = run_prog("empty", good, tmp_path if make_bad == "dangling_link" else bad)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == f"replay: cannot read {bad}: {why}\n"


def test_unknown_flag_is_one_line_error(run_prog, tmp_path):
    proc = run_prog("empty", "--bogus", tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "replay: unknown flag '--bogus' (see --help)\n"


def test_no_arguments_prints_usage(run_prog):
    proc = run_prog("empty")
    assert proc.returncode == 2 and proc.stderr.startswith("usage: ")


def test_help_prints_usage_and_succeeds(run_prog):
    proc = run_prog("empty", "--help")
    assert proc.returncode == 0 and "--trace" in proc.stdout and "--quiet" in proc.stdout


def test_quiet_prints_nothing_without_finding(run_prog, tmp_path):
    proc = run_prog("empty", "--quiet", input_file=b"abc")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_double_dash_ends_flags(run_prog, tmp_path):
    f = tmp_path / "--trace"
    f.write_bytes(b"x")
    proc = run_prog("empty", "--", f)
    assert proc.returncode == 0 and f"replay: {f} (1 bytes)" in proc.stderr


# ---- tiny targets compiled here ---------------------------------------------------

PROBE = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	const char *t = getenv("VFUZZ_TRACE");
	fprintf(stderr, "init: VFUZZ_TRACE=%s\n", t ? t : "(unset)");
	return 0;
}
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	volatile uint8_t sum = 0;
	if (n && d[0] == 'R')       /* reads one byte past the input */
		sum += d[n];
	return sum & 0;
}
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """A target with LLVMFuzzerInitialize that over-reads inputs starting 'R'."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if not cc:
        pytest.skip("no C compiler")
    d = tmp_path_factory.mktemp("probe")
    (d / "probe.c").write_text(PROBE)
    exe = d / "probe"
    proc = subprocess.run([cc, "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-g",
                           "-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
                           str(d / "probe.c"), str(ROOT / "fuzz" / "replay_main.c"), "-o", str(exe)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, f"cannot compile the probe target:\n{proc.stderr}"
    return exe


def test_input_gets_an_exact_size_allocation(probe, tmp_path):
    proc = run_binary(probe, input_file=b"R12", tmp_dir=tmp_path)
    assert proc.returncode != 0, "an over-read by one byte went unseen"
    assert "heap-buffer-overflow" in proc.stderr, proc.stderr
    assert "0 bytes after 3-byte region" in proc.stderr or "0 bytes to the right of 3-byte region" \
        in proc.stderr, proc.stderr


def test_initialize_runs_once_and_trace_sets_vfuzz_trace(probe, tmp_path):
    (tmp_path / "a").write_bytes(b"x")
    plain = run_binary(probe, tmp_path / "a", tmp_path / "a", env={"VFUZZ_TRACE": ""})
    traced = run_binary(probe, "--trace", tmp_path / "a")
    assert plain.returncode == 0 and traced.returncode == 0
    assert plain.stderr.count("init: ") == 1
    assert "init: VFUZZ_TRACE=1" in traced.stderr
