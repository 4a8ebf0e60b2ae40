"""Test setup: ``python/`` on sys.path (no install needed), the augment binary, the fake producer."""

import os
import stat
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPO = PYTHON_DIR.parent
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))
TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))


def real_executable():
    """$AUGMENT_EXECUTABLE, else the repository's debug build, else its release build; or None."""
    from_env = os.environ.get("AUGMENT_EXECUTABLE")
    if from_env:
        return from_env
    for candidate in (REPO / ".build" / "debug" / "augment", REPO / ".build" / "release" / "augment"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


@pytest.fixture(scope="session")
def augment():
    """The real augment binary; the test is skipped when there is none or it lacks `batches`."""
    import subprocess

    executable = real_executable()
    if executable is None:
        pytest.skip(
            "no augment binary: set AUGMENT_EXECUTABLE or build it (swift build) so that "
            ".build/debug/augment or .build/release/augment exists"
        )
    # An augment without `batches` prints its general help for `batches --help`, with status 0.
    done = subprocess.run([executable, "batches", "--help"], capture_output=True, text=True)
    if done.returncode != 0 or "augment batches" not in done.stdout:
        pytest.skip(f"{executable} has no `batches` subcommand (an older build?)")
    return executable


@pytest.fixture(scope="session")
def fake_augment(tmp_path_factory):
    """An executable that runs tests/fake_augment.py with this interpreter (exec: same pid)."""
    folder = tmp_path_factory.mktemp("fake-augment")
    wrapper = folder / "augment"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{TESTS_DIR / "fake_augment.py"}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(wrapper)
