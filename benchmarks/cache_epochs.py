#!/usr/bin/env python3
"""Issue 7's figures: images/s arriving in Python as NumPy batches from a decoded-image cache
(`augment cache`), epoch by epoch, beside the same loader on the PNG folder.

Builds the cache of --images (timed, with the build's peak memory), then for each source
(cache, folder), executor and (for the cache) transport (the shared-memory ring, the pipe) runs
one Loader over --epochs epochs and times every epoch from
its first batch's arrival to its last's (epoch 1 also includes the producer's start: the source
check and the first batch). Prints, per run, epoch 1 and the median of epochs 2 on with their
min-max, and the consumer's CPU time (this process: reading the stream into arrays) over those
epochs as a share of their wall time.

    python3 benchmarks/cache_epochs.py --images /tmp/augment-anchors/img256_n2000 \
        --executable .build/release/augment
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from augment_loader import Loader  # noqa: E402


def cpu_self():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def epochs(options, dataset, executor, transport):
    """[(images, wall seconds, consumer CPU seconds)] per epoch."""
    loader = Loader(dataset, options.batch_size, options.pipeline, epochs=options.epochs, shuffle=True, seed=0,
                    executor=executor, workers=None if executor == "serial" else options.workers,
                    executable=options.executable, forward_stderr=False, with_place=True, transport=transport)
    results = []
    current, images, checksum = 0, 0, 0
    start, cpu_start = time.perf_counter(), cpu_self()
    with loader:
        for batch, labels, place in loader:
            if place[0] != current:
                now, cpu = time.perf_counter(), cpu_self()
                results.append((images, now - start, cpu - cpu_start))
                current, images, start, cpu_start = place[0], 0, now, cpu
            images += len(batch)
            checksum ^= int(batch[-1, 0, 0, 0])  # touch the data, as a training step would
    results.append((images, time.perf_counter() - start, cpu_self() - cpu_start))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", default="/tmp/augment-anchors/img256_n2000")
    parser.add_argument("--executable", default=".build/release/augment")
    parser.add_argument("--pipeline", default=str(Path(__file__).resolve().parent / "standard-224.json"))
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--executors", default="threads,processes")
    parser.add_argument("--sources", default="cache,folder")
    parser.add_argument("--transports", default="ring,pipe",
                        help="how batches reach Python: the shared-memory ring, the pipe (default: both, cache only)")
    parser.add_argument("--cache", help="where to build the cache (default: a temporary file, removed at the end)")
    options = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="augment-cache-bench-")
    cache = options.cache or os.path.join(folder, "images.augc")
    start = time.perf_counter()
    subprocess.run([options.executable, "cache", options.images, "--out", cache, "--quiet"], check=True)
    build = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    count = len(list(Path(options.images).rglob("*.png")))
    print(f"augment cache: {count} images in {build:.2f} s ({count / build:.0f} images/s), "
          f"{os.path.getsize(cache) / 2**20:.0f} MiB, peak resident memory {peak:.0f} MiB")
    print(f"augment batches -> augment_loader, batch {options.batch_size}, {options.workers} workers, "
          f"{options.epochs} epochs per run")
    try:
        for source in options.sources.split(","):
            dataset = cache if source == "cache" else options.images
            for executor, transport in [(e, t) for e in options.executors.split(",")
                                        for t in (options.transports.split(",") if source == "cache" else ["ring"])]:
                runs = epochs(options, dataset, executor, transport)
                first, later = runs[0], runs[1:]
                rates = sorted(images / wall for images, wall, _ in later)
                wall = sum(w for _, w, _ in later)
                consumer = sum(c for _, _, c in later)
                print(f"{source:6s} {executor:9s} {transport:4s} epoch 1 {first[0] / first[1]:8.0f} images/s; epochs 2-{len(runs)}: "
                      f"median {statistics.median(rates):8.0f} images/s ({rates[0]:.0f}-{rates[-1]:.0f}), "
                      f"consumer CPU {100 * consumer / wall:.1f}% of their wall time")
    finally:
        if not options.cache:
            os.unlink(cache)
            os.rmdir(folder)


if __name__ == "__main__":
    main()
