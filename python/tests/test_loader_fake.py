"""The Loader's process handling against tests/fake_augment.py, which writes the same stream as
`augment batches` (no Swift build needed): arguments, epochs, errors, warnings and shutdown."""

import gc
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest

from augment_loader import AugmentError, AugmentWarning, Loader
from helpers import make_class_dataset, pid_gone

PIPELINE = {"transforms": [{"op": "resize", "width": 4, "height": 4}]}


@pytest.fixture
def dataset(tmp_path):
    make_class_dataset(tmp_path / "data", {"cat": 5, "dog": 4, "emu": 1})
    return tmp_path / "data"


@pytest.fixture
def loader_for(fake_augment, dataset, tmp_path):
    made = []

    def make(**options):
        options.setdefault("batch_size", 3)
        options.setdefault("pipeline", PIPELINE)
        loader = Loader(options.pop("dataset", dataset), executable=fake_augment, **options)
        made.append(loader)
        return loader

    yield make
    for loader in made:
        loader.close()


def ids(images):
    return [int(v) - 1 for v in images[:, 0, 0, 0]] if images.dtype == np.uint8 else None


def test_len_classes_and_batches(loader_for):
    loader = loader_for(epochs=2)
    assert loader.classes == ["cat", "dog", "emu"]
    assert loader.samples == 10 and loader.batches_per_epoch == 4 and len(loader) == 8
    batches = list(loader)
    assert len(batches) == 8
    assert [len(labels) for _, labels in batches] == [3, 3, 3, 1] * 2
    for images, labels in batches:
        assert images.dtype == np.uint8 and images.shape[1:] == (4, 4, 3)
        assert labels.dtype == np.int64 and images.flags.writeable and images.flags.c_contiguous


def test_command_line(loader_for, tmp_path, monkeypatch):
    argv_file = tmp_path / "argv"
    monkeypatch.setenv("FAKE_AUGMENT_ARGV", str(argv_file))
    loader = loader_for(
        shuffle=True, seed=7, drop_last=True, shard=(1, 2), layout="nchw", normalize=((0.5, 0.4, 0.3), (0.2, 0.2, 0.25)),
        channels=3, workers=2, executor="processes", strict=True, epochs=3,
    )
    loader.set_epoch(5)
    list(loader)
    argv = argv_file.read_text().split("\n")[:-1]
    assert argv[:2] == ["batches", str(loader.dataset)]
    joined = " ".join(argv)
    for expected in [
        "--batch-size 3", "--seed 7", "--shuffle", "--drop-last", "--shard 1/2", "--layout nchw",
        "--normalize 0.5,0.4,0.3,0.2,0.2,0.25", "--channels 3", "--workers 2", "--executor processes",
        "--strict", "--epochs 3", "--first-epoch 5", "--out -",
    ]:
        assert expected in joined
    assert "--dtype" not in argv and "--print-classes" not in argv
    assert loader.dtype == "float32"


def test_epochs_advance_per_iteration_and_set_epoch(loader_for):
    loader = loader_for(epochs=2, with_place=True)
    assert {place[0] for _, _, place in loader} == {0, 1}
    assert {place[0] for _, _, place in loader} == {2, 3}
    loader.set_epoch(10)
    places = [place for _, _, place in loader]
    assert places[0] == (10, 0) and places[-1] == (11, 3)
    assert loader.place == (11, 3) and loader.epoch == 12


def test_child_error_raises_with_its_message(loader_for, tmp_path):
    with pytest.raises(AugmentError, match="no such folder") as caught:
        loader_for(dataset=tmp_path / "missing")
    assert caught.value.returncode == 2


def test_failure_mid_stream_raises_after_the_batches_delivered(loader_for, monkeypatch):
    loader = loader_for(epochs=3)
    monkeypatch.setenv("FAKE_AUGMENT_FAIL_AFTER", "2")
    got = []
    with pytest.raises(AugmentError, match="simulated failure") as caught:
        for batch in loader:
            got.append(batch)
    assert len(got) == 2 and caught.value.returncode == 2
    assert "exited with status 2" in str(caught.value)


def test_truncated_stream_raises_with_the_child_message(loader_for, monkeypatch):
    loader = loader_for()
    monkeypatch.setenv("FAKE_AUGMENT_FAIL_AFTER", "1")
    monkeypatch.setenv("FAKE_AUGMENT_TRUNCATE", "1")
    with pytest.raises(AugmentError, match="(?s)broke off.*simulated failure"):
        list(loader)


def test_skipped_images_warn_or_raise_when_strict(loader_for, monkeypatch):
    monkeypatch.setenv("FAKE_AUGMENT_SKIP", "1")
    with pytest.warns(AugmentWarning, match="broken.png"):
        assert len(list(loader_for())) == 4
    with pytest.raises(AugmentError, match="broken.png"):
        list(loader_for(strict=True))


def test_bad_option_is_reported(loader_for):
    with pytest.raises(AugmentError) as caught:
        loader_for(extra_args=["--no-such-option"])
    assert caught.value.returncode == 64


def test_missing_executable_is_a_clear_error(dataset, monkeypatch):
    monkeypatch.delenv("AUGMENT_EXECUTABLE", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(FileNotFoundError, match="AUGMENT_EXECUTABLE"):
        Loader(dataset, 2, PIPELINE)


# -- shutdown: no stray process, no zombie ---------------------------------------------------


def slow(monkeypatch, seconds="0.05"):
    monkeypatch.setenv("FAKE_AUGMENT_SLEEP", seconds)


def test_break_stops_the_child(loader_for, monkeypatch):
    slow(monkeypatch)
    loader = loader_for(epochs=50, batch_size=1)
    for images, labels in loader:
        pid = loader.pid
        assert pid is not None and os.path.exists(f"/proc/{pid}")
        break
    assert pid_gone(pid, timeout=0.5)  # immediately: the generator closed when the loop ended
    assert loader.pid is None


def test_close_and_context_manager_stop_the_child(loader_for, fake_augment, dataset, monkeypatch):
    slow(monkeypatch)
    loader = loader_for(epochs=50, batch_size=1)
    iterator = iter(loader)
    next(iterator)
    pid = loader.pid
    loader.close()
    assert pid_gone(pid)
    with pytest.raises(StopIteration):
        next(iterator)
    with pytest.raises(ValueError, match="closed"):
        iter(loader)

    with Loader(dataset, 1, PIPELINE, epochs=50, executable=fake_augment) as loader:
        iterator = iter(loader)
        next(iterator)
        pid = loader.pid
    assert pid_gone(pid)


def test_garbage_collection_stops_the_child(fake_augment, dataset, monkeypatch):
    slow(monkeypatch)
    loader = Loader(dataset, 1, PIPELINE, epochs=50, executable=fake_augment)
    iterator = iter(loader)
    next(iterator)
    pid = loader.pid
    del iterator, loader
    gc.collect()
    assert pid_gone(pid)


def test_exception_in_the_loop_body_stops_the_child(loader_for, monkeypatch):
    slow(monkeypatch)
    loader = loader_for(epochs=50, batch_size=1)
    pids = []

    def train():
        for _ in loader:
            pids.append(loader.pid)
            raise KeyboardInterrupt

    try:
        train()
    except KeyboardInterrupt:
        pass
    # The traceback (which held the suspended generator) is gone with the except block.
    gc.collect()
    assert pid_gone(pids[0])


def test_exception_inside_with_stops_the_child_even_while_a_traceback_is_kept(fake_augment, dataset, monkeypatch):
    slow(monkeypatch)
    pids = []
    with pytest.raises(KeyboardInterrupt):  # keeps the traceback, hence the generator, alive
        with Loader(dataset, 1, PIPELINE, epochs=50, executable=fake_augment) as loader:
            for _ in loader:
                pids.append(loader.pid)
                raise KeyboardInterrupt
    assert pid_gone(pids[0])


def test_sigkill_after_ignored_sigterm(loader_for, monkeypatch):
    import augment_loader.loader as module

    slow(monkeypatch)
    monkeypatch.setenv("FAKE_AUGMENT_IGNORE_TERM", "1")
    monkeypatch.setattr(module, "TERMINATE_TIMEOUT", 0.3)
    loader = loader_for(epochs=50, batch_size=1)
    for _ in loader:
        pid = loader.pid
        break
    assert pid_gone(pid)


def test_a_second_iteration_stops_the_first_child(loader_for, monkeypatch):
    slow(monkeypatch)
    loader = loader_for(epochs=50, batch_size=1)
    first = iter(loader)
    next(first)
    first_pid = loader.pid
    second = iter(loader)
    next(second)
    assert pid_gone(first_pid)
    assert loader.pid != first_pid
    with pytest.raises(StopIteration):
        next(first)


def test_ctrl_c_in_a_python_process_leaves_no_child(fake_augment, dataset, tmp_path):
    """A real SIGINT to a Python process iterating: it gets KeyboardInterrupt, the child goes."""
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))!r})
        os.environ["FAKE_AUGMENT_SLEEP"] = "0.05"
        from augment_loader import Loader
        loader = Loader({str(dataset)!r}, 1, {PIPELINE!r}, epochs=1000, executable={fake_augment!r})
        for i, batch in enumerate(loader):
            if i == 0:
                print(loader.pid, flush=True)
            time.sleep(0.01)
    """))
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    child = int(process.stdout.readline())
    assert os.path.exists(f"/proc/{child}")
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert "KeyboardInterrupt" in err
    assert pid_gone(child)
