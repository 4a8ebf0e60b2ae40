#!/usr/bin/env python3
"""Makes the OpenCV reference fixtures that Tests/AugmentTests/OpenCVAgreementTests.swift checks
the geometric kernels against.

    python3 scripts/make_opencv_fixtures.py            # (re)writes Tests/AugmentTests/Fixtures/opencv/
    python3 scripts/make_opencv_fixtures.py OUT_DIR    # or anywhere else
    python3 scripts/make_opencv_fixtures.py --check    # regenerate in memory, compare with the files

Needs numpy and OpenCV for Python (made with opencv-python-headless 5.0.0 and numpy 2.4; the
versions used are recorded in the manifest).

What it makes:
- six small inputs, 37x29 and 64x48 with 1, 3 and 4 channels (`input_WxH_cN.png`): smooth
  gradients, a few sharp edges (a bright disc, a dark bar, a diagonal step, a small
  checkerboard), some seeded noise, and runs of 0 and 255, so that interpolation, rounding and
  saturation are all exercised. Alpha is an ordinary varying channel (nothing is premultiplied:
  neither OpenCV nor the kernels treat it specially).
- OpenCV's output for each case (`<case name>.png`):
  - rotate: cv2.warpAffine(img, cv2.getRotationMatrix2D(((w-1)/2, (h-1)/2), angle, 1), (w, h),
    flags=INTER_LINEAR, borderMode=BORDER_CONSTANT, borderValue=fill), for angles 17.5, -30, 45
    and 123.4 and fills 0, 77 and one value per channel; and INTER_NEAREST at 33.3 degrees;
  - zoom: the same warpAffine with getRotationMatrix2D(centre, 0, scale), scales 1.37 and 0.71;
  - resize: cv2.resize(img, (W, H), interpolation=...) with INTER_LINEAR (up, down, mixed, at
    non-integer factors), INTER_AREA (shrinking by 2, by 4 and by non-integer factors) and
    INTER_NEAREST_EXACT (half-pixel nearest, what the kernels' `.nearest` resize does).
- `cases.json`, the manifest: every case's name, operation, parameters (in the kernels' terms),
  input and output files, and the OpenCV call that made it.

Channel order. The arrays are never converted between BGR and RGB: the kernels are
channel-agnostic, so it is enough that inputs and outputs go through the same writer. cv2.imwrite
stores a 3- or 4-channel array as RGB(A), that is with channels 0 and 2 swapped in the file, and
PNG.decode reads the file's order; so the Swift side sees both images with the same swap. The one
thing that is not channel-agnostic is a per-channel fill, so the manifest gives fills in the
file's channel order (the array's order with channels 0 and 2 swapped). Every file written is
decoded again here, by a small independent PNG reader below, and checked against the array in
file order, so a mistake in this reasoning fails the script rather than the tests.

Everything is deterministic: fixed seeds, fixed parameters, no clock. Rerunning with the same
numpy and OpenCV reproduces the same pixels (`--check` says whether it does); the PNG bytes may
differ with another zlib, which is harmless.
"""
import json
import os
import struct
import sys
import tempfile
import zlib

import cv2
import numpy as np

DEFAULT_OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                           "Tests", "AugmentTests", "Fixtures", "opencv")
SIZES = ((37, 29), (64, 48))
CHANNELS = (1, 3, 4)


# ----------------------------------------------------------------------------------------- inputs

def make_input(width, height, channels):
    """A deterministic test image: gradients + sharp edges + seeded noise, uint8 HxWxC (or HxW)."""
    rng = np.random.default_rng(1000 * width + 10 * height + channels)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / (width - 1), y / (height - 1)
    planes = []
    for c in range(channels):
        # A different smooth field per channel: a tilted ramp plus a slow wave.
        angle = 0.7 + 1.9 * c
        ramp = np.cos(angle) * u + np.sin(angle) * v
        ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
        wave = 0.5 + 0.5 * np.sin(2 * np.pi * (1.3 + 0.4 * c) * u + 3 * v + c)
        plane = 255 * (0.65 * ramp + 0.35 * wave)
        # Sharp edges, placed differently per channel so that channels are told apart.
        cx, cy, r = width * (0.3 + 0.1 * c), height * 0.4, min(width, height) * 0.22
        plane[(x - cx) ** 2 + (y - cy) ** 2 <= r * r] = 250 - 20 * c
        plane[(x >= width * 0.62) & (x < width * 0.62 + 3)] = 10 + 15 * c
        plane[y > 0.55 * x + height * 0.6] += 90
        checker = ((x // 3 + y // 3) % 2 == 0) & (x > width * 0.7) & (y > height * 0.65)
        plane[checker] = 255 if c % 2 == 0 else 0
        # Seeded noise over the left half only (keeps the files small, and leaves clean regions).
        plane[:, : width // 2] += rng.normal(0, 9, size=(height, width // 2))
        planes.append(plane)
    image = np.clip(np.rint(np.stack(planes, axis=-1)), 0, 255).astype(np.uint8)
    # Saturated corners: a run of 0 at the top left and 255 at the bottom right.
    image[:2, :5] = 0
    image[-2:, -5:] = 255
    return image[:, :, 0] if channels == 1 else image


def input_name(width, height, channels):
    return "input_%dx%d_c%d" % (width, height, channels)


# ------------------------------------------------------------------------------------------ cases

def per_channel_fill(channels):
    """A fill with one value per channel, in the array's channel order."""
    return {1: [200], 3: [30, 144, 250], 4: [30, 144, 250, 99]}[channels]


def file_order(values):
    """Array channel order -> the PNG file's order, as cv2.imwrite writes 3 and 4 channels."""
    values = list(values)
    if len(values) in (3, 4):
        values[0], values[2] = values[2], values[0]
    return values


def cases():
    """(name, input key, op dict, function of the input array giving OpenCV's output, call text)."""
    out = []

    def warp(angle, scale, flag, fill):
        def run(img):
            h, w = img.shape[:2]
            matrix = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, scale)
            border = tuple(float(f) for f in fill) + (0.0,) * (4 - len(fill)) if len(fill) > 1 \
                else (float(fill[0]),) * 4
            return cv2.warpAffine(img, matrix, (w, h), flags=flag, borderMode=cv2.BORDER_CONSTANT,
                                  borderValue=border)
        return run

    def resize(width, height, flag):
        return lambda img: cv2.resize(img, (width, height), interpolation=flag)

    flag_names = {cv2.INTER_LINEAR: "INTER_LINEAR", cv2.INTER_NEAREST: "INTER_NEAREST",
                  cv2.INTER_AREA: "INTER_AREA", cv2.INTER_NEAREST_EXACT: "INTER_NEAREST_EXACT"}
    interpolation = {cv2.INTER_LINEAR: "bilinear", cv2.INTER_NEAREST: "nearest",
                     cv2.INTER_AREA: "area", cv2.INTER_NEAREST_EXACT: "nearest"}

    def fill_label(fill):
        return "fill" + "-".join(str(v) for v in fill)

    def add_warp(kind, w, h, c, angle, scale, flag, fill):
        key = input_name(w, h, c)
        parameter = "%g" % (angle if kind == "rotate" else scale)
        name = "%s_%s_%s_%s_%s" % (kind, parameter.replace("-", "m"), interpolation[flag], fill_label(fill), key[6:])
        op = {"op": kind, "interpolation": interpolation[flag], "fill": file_order(fill)}
        op["degrees" if kind == "rotate" else "scale"] = angle if kind == "rotate" else scale
        call = ("cv2.warpAffine(img, cv2.getRotationMatrix2D(((w-1)/2, (h-1)/2), %r, %r), (w, h), "
                "flags=cv2.%s, borderMode=cv2.BORDER_CONSTANT, borderValue=%r)"
                % (angle, scale, flag_names[flag], tuple(fill)))
        out.append((name, key, op, warp(angle, scale, flag, fill), call))

    def add_resize(w, h, c, width, height, flag):
        key = input_name(w, h, c)
        name = "resize_%dx%d_%s_%s" % (width, height, interpolation[flag], key[6:])
        op = {"op": "resize", "width": width, "height": height, "interpolation": interpolation[flag]}
        call = "cv2.resize(img, (%d, %d), interpolation=cv2.%s)" % (width, height, flag_names[flag])
        out.append((name, key, op, resize(width, height, flag), call))

    # Bilinear rotations: every input, four angles, fills 0, 77 and per channel.
    for (w, h) in SIZES:
        for c in CHANNELS:
            add_warp("rotate", w, h, c, 17.5, 1.0, cv2.INTER_LINEAR, [0])
            add_warp("rotate", w, h, c, -30.0, 1.0, cv2.INTER_LINEAR, [77])
            add_warp("rotate", w, h, c, 45.0, 1.0, cv2.INTER_LINEAR, per_channel_fill(c))
            add_warp("rotate", w, h, c, 123.4, 1.0, cv2.INTER_LINEAR, [0] if w == 37 else [77])
    # Nearest rotations: one angle, each channel count once.
    add_warp("rotate", 37, 29, 3, 33.3, 1.0, cv2.INTER_NEAREST, [77])
    add_warp("rotate", 64, 48, 1, 33.3, 1.0, cv2.INTER_NEAREST, [0])
    add_warp("rotate", 64, 48, 4, 33.3, 1.0, cv2.INTER_NEAREST, per_channel_fill(4))
    # Zooms: every input, magnifying and shrinking (which uncovers the border).
    for (w, h) in SIZES:
        for c in CHANNELS:
            add_warp("zoom", w, h, c, 0.0, 1.37, cv2.INTER_LINEAR, [0])
            add_warp("zoom", w, h, c, 0.0, 0.71, cv2.INTER_LINEAR, [77] if c == 1 else per_channel_fill(c))
    # Bilinear resizes: up, down and mixed, at non-integer factors.
    for c in CHANNELS:
        for (width, height) in ((61, 47), (20, 15), (37, 10)):
            add_resize(37, 29, c, width, height, cv2.INTER_LINEAR)
    add_resize(64, 48, 1, 80, 20, cv2.INTER_LINEAR)
    add_resize(64, 48, 3, 101, 77, cv2.INTER_LINEAR)
    add_resize(64, 48, 4, 30, 22, cv2.INTER_LINEAR)
    # Area resizes: shrinking by 2 and 4 (OpenCV's integer fast path) and non-integer factors.
    for c in CHANNELS:
        for (width, height) in ((32, 24), (16, 12), (25, 19)):
            add_resize(64, 48, c, width, height, cv2.INTER_AREA)
        add_resize(37, 29, c, 20, 15, cv2.INTER_AREA)
    # Half-pixel nearest resizes.
    add_resize(37, 29, 3, 61, 47, cv2.INTER_NEAREST_EXACT)
    add_resize(64, 48, 1, 25, 19, cv2.INTER_NEAREST_EXACT)
    add_resize(64, 48, 4, 30, 22, cv2.INTER_NEAREST_EXACT)
    return out


# ---------------------------------------------------------------------- an independent PNG reader

def read_png(data):
    """Decodes an 8-bit, non-interlaced grey/RGB/RGBA PNG to a list of rows of samples, in the
    file's order. Standard library only, so it checks cv2.imwrite independently of cv2.imread."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (0, 2, 6), header
    bpp = {0: 1, 2: 3, 6: 4}[colour]
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prior = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prior[i], (prior[i - bpp] if i >= bpp else 0)
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prior = line
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(height, width, bpp)


def in_file_order(array):
    """The array as its PNG file stores it: HxWxC with channels 0 and 2 swapped for 3 and 4."""
    if array.ndim == 2:
        return array[:, :, None]
    order = [2, 1, 0] if array.shape[2] == 3 else [2, 1, 0, 3]
    return array[:, :, order]


def encode(array):
    ok, data = cv2.imencode(".png", array, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    assert ok
    data = data.tobytes()
    # The round trip: the file holds the array in file order (our reader), and cv2 reads it back.
    assert np.array_equal(read_png(data), in_file_order(array)), "the PNG does not hold the array in file order"
    assert np.array_equal(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED), array)
    return data


# ------------------------------------------------------------------------------------------- main

def build():
    """(file name, bytes, decoded pixels in file order) for every fixture, then the manifest."""
    files, inputs = [], {}
    for (w, h) in SIZES:
        for c in CHANNELS:
            array = make_input(w, h, c)
            inputs[input_name(w, h, c)] = array
            files.append((input_name(w, h, c) + ".png", encode(array)))
    manifest_cases = []
    for name, key, op, run, call in cases():
        output = run(inputs[key])
        assert output.shape[:2] == ((op["height"], op["width"]) if op["op"] == "resize" else inputs[key].shape[:2])
        files.append((name + ".png", encode(output)))
        entry = {"name": name, "input": key + ".png", "output": name + ".png"}
        entry.update(op)
        entry["opencv"] = call
        manifest_cases.append(entry)
    # The per-channel fill claim, checked directly: a pixel that is all border shows the fill in
    # file order once written. (rotate 45 of a 3-channel input leaves its corners uncovered.)
    for entry in manifest_cases:
        if entry["op"] == "rotate" and len(entry["fill"]) > 1 and entry["interpolation"] == "bilinear":
            pixels = read_png(dict(files)[entry["output"]])
            assert list(pixels[0, 0]) == entry["fill"], (entry["name"], pixels[0, 0], entry["fill"])
    names = [entry["name"] for entry in manifest_cases]
    assert len(names) == len(set(names)), "case names must be unique"
    manifest = {
        "about": "OpenCV reference outputs for the geometric kernels; made by scripts/make_opencv_fixtures.py. "
                 "Fills are in the PNG files' channel order.",
        "opencv": cv2.__version__,
        "numpy": np.__version__,
        "cases": manifest_cases,
    }
    files.append(("cases.json", manifest_text(manifest).encode()))
    return files


def manifest_text(manifest):
    """The manifest as JSON with one case per line, so that a diff shows which cases changed."""
    head = {key: value for key, value in manifest.items() if key != "cases"}
    lines = ["{"] + ["  %s: %s," % (json.dumps(key), json.dumps(value)) for key, value in head.items()]
    lines.append('  "cases": [')
    lines += ["    %s%s" % (json.dumps(case), "," if i + 1 < len(manifest["cases"]) else "")
              for i, case in enumerate(manifest["cases"])]
    lines += ["  ]", "}"]
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == manifest
    return text


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    out_dir = args[0] if args else DEFAULT_OUT
    files = build()
    if check:
        failures = 0
        for name, data in files:
            path = os.path.join(out_dir, name)
            if not os.path.exists(path):
                print("missing: %s" % path)
                failures += 1
                continue
            with open(path, "rb") as f:
                old = f.read()
            same = (old == data) if name.endswith(".json") else np.array_equal(read_png(old), read_png(data))
            if not same:
                print("differs: %s" % path)
                failures += 1
        print("%d files checked, %d differ or are missing" % (len(files), failures))
        return 1 if failures else 0
    os.makedirs(out_dir, exist_ok=True)
    for name, data in files:
        # Written through a temporary file, so an interrupted run never leaves half a fixture.
        handle, temporary = tempfile.mkstemp(dir=out_dir)
        with os.fdopen(handle, "wb") as f:
            f.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, os.path.join(out_dir, name))
    total = sum(len(data) for _, data in files)
    print("wrote %d files, %d bytes, into %s" % (len(files), total, out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
