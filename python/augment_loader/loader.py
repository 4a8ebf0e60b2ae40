"""``Loader``: augmented batches from ``augment batches`` as NumPy arrays."""

from __future__ import annotations

import atexit
import collections
import fcntl
import json
import mmap
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import warnings
import weakref
from typing import Iterator, Sequence

import numpy as np

from .stream import StreamError, read_array

__all__ = ["AugmentError", "AugmentWarning", "Loader", "find_executable"]

# How long a child gets to exit after SIGTERM before it is sent SIGKILL.
TERMINATE_TIMEOUT = 2.0
# The pipe reader's buffer. Reads of whole batches bypass it (BufferedReader reads large requests
# straight into the destination), so it only serves the small headers.
_PIPE_BUFFER = 1 << 20
# How many lines of the child's standard error are kept for error messages.
_KEPT_LINES = 200
# Slots of the shared-memory ring (transport="ring"): batches the producer may have written
# ahead of the one being copied out.
RING_SLOTS = 4


class AugmentError(RuntimeError):
    """``augment batches`` could not run, failed, or died; the message holds its ``error:`` lines."""

    def __init__(self, message: str, returncode: int | None = None, stderr: Sequence[str] = ()):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = list(stderr)


class AugmentWarning(UserWarning):
    """``augment batches`` skipped images it could not read (exit status 1)."""


def find_executable(executable: str | os.PathLike | None = None) -> str:
    """The ``augment`` to run: ``executable``, else ``$AUGMENT_EXECUTABLE``, else ``augment`` on PATH."""
    if executable is not None:
        return os.fspath(executable)
    from_env = os.environ.get("AUGMENT_EXECUTABLE")
    if from_env:
        return from_env
    on_path = shutil.which("augment")
    if on_path:
        return on_path
    raise FileNotFoundError(
        "cannot find the augment executable: pass executable=..., set AUGMENT_EXECUTABLE, "
        "or put augment on PATH (build it with `swift build -c release`: .build/release/augment)"
    )


def _describe_status(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name}"
    meaning = {1: "some images were skipped", 2: "could not run or had to stop", 64: "bad option"}.get(returncode)
    return f"exited with status {returncode}" + (f" ({meaning})" if meaning else "")


def _error_lines(lines: Sequence[str]) -> list[str]:
    """The child's error lines (``error: ...``, or argument-parser's ``Error: ...``), else its last lines."""
    errors = [line for line in lines if line.lower().startswith("error:")]
    return errors if errors else list(lines)[-10:]


# Every child still running, so that the interpreter's exit stops them (a generator suspended in
# a traceback, a loader kept in a global...).
_live_runs: "weakref.WeakSet[_Run]" = weakref.WeakSet()


@atexit.register
def _stop_all_runs() -> None:
    for run in list(_live_runs):
        run.stop()


class _MemoryStream:
    """A read-only stream over a memory view, for ``read_array``: ``read`` and ``readinto``."""

    def __init__(self, view: memoryview):
        self._view = view
        self._offset = 0

    def read(self, count: int) -> bytes:
        data = bytes(self._view[self._offset: self._offset + count])
        self._offset += len(data)
        return data

    def readinto(self, buffer) -> int:
        target = memoryview(buffer).cast("B")
        count = min(len(target), len(self._view) - self._offset)
        target[:count] = self._view[self._offset: self._offset + count]
        self._offset += count
        return count


class _Run:
    """One child process, ``augment batches ... --out -``, with a thread draining its stderr."""

    def __init__(self, argv: list[str], forward_stderr: bool, ring: bool = False):
        self.forward_stderr = forward_stderr
        self.lines: collections.deque[str] = collections.deque(maxlen=_KEPT_LINES)
        self.stopped = False
        self._lock = threading.Lock()
        # The ring: an anonymous memory file the child sizes and writes batches into; slots go
        # back to it through its standard input. Nothing to clean up on disk, whatever happens.
        self.ring_fd: int | None = None
        self._ring: mmap.mmap | None = None
        if ring:
            self.ring_fd = os.memfd_create("augment-ring", os.MFD_CLOEXEC)
            argv = [*argv, "--ring-fd", str(self.ring_fd), "--ring-slots", str(RING_SLOTS)]
        self.argv = argv
        # The child gets a session, hence a process group, of its own: Ctrl-C in a terminal then reaches Python
        # only, which stops the child (and any worker processes it started, the whole group)
        # itself, so that the child's end is always this object's doing.
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE if ring else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=_PIPE_BUFFER,
                close_fds=True,
                pass_fds=(self.ring_fd,) if ring else (),
                start_new_session=True,
            )
        except BaseException:
            if self.ring_fd is not None:
                os.close(self.ring_fd)
            raise
        self.stdout = self.proc.stdout
        # A 1 MiB pipe instead of Linux's 64 KiB: a batch crosses in 16 times fewer reads and
        # wake-ups, and the producer stalls less often on a momentarily slow reader.
        try:
            fcntl.fcntl(self.stdout.fileno(), fcntl.F_SETPIPE_SZ, _PIPE_BUFFER)
        except (AttributeError, OSError):
            pass  # not Linux, or above /proc/sys/fs/pipe-max-size: keep the default
        self._thread = threading.Thread(
            target=self._pump_stderr, name=f"augment-stderr-{self.proc.pid}", daemon=True
        )
        self._thread.start()
        _live_runs.add(self)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def take_from_ring(self, reference: np.ndarray) -> np.ndarray:
        """The images array in ring slot ``reference[0]`` (``reference[1]`` bytes), copied out,
        and the slot handed back to the child."""
        if reference.shape != (2,) or reference.dtype.kind != "i":
            raise StreamError(f"a ring reference of shape {reference.shape}, expected (2,)")
        slot, length = int(reference[0]), int(reference[1])
        if self._ring is None:
            self._ring = mmap.mmap(self.ring_fd, 0, prot=mmap.PROT_READ)  # the child has sized it by now
        slot_size = len(self._ring) // RING_SLOTS
        if not 0 <= slot < RING_SLOTS or not 0 < length <= slot_size:
            raise StreamError(f"a ring reference to slot {slot}, {length} bytes, outside the ring")
        images = read_array(_MemoryStream(memoryview(self._ring)[slot * slot_size: slot * slot_size + length]))
        if images is None:
            raise StreamError(f"ring slot {slot} holds no array")
        try:
            self.proc.stdin.write(slot.to_bytes(4, "little"))
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass  # the child has ended: its exit status tells the rest
        return images

    def _pump_stderr(self) -> None:
        stream = self.proc.stderr
        try:
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\n")
                self.lines.append(line)
                if self.forward_stderr:
                    try:
                        sys.stderr.write(f"augment: {line}\n")
                        sys.stderr.flush()
                    except Exception:  # a closed or replaced sys.stderr must not kill the pump
                        pass
        except (OSError, ValueError):
            pass
        finally:
            try:
                stream.close()
            except OSError:
                pass

    def _signal_group(self, signum: int) -> None:
        # Only while the child is not reaped: its pid, hence its group id, cannot have been reused.
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signum)
            except (ProcessLookupError, PermissionError):
                pass

    def stop(self) -> None:
        """Terminate the child and its process group (SIGTERM, then SIGKILL) and reap it. Idempotent."""
        with self._lock:
            if self.stopped:
                return
            self.stopped = True
        try:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(timeout=TERMINATE_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.proc.wait()
        finally:
            self._close_pipes()
            _live_runs.discard(self)

    def finish(self) -> int:
        """After the end of the stream: wait for the child to exit and for its last stderr lines."""
        try:
            returncode = self.proc.wait()
            self._thread.join(timeout=TERMINATE_TIMEOUT)
            return returncode
        finally:
            with self._lock:
                self.stopped = True
            self._close_pipes()
            _live_runs.discard(self)

    def _close_pipes(self) -> None:
        for stream in (self.stdout, self.proc.stdin):
            try:
                if stream is not None:
                    stream.close()
            except (OSError, ValueError):
                pass
        if self._ring is not None:
            try:
                self._ring.close()
            except (BufferError, ValueError):
                pass
            self._ring = None
        if self.ring_fd is not None:
            os.close(self.ring_fd)
            self.ring_fd = None
        self._thread.join(timeout=TERMINATE_TIMEOUT)

    def failure(self, what: str, returncode: int | None) -> AugmentError:
        lines = list(self.lines)
        errors = _error_lines(lines)
        message = what
        if errors:
            message += ":\n" + "\n".join(errors)
        return AugmentError(message, returncode=returncode, stderr=lines)

    def __del__(self):
        try:
            self.stop()
        except Exception:
            pass


def _format_normalize(normalize) -> str:
    """``--normalize``'s argument: a JSON file from ``augment stats --json``, or means then stds."""
    if isinstance(normalize, os.PathLike):
        return os.fspath(normalize)
    if isinstance(normalize, str):
        return normalize  # "m,s", "m1,m2,m3,s1,s2,s3" or a path, passed as given
    values = list(normalize)
    if len(values) == 2 and all(isinstance(v, (Sequence, np.ndarray)) and not isinstance(v, str) for v in values):
        mean, std = (list(np.atleast_1d(np.asarray(v, dtype=float))) for v in values)
        if len(mean) != len(std):
            raise ValueError(f"normalize: {len(mean)} means but {len(std)} standard deviations")
        values = mean + std
    else:
        values = [float(v) for v in values]
    if len(values) % 2 or not values:
        raise ValueError("normalize: expected (mean, std), or the means then the standard deviations")
    return ",".join(repr(float(v)) for v in values)


def _format_shard(shard) -> str:
    if isinstance(shard, str):
        return shard
    rank, world = shard
    rank, world = int(rank), int(world)
    if world < 1 or not 0 <= rank < world:
        raise ValueError(f"shard: expected (rank, world_size) with 0 <= rank < world_size, got {shard!r}")
    return f"{rank}/{world}"


class Loader:
    """Augmented batches of a dataset, as NumPy arrays, from ``augment batches``.

    ``for images, labels in Loader("data/train", 64, "pipeline.json", shuffle=True): ...``

    ``dataset`` is a folder (one sub-folder per class, or any folder with ``labels``) or a cache
    file from ``augment cache``, which gives the same batches without decoding PNGs.

    ``transport``: how the images cross from the child: ``"ring"``, a shared-memory ring of
    ``RING_SLOTS`` batches (``--ring-fd``; one copy out, no pipe traffic), ``"pipe"``, the
    stream itself, or ``"auto"`` (the default): the ring where ``os.memfd_create`` exists.

    ``images`` is ``[B,H,W,C]`` (``layout="nhwc"``) or ``[B,C,H,W]`` (``"nchw"``), uint8 or float32
    (``dtype="float32"``: x/255; ``normalize``: float32, (x/255 - mean)/std); ``labels`` is int64
    ``[B]``. Both are freshly allocated, writable and C-contiguous: ``torch.from_numpy`` takes them
    without a copy. The last batch of an epoch may be smaller, unless ``drop_last``.

    Epochs: one iteration (one ``for`` loop) covers ``epochs`` epochs, starting at the current
    epoch (0 at first); starting an iteration advances the current epoch by ``epochs``.
    ``set_epoch(e)`` sets the epoch the next iteration starts at (as ``DistributedSampler``'s).
    With ``shuffle``, each epoch has its own order, from ``seed`` and the epoch number, so the
    batches depend only on (seed, epoch), never on how many iterations came before.

    Each iteration runs one child process, ``augment batches ... --out -``; starting a new one
    stops the previous one. The child ends when the iteration ends, the loop is left (``break``,
    an exception, Ctrl-C), the loader is closed (``close()``, ``with``) or garbage-collected, or
    the interpreter exits: SIGTERM to its process group, then SIGKILL after
    ``TERMINATE_TIMEOUT`` seconds, and it is reaped.

    Errors: an exit status of 2 (could not run or had to stop), 64 (bad option) or death by a signal raises
    :class:`AugmentError` with the child's ``error:`` lines, after the batches delivered so far.
    Status 1 (some images could not be read and were skipped; every batch is still delivered)
    warns with :class:`AugmentWarning`, or raises with ``strict=True`` (which also passes
    ``--strict``, making a bad image fatal in the child, and every row of every file decoded
    rather than only the rows the augmentation reads). The child's standard error is forwarded
    to ``sys.stderr`` line by line (prefixed ``augment: ``) unless ``forward_stderr=False``; its last
    lines are kept for the error messages either way.

    ``place``: the ``(epoch, batch index within the epoch)`` of the last batch yielded is in
    ``loader.place``; with ``with_place=True`` iteration yields ``(images, labels, place)``.
    """

    def __init__(
        self,
        dataset: str | os.PathLike,
        batch_size: int,
        pipeline: str | os.PathLike | dict,
        epochs: int = 1,
        shuffle: bool = False,
        seed: int = 0,
        workers: int | None = None,
        executor: str | None = None,
        drop_last: bool = False,
        shard: tuple[int, int] | str | None = None,
        layout: str = "nhwc",
        dtype: str | None = None,
        normalize=None,
        channels: int = 3,
        labels: str | os.PathLike | None = None,
        strict: bool = False,
        executable: str | os.PathLike | None = None,
        *,
        with_place: bool = False,
        forward_stderr: bool = True,
        transport: str = "auto",
        extra_args: Sequence[str] = (),
    ):
        self._run: _Run | None = None
        self._closed = False
        self._pipeline_file: str | None = None
        if int(batch_size) < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        if int(epochs) < 1:
            raise ValueError(f"epochs must be at least 1, got {epochs}")
        if layout not in ("nhwc", "nchw"):
            raise ValueError(f"layout must be 'nhwc' or 'nchw', got {layout!r}")
        if dtype not in (None, "uint8", "float32"):
            raise ValueError(f"dtype must be 'uint8' or 'float32', got {dtype!r}")
        if normalize is not None and dtype == "uint8":
            raise ValueError("normalize gives float32 batches: leave dtype out or pass dtype='float32'")
        if channels not in (1, 3, 4):
            raise ValueError(f"channels must be 1, 3 or 4, got {channels!r}")
        if executor not in (None, "serial", "threads", "processes"):
            raise ValueError(f"executor must be 'serial', 'threads' or 'processes', got {executor!r}")
        if transport not in ("auto", "ring", "pipe"):
            raise ValueError(f"transport must be 'auto', 'ring' or 'pipe', got {transport!r}")
        if transport == "ring" and not hasattr(os, "memfd_create"):
            raise ValueError("transport='ring' needs os.memfd_create (Linux)")

        self.executable = find_executable(executable)
        self.dataset = os.fspath(dataset)
        self.batch_size = int(batch_size)
        self.epochs = int(epochs)
        self.shuffle = bool(shuffle)
        self.seed = int(seed)
        self.drop_last = bool(drop_last)
        self.layout = layout
        self.dtype = dtype if dtype is not None else ("float32" if normalize is not None else "uint8")
        self.strict = bool(strict)
        self.with_place = bool(with_place)
        self.forward_stderr = bool(forward_stderr)
        self.transport = ("ring" if hasattr(os, "memfd_create") else "pipe") if transport == "auto" else transport
        self.place: tuple[int, int] | None = None
        self._epoch = 0

        if isinstance(pipeline, dict):
            handle, self._pipeline_file = tempfile.mkstemp(prefix="augment-pipeline-", suffix=".json")
            with os.fdopen(handle, "w") as file:
                json.dump(pipeline, file)
            pipeline_path = self._pipeline_file
        else:
            pipeline_path = os.fspath(pipeline)

        args = [
            "batches", self.dataset,
            "--pipeline", pipeline_path,
            "--batch-size", str(self.batch_size),
            "--seed", str(self.seed),
            "--channels", str(int(channels)),
            "--layout", layout,
        ]
        if self.shuffle:
            args.append("--shuffle")
        if self.drop_last:
            args.append("--drop-last")
        if executor is not None:
            args += ["--executor", executor]
        if workers is not None:
            args += ["--workers", str(int(workers))]
        if shard is not None:
            args += ["--shard", _format_shard(shard)]
        if normalize is not None:
            args += ["--normalize", _format_normalize(normalize)]
        elif dtype is not None:
            args += ["--dtype", dtype]
        if labels is not None:
            args += ["--labels", os.fspath(labels)]
        if self.strict:
            args.append("--strict")
        args += list(extra_args)
        self._args = args

        info = self._print_classes()
        self.classes: list[str] = list(info["classes"])
        self.samples: int = int(info["samples"])
        self.batches_per_epoch: int = int(info["batches_per_epoch"])

    # -- what the dataset holds --------------------------------------------------------------

    def _print_classes(self) -> dict:
        argv = [self.executable, *self._args, "--print-classes"]
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True)
        except OSError as error:
            raise AugmentError(f"cannot run {self.executable}: {error}") from error
        lines = done.stderr.decode("utf-8", "replace").splitlines()
        if done.returncode != 0:
            errors = _error_lines(lines)
            raise AugmentError(
                f"augment batches --print-classes {_describe_status(done.returncode)}"
                + (":\n" + "\n".join(errors) if errors else ""),
                returncode=done.returncode,
                stderr=lines,
            )
        try:
            info = json.loads(done.stdout)
            info["classes"], info["samples"], info["batches_per_epoch"]
        except (ValueError, KeyError, TypeError) as error:
            raise AugmentError(
                f"augment batches --print-classes printed something unexpected ({error}): {done.stdout[:200]!r}"
            ) from None
        return info

    def __len__(self) -> int:
        """Batches per iteration: batches per epoch (of this shard) times ``epochs``."""
        return self.batches_per_epoch * self.epochs

    def set_epoch(self, epoch: int) -> None:
        """The epoch the next iteration starts at (``--first-epoch``)."""
        if int(epoch) < 0:
            raise ValueError(f"epoch must be at least 0, got {epoch}")
        self._epoch = int(epoch)

    @property
    def epoch(self) -> int:
        """The epoch the next iteration starts at."""
        return self._epoch

    def command(self, first_epoch: int | None = None) -> list[str]:
        """The command line an iteration runs."""
        first = self._epoch if first_epoch is None else int(first_epoch)
        return [
            self.executable, *self._args,
            "--epochs", str(self.epochs),
            "--first-epoch", str(first),
            "--out", "-",
        ]

    @property
    def pid(self) -> int | None:
        """The process id of the running child, if any."""
        return self._run.pid if self._run is not None and not self._run.stopped else None

    # -- iteration -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        if self._closed:
            raise ValueError("the loader is closed")
        first = self._epoch
        self._epoch = first + self.epochs
        return self._batches(first)

    def _batches(self, first_epoch: int):
        # The child starts at the first next(), so an iterator made and never used costs nothing.
        if self._closed:
            raise ValueError("the loader is closed")
        if self._run is not None:
            self._run.stop()
        run = self._run = _Run(self.command(first_epoch), self.forward_stderr, ring=self.transport == "ring")
        try:
            while True:
                try:
                    images = read_array(run.stdout)
                    if images is None:
                        break
                    if run.ring_fd is not None:
                        images = run.take_from_ring(images)
                    labels = read_array(run.stdout)
                    place = read_array(run.stdout)
                except (StreamError, OSError, ValueError) as error:
                    if run.stopped:
                        return  # closed from outside while waiting for a batch
                    returncode = self._wait_after_bad_stream(run)
                    raise run.failure(
                        f"augment batches {_describe_status(returncode) if returncode is not None else 'is still running'}"
                        f" and its output stream broke off ({error})",
                        returncode,
                    ) from error
                if labels is None or place is None:
                    returncode = self._wait_after_bad_stream(run)
                    raise run.failure(
                        "augment batches' output stream ended inside a batch"
                        + (f" (it {_describe_status(returncode)})" if returncode is not None else ""),
                        returncode,
                    )
                self._check_batch(run, images, labels, place)
                self.place = (int(place[0]), int(place[1]))
                if self.with_place:
                    yield images, labels, self.place
                else:
                    yield images, labels
                if run.stopped:
                    return
            if run.stopped:
                return
            returncode = run.finish()
            self._check_status(run, returncode)
        finally:
            run.stop()
            if self._run is run:
                self._run = None

    def _wait_after_bad_stream(self, run: _Run) -> int | None:
        try:
            return run.proc.wait(timeout=TERMINATE_TIMEOUT)
        except subprocess.TimeoutExpired:
            return None

    def _check_batch(self, run: _Run, images: np.ndarray, labels: np.ndarray, place: np.ndarray) -> None:
        problem = None
        if images.ndim != 4:
            problem = f"images of shape {images.shape}, expected 4 dimensions"
        elif labels.shape != (images.shape[0],):
            problem = f"labels of shape {labels.shape} for {images.shape[0]} images"
        elif place.shape != (2,):
            problem = f"a batch place of shape {place.shape}, expected (2,)"
        if problem:
            run.stop()
            raise AugmentError(f"augment batches wrote an unexpected stream: {problem}")

    def _check_status(self, run: _Run, returncode: int) -> None:
        if returncode == 0:
            return
        if returncode == 1 and not self.strict:
            skipped = [line for line in run.lines if line.lower().startswith("error:")]
            detail = (":\n" + "\n".join(skipped[:20]) + ("\n..." if len(skipped) > 20 else "")) if skipped else ""
            warnings.warn(
                f"augment batches skipped images it could not read{detail}", AugmentWarning, stacklevel=3
            )
            return
        raise run.failure(f"augment batches {_describe_status(returncode)}", returncode)

    # -- shutdown --------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the running child, if any, and refuse further iterations. Idempotent."""
        self._closed = True
        run, self._run = self._run, None
        if run is not None:
            run.stop()
        if self._pipeline_file is not None:
            try:
                os.unlink(self._pipeline_file)
            except OSError:
                pass
            self._pipeline_file = None

    def __enter__(self) -> "Loader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return (
            f"Loader({self.dataset!r}, batch_size={self.batch_size}, epochs={self.epochs}, "
            f"{len(self.classes)} classes, {self.samples} samples, {self.batches_per_epoch} batches per epoch)"
        )
