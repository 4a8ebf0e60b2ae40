#!/usr/bin/env python3
"""Images per second arriving in Python as NumPy batches from `augment batches`, and the
consumer's share of the time: what issue 6's speed goal is measured by.

For each executor, runs the loader over one epoch of a folder (the anchors harness's 2,000
256x256 PNGs, by default), REPEATS times, and prints the median images/s with the min-max,
and the consumer's CPU time (this Python process: reading the stream into arrays) as a share
of the wall time and of all the CPU time spent (consumer and producer).

    python3 benchmarks/batches_throughput.py --images /tmp/augment-anchors/img256_n2000 \
        --executable .build/release/augment
"""
import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from augment_loader import Loader  # noqa: E402


def cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def one_epoch(options, executor):
    loader = Loader(options.images, options.batch_size, options.pipeline, shuffle=True, seed=0,
                    executor=executor, workers=None if executor == "serial" else options.workers,
                    layout=options.layout, executable=options.executable, forward_stderr=False)
    consumer_before, children_before = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    images = 0
    checksum = 0
    start = time.perf_counter()
    with loader:
        for batch, labels in loader:
            images += len(batch)
            checksum ^= int(batch[-1, 0, 0, 0])  # touch the data, as a training step would
    wall = time.perf_counter() - start
    consumer = cpu(resource.RUSAGE_SELF) - consumer_before
    producer = cpu(resource.RUSAGE_CHILDREN) - children_before
    return images, wall, consumer, producer


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", default="/tmp/augment-anchors/img256_n2000")
    parser.add_argument("--executable", default=".build/release/augment")
    parser.add_argument("--pipeline", default=str(Path(__file__).resolve().parent / "standard-224.json"))
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--layout", default="nhwc")
    parser.add_argument("--executors", default="serial,threads,processes")
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    one_epoch(options, "threads")  # warm the page cache and the binary
    print(f"augment batches -> augment_loader, {options.images}, batch {options.batch_size}, "
          f"{options.workers} workers, {options.repeats} repeats (median, min-max)")
    for executor in options.executors.split(","):
        runs = [one_epoch(options, executor) for _ in range(options.repeats)]
        rates = sorted(images / wall for images, wall, _, _ in runs)
        median = statistics.median(rates)
        middle = sorted(runs, key=lambda run: run[0] / run[1])[len(runs) // 2]
        images, wall, consumer, producer = middle
        print(f"{executor:10s} {median:8.1f} images/s ({rates[0]:.1f}-{rates[-1]:.1f}), "
              f"consumer CPU {100 * consumer / wall:.1f}% of wall time, "
              f"{100 * consumer / (consumer + producer):.1f}% of all CPU ({images} images)")


if __name__ == "__main__":
    main()
