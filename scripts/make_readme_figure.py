#!/usr/bin/env python3
"""Makes docs/standard-pipeline.png, the README's contact sheet of pipelines/standard.json.

    swift build -c release
    python3 scripts/make_readme_figure.py                              # uses .build/release/augment
    python3 scripts/make_readme_figure.py --augment PATH/TO/augment    # another build
    python3 scripts/make_readme_figure.py --out OTHER.png              # write somewhere else

It runs the built `augment` twice into a temporary folder:

    augment run images --out TMP/original  --channels 3
    augment run images --out TMP/augmented --channels 3 --pipeline pipelines/standard.json --copies 4 --seed 0

The first run only normalises every bundled image to 8-bit RGB (1-bit, 2-bit and 8-bit grey,
grey+alpha, palette with and without tRNS, 16-bit, RGBA, Adam7); the second applies the example
pipeline (hflip p=0.5, rotate [-30, 30], zoom [0.8, 1.2], random_resized_crop 96x96) and writes
four copies of each image, name_0.png .. name_3.png.

The sheet has one row per input image, sorted by relative path: the original, centred on a
neutral grey cell the size of the largest original, a thin dark separator, then its four
augmented 96x96 copies, on a white background with a few pixels of gap. No text.

Python 3 and numpy only: the PNGs are read by a small reader here (8-bit RGB, non-interlaced, all
five row filters: what `augment --channels 3` writes; anything else is refused) and the sheet is
written by a small writer (filter 0, zlib level 9, no time stamp), so running the script twice
gives the same bytes. Relative paths are taken from the current folder; the defaults are inside
the checkout this script belongs to, wherever it is run from.
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES = os.path.join(ROOT, "images")
PIPELINE = os.path.join(ROOT, "pipelines", "standard.json")
COPIES = 4
SEED = 0
CROP = 96                # the pipeline's random_resized_crop size

MARGIN = 8               # around the whole sheet
GAP = 4                  # between rows and between the copies
SEP_GAP = 6              # either side of the separator
SEP_WIDTH = 1
BACKGROUND = 255         # white sheet
CELL_GREY = 128          # the neutral grey behind each original
SEP_GREY = 96            # the separator line

SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------------ PNG reading

def read_png_rgb8(path):
    """Decodes an 8-bit RGB, non-interlaced PNG to a (height, width, 3) uint8 array."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != SIGNATURE:
        raise ValueError(f"{path}: not a PNG file")
    pos, header, idat = 8, None, []
    while True:
        if pos + 8 > len(data):
            raise ValueError(f"{path}: truncated (no IEND)")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 4:pos + 8 + length]
        if len(body) != 4 + length or pos + 12 + length > len(data):
            raise ValueError(f"{path}: truncated {kind!r} chunk")
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(body) & 0xFFFFFFFF != crc:
            raise ValueError(f"{path}: {kind.decode('latin-1')}: CRC error")
        payload = body[4:]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", payload)
        elif kind == b"IDAT":
            idat.append(payload)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError(f"{path}: no IHDR")
    width, height, depth, colour, compression, filtering, interlace = header
    if (depth, colour, compression, filtering, interlace) != (8, 2, 0, 0, 0):
        raise ValueError(f"{path}: only 8-bit RGB, non-interlaced PNGs are read here "
                         f"(bit depth {depth}, colour type {colour}, interlace {interlace})")
    raw = zlib.decompress(b"".join(idat))
    stride = width * 3
    if len(raw) != height * (stride + 1):
        raise ValueError(f"{path}: {len(raw)} bytes of image data, expected {height * (stride + 1)}")
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    prior = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = rows[y, 0], rows[y, 1:]
        if kind == 0:                                   # None
            recon = line.copy()
        elif kind == 1:                                 # Sub: a running sum per channel, mod 256
            recon = (np.cumsum(line.reshape(width, 3), axis=0, dtype=np.uint64) % 256)
            recon = recon.astype(np.uint8).reshape(stride)
        elif kind == 2:                                 # Up
            recon = line + prior                        # uint8 arithmetic wraps mod 256
        elif kind in (3, 4):                            # Average, Paeth: byte by byte
            recon = _unfilter_sequential(kind, line.tolist(), prior.tolist())
        else:
            raise ValueError(f"{path}: row {y}: unknown filter type {kind}")
        out[y] = recon
        prior = out[y]
    return out.reshape(height, width, 3)


def _unfilter_sequential(kind, line, prior):
    recon = [0] * len(line)
    for i, x in enumerate(line):
        a = recon[i - 3] if i >= 3 else 0
        b = prior[i]
        if kind == 3:
            predictor = (a + b) >> 1
        else:
            c = prior[i - 3] if i >= 3 else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        recon[i] = (x + predictor) & 0xFF
    return np.array(recon, dtype=np.uint8)


# ------------------------------------------------------------------------------------ PNG writing

def _chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png_rgb8(path, pixels):
    """Writes a (height, width, 3) uint8 array as an 8-bit RGB PNG: filter 0, zlib level 9."""
    height, width, _ = pixels.shape
    rows = np.zeros((height, width * 3 + 1), dtype=np.uint8)   # column 0: filter type 0
    rows[:, 1:] = pixels.reshape(height, width * 3)
    png = (SIGNATURE
           + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 9))
           + _chunk(b"IEND", b""))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(png)
    os.replace(temporary, path)


# ------------------------------------------------------------------------------------ the sheet

def relative_pngs(folder):
    """Relative paths of the .png files below folder, sorted by their bytes (as augment does)."""
    found = []
    for directory, subdirs, files in os.walk(folder):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in files:
            if name.lower().endswith(".png") and not name.startswith("."):
                found.append(os.path.relpath(os.path.join(directory, name), folder))
    return sorted(found, key=lambda p: p.encode("utf-8"))


def run(command):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(command)} exited with {result.returncode}\n{result.stderr}")


def build_sheet(original_dir, augmented_dir):
    names = relative_pngs(original_dir)
    if not names:
        sys.exit(f"error: no PNGs in {original_dir}")
    originals = [read_png_rgb8(os.path.join(original_dir, n)) for n in names]
    copies = []
    for name in names:
        stem, ext = os.path.splitext(name)
        row = []
        for k in range(COPIES):
            image = read_png_rgb8(os.path.join(augmented_dir, f"{stem}_{k}{ext}"))
            if image.shape != (CROP, CROP, 3):
                sys.exit(f"error: {stem}_{k}{ext} is {image.shape[1]}x{image.shape[0]}, expected {CROP}x{CROP}")
            row.append(image)
        copies.append(row)

    cell_w = max(im.shape[1] for im in originals)
    cell_h = max(im.shape[0] for im in originals)
    row_h = max(cell_h, CROP)
    copies_x = MARGIN + cell_w + SEP_GAP + SEP_WIDTH + SEP_GAP
    width = copies_x + COPIES * CROP + (COPIES - 1) * GAP + MARGIN
    height = 2 * MARGIN + len(names) * row_h + (len(names) - 1) * GAP
    sheet = np.full((height, width, 3), BACKGROUND, dtype=np.uint8)

    sep_x = MARGIN + cell_w + SEP_GAP
    sheet[MARGIN:height - MARGIN, sep_x:sep_x + SEP_WIDTH] = SEP_GREY
    for i, (original, row) in enumerate(zip(originals, copies)):
        top = MARGIN + i * (row_h + GAP)
        cell_top = top + (row_h - cell_h) // 2
        sheet[cell_top:cell_top + cell_h, MARGIN:MARGIN + cell_w] = CELL_GREY
        h, w, _ = original.shape
        y0 = cell_top + (cell_h - h) // 2
        x0 = MARGIN + (cell_w - w) // 2
        sheet[y0:y0 + h, x0:x0 + w] = original
        y0 = top + (row_h - CROP) // 2
        for k, image in enumerate(row):
            x0 = copies_x + k * (CROP + GAP)
            sheet[y0:y0 + CROP, x0:x0 + CROP] = image
    return sheet, names


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--augment", default=os.path.join(ROOT, ".build", "release", "augment"),
                        help="the augment executable (default: .build/release/augment in this checkout)")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs", "standard-pipeline.png"),
                        help="where to write the figure (default: docs/standard-pipeline.png)")
    args = parser.parse_args()
    augment = os.path.abspath(args.augment)
    if not os.access(augment, os.X_OK):
        sys.exit(f"error: {args.augment}: no augment executable there (swift build -c release, or --augment PATH)")

    with tempfile.TemporaryDirectory(prefix="augment-figure-") as tmp:
        original_dir = os.path.join(tmp, "original")
        augmented_dir = os.path.join(tmp, "augmented")
        run([augment, "run", IMAGES, "--out", original_dir, "--channels", "3", "--quiet"])
        run([augment, "run", IMAGES, "--out", augmented_dir, "--channels", "3",
             "--pipeline", PIPELINE, "--copies", str(COPIES), "--seed", str(SEED), "--quiet"])
        sheet, names = build_sheet(original_dir, augmented_dir)
    write_png_rgb8(args.out, sheet)
    print(f"wrote {args.out}: {sheet.shape[1]}x{sheet.shape[0]}, {len(names)} images x "
          f"(original + {COPIES} copies)")


if __name__ == "__main__":
    main()
