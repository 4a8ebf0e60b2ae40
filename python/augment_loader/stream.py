"""Reading standard NumPy ``.npy`` arrays one after another from a pipe.

``numpy.load`` and ``numpy.lib.format.read_array`` cannot be used on a pipe: for a real file they
take the ``fileno()`` path (``numpy.fromfile``), which needs a seekable file, and for other objects
they read the data in chunks and copy them into a new array. Here the header is parsed with numpy's
public header readers and the data are read straight into a preallocated array with ``readinto``:
one copy, from the kernel's pipe buffer into the array's memory.
"""

from __future__ import annotations

import io

import numpy as np
from numpy.lib import format as npformat

__all__ = ["StreamError", "read_array"]

# A header describes the shape and dtype of one array; a few KiB is plenty for any batch. Version
# 2.0 headers may be longer (their length field has 4 bytes), so they get a larger limit.
_MAX_HEADER_1_0 = 10_000
_MAX_HEADER_2_0 = 1 << 20


class StreamError(ValueError):
    """The stream is not a well-formed sequence of ``.npy`` arrays (or ends inside one)."""


def _read_exactly(stream, count: int, what: str) -> bytes:
    """Read ``count`` bytes; fewer only when the stream ends (the caller decides what that means)."""
    chunks = []
    remaining = count
    while remaining > 0:
        chunk = stream.read(remaining)
        if chunk is None:
            raise StreamError(f"{what}: the stream is non-blocking and had no data")
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _readinto_exactly(stream, view: memoryview) -> int:
    """Fill ``view`` from the stream; returns the number of bytes read (short only at EOF)."""
    filled = 0
    total = len(view)
    while filled < total:
        n = stream.readinto(view[filled:])
        if n is None:
            raise StreamError("array data: the stream is non-blocking and had no data")
        if n == 0:
            break
        filled += n
    return filled


def read_array(stream) -> np.ndarray | None:
    """Read one ``.npy`` array (format version 1.0 or 2.0) from a binary stream.

    ``stream`` needs ``read`` and ``readinto`` only: a pipe (``subprocess.Popen(...).stdout``), a
    socket file, ``io.BytesIO``... It is never seeked and its ``fileno()`` is not used.

    Returns ``None`` when the stream ends cleanly before an array (no byte of a new array was
    read). Raises :class:`StreamError` when the stream ends inside an array (truncated) or does not
    hold a ``.npy`` array. The array returned is freshly allocated, writable, C-contiguous and in
    native byte order, ready for ``torch.from_numpy``; it owns its memory.
    """
    magic = _read_exactly(stream, npformat.MAGIC_LEN, "magic string")
    if not magic:
        return None
    if len(magic) < npformat.MAGIC_LEN:
        raise StreamError(
            f"truncated stream: {len(magic)} bytes of a .npy magic string, expected {npformat.MAGIC_LEN}"
        )
    try:
        version = npformat.read_magic(io.BytesIO(magic))
    except ValueError as error:
        raise StreamError(f"not a .npy array: {error}") from None
    try:
        if version == (1, 0):
            shape, fortran_order, dtype = npformat.read_array_header_1_0(
                stream, max_header_size=_MAX_HEADER_1_0
            )
        elif version == (2, 0):
            shape, fortran_order, dtype = npformat.read_array_header_2_0(
                stream, max_header_size=_MAX_HEADER_2_0
            )
        else:
            raise StreamError(f".npy format version {version[0]}.{version[1]} is not supported (1.0 or 2.0)")
    except StreamError:
        raise
    except ValueError as error:
        # numpy reports both a short read ("EOF: reading array header ...") and a malformed
        # header as ValueError.
        if "EOF" in str(error):
            raise StreamError(f"truncated stream inside a .npy header: {error}") from None
        raise StreamError(f"bad .npy header: {error}") from None
    if dtype.hasobject:
        raise StreamError(f"the array holds Python objects (dtype {dtype}), which a stream cannot carry")

    if fortran_order:
        # Read the data as they are laid out (the transposed shape, C order), then make a
        # C-contiguous copy with the declared shape.
        array = np.empty(tuple(reversed(shape)), dtype=dtype)
    else:
        array = np.empty(shape, dtype=dtype)
    if array.nbytes:
        # A flat byte view of the array's own memory (works for every dtype, 0-d included).
        view = memoryview(array.reshape(-1).view(np.uint8))
        filled = _readinto_exactly(stream, view)
        if filled < array.nbytes:
            raise StreamError(
                f"truncated stream: {filled} of {array.nbytes} data bytes of a {dtype} array of shape {shape}"
            )
    if fortran_order:
        array = np.ascontiguousarray(array.T)
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return array
