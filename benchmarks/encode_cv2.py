#!/usr/bin/env python3
"""cv2.imencode('.png', image) with OpenCV's default settings, single-threaded, on the same sets of
PNG files as encode-bench, for its --cv2 option.

    python3 encode_cv2.py NAME=FOLDER[:LIMIT] ... [--repeats 7] [--out cv2.json]

Each set: its files ordered as the anchors harness orders them (file name, then path), the first
LIMIT, read with cv2.imread (BGR; imencode writes them as RGB PNGs, so the files hold the same
pixels as encode-bench's). Timing: one warm-up pass, then the median over `repeats` passes of pass
time per image (wall clock).
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import cv2  # noqa: E402

cv2.setNumThreads(1)


def png_paths(folder):
    paths = []
    for root, _, files in os.walk(folder):
        paths += [os.path.join(root, name) for name in files if name.lower().endswith(".png")]
    return sorted(paths, key=lambda path: (os.path.basename(path), path))


def main(arguments):
    repeats, out, sets = 7, None, []
    while arguments:
        argument = arguments.pop(0)
        if argument == "--repeats":
            repeats = int(arguments.pop(0))
        elif argument == "--out":
            out = arguments.pop(0)
        else:
            name, _, folder = argument.partition("=")
            limit = None
            head, colon, tail = folder.rpartition(":")
            if colon and tail.isdigit():
                folder, limit = head, int(tail)
            sets.append((name, folder, limit))
    results = {}
    print(f"# cv2.imencode default, OpenCV {cv2.__version__}, median of {repeats} passes\n")
    for name, folder, limit in sets:
        paths = png_paths(folder)[:limit]
        images = [cv2.imread(path, cv2.IMREAD_COLOR) for path in paths]
        sizes = [len(cv2.imencode(".png", image)[1]) for image in images]
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            for image in images:
                cv2.imencode(".png", image)
            times.append((time.perf_counter() - start) / len(images) * 1000)
        times.sort()
        ms = times[len(times) // 2]
        results[name] = {"ms_per_image": ms, "mean_bytes": sum(sizes) / len(sizes), "count": len(images),
                         "min_ms": times[0], "max_ms": times[-1]}
        print(f"{name}: {len(images)} images, {ms:.3f} ms per image ({times[0]:.3f}..{times[-1]:.3f}), "
              f"{sum(sizes) / len(sizes):,.0f} bytes")
    if out:
        with open(out, "w") as file:
            json.dump(results, file, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
