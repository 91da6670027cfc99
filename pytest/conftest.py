# SPDX-License-Identifier: MIT
"""pytest set-up: builds the replay preset through CMake once per session
(incremental) and exposes fixtures to run its binaries as subprocesses.

Fixtures:
  build_dir      Path of build/replay, after the session's build.
  run_prog       run_prog(name, *args, env=None, input_file=None, timeout=60)
                 -> CompletedProcess of build/replay/<name> (a fuzz target's
                 replay binary or a pytest/progs program); input_file is a
                 path or bytes, appended as the last argument.
  parse_finding  parse_finding(stderr) -> Finding(cls, line) or None.
More in helpers.py (import helpers).
"""

import subprocess

import pytest

import helpers


_builds = helpers.Builds()


@pytest.fixture(scope="session")
def builds():
    """The session's build state (full build tried once; see helpers.Builds)."""
    _builds.build_all()
    return _builds


@pytest.fixture(scope="session")
def build_dir(builds):
    return helpers.BUILD_DIR


@pytest.fixture
def run_prog(builds, tmp_path):
    def run(name, *args, env=None, input_file=None, timeout=60):
        try:
            path = builds.ensure(name)
        except helpers.BuildError as e:
            pytest.fail(f"cannot build {name}: {e}", pytrace=False)
        try:
            return helpers.run_binary(path, *args, env=env, input_file=input_file,
                                      timeout=timeout, tmp_dir=tmp_path)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} {' '.join(map(str, args))} did not finish within {timeout} s",
                        pytrace=False)
    return run


@pytest.fixture
def parse_finding():
    return helpers.parse_finding
