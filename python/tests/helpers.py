"""Test helpers: a minimal PNG encoder (zlib + struct) and small datasets."""

import os
import struct
import time
import zlib
from pathlib import Path

import numpy as np

IDENTITY_PIPELINE = {"transforms": [{"op": "center_crop", "width": 12, "height": 10}]}


def write_png(path, pixels):
    """Write an 8-bit PNG: pixels is uint8 [H,W] (grey) or [H,W,C], C = 1, 2, 3 or 4."""
    pixels = np.asarray(pixels, dtype=np.uint8)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    height, width, channels = pixels.shape
    colour_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        file.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def image_for(ident, width=12, height=10):
    """An RGB image that identifies itself: every pixel of channel 0 is `ident` (1-255); the other
    channels vary over the image so that layout and normalisation tests see distinct values."""
    image = np.empty((height, width, 3), np.uint8)
    image[:, :, 0] = ident
    image[:, :, 1] = (np.arange(width)[None, :] * 20 + np.arange(height)[:, None]) % 256
    image[:, :, 2] = (np.arange(height)[:, None] * 25 + ident * 7) % 256
    return image


def make_class_dataset(root, counts, nested=False):
    """Folder-per-class dataset: counts = {"class": n}; returns {ident: class index}.
    Images get identities 1, 2, ... in the sorted order of their paths."""
    root = Path(root)
    files = []
    for label, name in enumerate(sorted(counts)):
        for i in range(counts[name]):
            relative = f"{name}/{'sub/' if nested and i % 2 else ''}img{i:03d}.png"
            files.append((relative, label))
    expected = {}
    # Sorted by path as bytes, as augment (and Python's sorted) order them.
    for ident, (relative, label) in enumerate(sorted(files, key=lambda f: f[0].encode()), start=1):
        write_png(root / relative, image_for(ident))
        expected[ident] = label
    return expected


def identities(images, layout="nhwc"):
    """The identity of each image of a uint8 batch (channel 0, pixel (0, 0))."""
    if layout == "nchw":
        return [int(v) for v in images[:, 0, 0, 0]]
    return [int(v) for v in images[:, 0, 0, 0]]


def pid_gone(pid, timeout=5.0):
    """True when /proc/<pid> is gone (the process has exited and been reaped) within timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not os.path.exists(f"/proc/{pid}"):
            return True
        time.sleep(0.02)
    return False


def children_of(pid):
    """Process ids whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    fields = file.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return found
