"""read_array on non-seekable streams, without the augment binary."""

import io
import os
import threading

import numpy as np
import pytest
from numpy.lib import format as npformat

from augment_loader import StreamError, read_array


class PipeLike(io.RawIOBase):
    """A non-seekable stream without fileno() that returns at most `step` bytes per read."""

    def __init__(self, data, step=7):
        self._data = memoryview(data)
        self._pos = 0
        self._step = step

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self._step, len(self._data) - self._pos)
        buffer[:n] = self._data[self._pos:self._pos + n]
        self._pos += n
        return n

    def seekable(self):
        return False

    def fileno(self):
        raise io.UnsupportedOperation("no fileno")


def npy_bytes(*arrays, version=None):
    buffer = io.BytesIO()
    for array in arrays:
        npformat.write_array(buffer, array, version=version)
    return buffer.getvalue()


ARRAYS = [
    np.arange(2 * 5 * 4 * 3, dtype=np.uint8).reshape(2, 5, 4, 3),
    np.linspace(-1, 1, 2 * 3 * 5 * 4, dtype=np.float32).reshape(2, 3, 5, 4),
    np.array([3, 1], dtype="<i8"),
    np.array([7, 0], dtype="<i8"),
]


@pytest.mark.parametrize("version", [None, (1, 0), (2, 0)])
def test_reads_arrays_back_to_back_in_small_pieces(version):
    stream = PipeLike(npy_bytes(*ARRAYS, version=version), step=5)
    for expected in ARRAYS:
        array = read_array(stream)
        assert array.dtype == expected.dtype and array.shape == expected.shape
        np.testing.assert_array_equal(array, expected)
        assert array.flags.writeable and array.flags.c_contiguous and array.flags.owndata
    assert read_array(stream) is None
    assert read_array(stream) is None


def test_reads_from_a_real_pipe_written_by_another_thread():
    big = np.random.default_rng(0).integers(0, 256, size=(64, 32, 32, 3), dtype=np.uint8)
    data = npy_bytes(big, np.arange(64, dtype="<i8"))
    read_fd, write_fd = os.pipe()

    def writer():
        with os.fdopen(write_fd, "wb") as out:
            out.write(data)

    thread = threading.Thread(target=writer)
    thread.start()
    with os.fdopen(read_fd, "rb", buffering=1 << 16) as stream:
        images = read_array(stream)
        labels = read_array(stream)
        assert read_array(stream) is None
    thread.join()
    np.testing.assert_array_equal(images, big)
    np.testing.assert_array_equal(labels, np.arange(64))
    images += 1  # writable


def test_empty_stream_is_a_clean_end():
    assert read_array(io.BytesIO(b"")) is None


@pytest.mark.parametrize("cut", [1, 7, 20, -1])
def test_truncated_array_raises(cut):
    data = npy_bytes(ARRAYS[0])
    cut = len(data) + cut if cut < 0 else cut
    with pytest.raises(StreamError, match="truncated"):
        read_array(PipeLike(data[:cut]))


def test_truncated_second_array_raises_after_the_first_is_read():
    data = npy_bytes(ARRAYS[0], ARRAYS[2])
    stream = PipeLike(data[:-3])
    np.testing.assert_array_equal(read_array(stream), ARRAYS[0])
    with pytest.raises(StreamError, match="truncated"):
        read_array(stream)


def test_garbage_is_refused():
    with pytest.raises(StreamError, match="not a .npy"):
        read_array(io.BytesIO(b"hello, world, this is not numpy"))


def test_fortran_order_and_big_endian_come_out_c_contiguous_and_native():
    fortran = np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4))
    big_endian = np.arange(5, dtype=">f4")
    stream = PipeLike(npy_bytes(fortran, big_endian))
    first, second = read_array(stream), read_array(stream)
    np.testing.assert_array_equal(first, fortran)
    assert first.flags.c_contiguous
    np.testing.assert_array_equal(second, big_endian)
    assert second.dtype.isnative


def test_empty_arrays():
    stream = PipeLike(npy_bytes(np.zeros((0, 8, 8, 3), np.uint8), np.zeros((0,), "<i8")))
    assert read_array(stream).shape == (0, 8, 8, 3)
    assert read_array(stream).shape == (0,)
    assert read_array(stream) is None


def test_numpy_own_reader_fails_on_a_pipe_where_read_array_works():
    """What the README says: numpy's read_array takes the fileno() path (numpy.fromfile) for a real
    file object, which needs the file position, and fails on a pipe; read_array here reads it."""
    data = npy_bytes(np.arange(4096, dtype=np.uint8))

    def pipe_with(data):
        read_fd, write_fd = os.pipe()
        os.write(write_fd, data)
        os.close(write_fd)
        return os.fdopen(read_fd, "rb")

    with pipe_with(data) as stream:
        try:
            npformat.read_array(stream)
        except OSError:
            pass
        else:  # a later numpy may learn to read pipes; nothing here depends on it failing
            print("note: numpy.lib.format.read_array read a pipe")
    with pipe_with(data) as stream:
        array = read_array(stream)
    np.testing.assert_array_equal(array, np.arange(4096, dtype=np.uint8))
