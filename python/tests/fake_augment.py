#!/usr/bin/env python3
"""A stand-in for ``augment batches`` that writes the same stream, for testing the Python side.

It lists the dataset as the real one does (class folders in sorted order, or --labels), but
does not decode images: sample i (its index in the sorted list of the whole dataset) becomes a
4x4 image whose every value is (i + 1) % 256, so tests can recognise it. Environment variables
make it misbehave:

- FAKE_AUGMENT_FAIL_AFTER=K: after K batches, print an error and exit 2 (FAKE_AUGMENT_TRUNCATE=1:
  first write half of the next images array).
- FAKE_AUGMENT_SKIP=1: report one unreadable image and exit 1 after all the batches.
- FAKE_AUGMENT_SLEEP=S: sleep S seconds after each batch.
- FAKE_AUGMENT_IGNORE_TERM=1: ignore SIGTERM (only SIGKILL ends it).
- FAKE_AUGMENT_ARGV=FILE: write the command line, one argument per line, to FILE.

With --ring-fd it puts each images array in the shared-memory ring, as the real one does, and
waits for slots to come back on standard input.
"""

import argparse
import csv
import io
import json
import mmap
import os
import signal
import sys
import time

import numpy as np
from numpy.lib import format as npformat


def fail(message, status):
    sys.stderr.write(f"error: {message}\n")
    sys.exit(status)


def list_dataset(root, labels_csv):
    if not os.path.isdir(root):
        fail(f"{root}: no such folder", 2)
    if labels_csv:
        with open(labels_csv, newline="") as file:
            rows = [row for row in csv.reader(file) if row and row[0] not in ("path", "filepath")]
        names = sorted({row[1] for row in rows})
        return names, sorted((row[0], names.index(row[1])) for row in rows)
    classes = sorted(entry.name for entry in os.scandir(root) if entry.is_dir() and not entry.name.startswith("."))
    samples = []
    for label, name in enumerate(classes):
        for folder, _, files in os.walk(os.path.join(root, name)):
            for file in files:
                if file.lower().endswith(".png"):
                    samples.append((os.path.relpath(os.path.join(folder, file), root), label))
    samples.sort()
    return classes, samples


def main():
    if os.environ.get("FAKE_AUGMENT_ARGV"):
        with open(os.environ["FAKE_AUGMENT_ARGV"], "w") as file:
            file.write("\n".join(sys.argv[1:]) + "\n")
    if os.environ.get("FAKE_AUGMENT_IGNORE_TERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parser = argparse.ArgumentParser(prog="augment")
    parser.add_argument("command", choices=["batches"])
    parser.add_argument("dataset")
    parser.add_argument("--pipeline", required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--first-epoch", type=int, default=0)
    parser.add_argument("--shuffle", action="store_true")
    parser.add_argument("--drop-last", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--executor")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--shard", default="0/1")
    parser.add_argument("--layout", choices=["nhwc", "nchw"], default="nhwc")
    parser.add_argument("--dtype", choices=["uint8", "float32"], default="uint8")
    parser.add_argument("--normalize")
    parser.add_argument("--labels")
    parser.add_argument("--channels", type=int, choices=[1, 3, 4], default=3)
    parser.add_argument("--strict", action="store_true")
    parser.add_argument("--out")
    parser.add_argument("--print-classes", action="store_true")
    parser.add_argument("--ring-fd", type=int)
    parser.add_argument("--ring-slots", type=int, default=4)
    try:
        options = parser.parse_args()
    except SystemExit:
        sys.exit(64)
    classes, samples = list_dataset(options.dataset, options.labels)
    rank, world = (int(x) for x in options.shard.split("/"))
    indices = list(range(rank, len(samples), world))
    size = options.batch_size
    per_epoch = len(indices) // size if options.drop_last else -(-len(indices) // size)
    if options.print_classes:
        print(json.dumps({"classes": classes, "samples": len(indices), "batches_per_epoch": per_epoch}))
        return
    if options.out != "-":
        fail("the fake producer writes to stdout only", 64)

    out = sys.stdout.buffer
    ring = None
    if options.ring_fd is not None:
        slot_size = 1 << 20
        os.ftruncate(options.ring_fd, options.ring_slots * slot_size)
        ring = mmap.mmap(options.ring_fd, options.ring_slots * slot_size)
        taken = 0
    fail_after = int(os.environ.get("FAKE_AUGMENT_FAIL_AFTER", "-1"))
    sleep = float(os.environ.get("FAKE_AUGMENT_SLEEP", "0"))
    written = 0
    for epoch in range(options.first_epoch, options.first_epoch + options.epochs):
        order = list(indices)
        if options.shuffle:
            order = list(np.random.default_rng([options.seed, epoch]).permutation(order))
        for batch in range(per_epoch):
            chosen = order[batch * size:(batch + 1) * size]
            if written == fail_after:
                if os.environ.get("FAKE_AUGMENT_TRUNCATE"):
                    buffer = io.BytesIO()
                    npformat.write_array(buffer, np.zeros((len(chosen), 4, 4, options.channels), np.uint8))
                    out.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])
                    out.flush()
                fail("simulated failure", 2)
            images = np.empty((len(chosen), 4, 4, options.channels), np.uint8)
            for row, index in enumerate(chosen):
                images[row] = (index + 1) % 256
            if options.dtype == "float32" or options.normalize:
                images = images.astype(np.float32) / 255
            if options.layout == "nchw":
                images = np.ascontiguousarray(images.transpose(0, 3, 1, 2))
            labels = np.array([samples[i][1] for i in chosen], dtype="<i8")
            if ring is not None:
                if taken == options.ring_slots:
                    if len(sys.stdin.buffer.read(4)) < 4:
                        sys.exit(0)  # the reader has gone
                    taken -= 1
                buffer = io.BytesIO()
                npformat.write_array(buffer, images)
                slot = written % options.ring_slots
                ring[slot * slot_size: slot * slot_size + len(buffer.getvalue())] = buffer.getvalue()
                images = np.array([slot, len(buffer.getvalue())], dtype="<i8")
                taken += 1
            for array in (images, labels, np.array([epoch, batch], dtype="<i8")):
                npformat.write_array(out, array)
            out.flush()
            written += 1
            if sleep:
                time.sleep(sleep)
    if os.environ.get("FAKE_AUGMENT_SKIP"):
        fail("broken.png: not a PNG file", 1)


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(141)
