#!/usr/bin/env python3
"""Peak resident memory of `augment run` and `augment batches` (issue 8's memory bounds).

The bound to show: peak memory does not grow with the number of images (bounded queues and
rings), and a slow consumer of `augment batches` does not make the producer buffer more.

Each command runs as a child of this script while a sampler reads every process of its tree from
/proc every 10 ms: "tree" is the largest sum of VmRSS over the parent and its workers seen at one
sample, "largest" the largest single process's VmHWM (its own exact peak, read at the last sample
before it ended). Folders of N images are made of hard links to a source folder of PNGs (default:
the anchors harness's 2,000 256x256 images), cycled, so a 10,000-image folder costs no disk.

    python3 benchmarks/memory.py --executable .build/release/augment \
        --images /tmp/augment-anchors/img256_n2000
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from augment_loader import Loader  # noqa: E402

PIPELINE = str(Path(__file__).resolve().parent / "standard-224.json")


def status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children_map():
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # The command name is in parentheses and may hold spaces: the parent is after it.
                fields = stat.read().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError):
            pass
    return parents


def descendants(root, parents):
    found, stack = [], [root]
    while stack:
        for child in parents.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


class TreeSampler:
    """Samples the processes below `root` (itself excluded when `include_root` is false)."""

    def __init__(self, root, include_root=True, interval=0.01):
        self.root, self.include_root, self.interval = root, include_root, interval
        self.peak_tree_kib = 0
        self.hwm_kib = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            pids = descendants(self.root, children_map())
            if self.include_root:
                pids.append(self.root)
            total = 0
            for pid in pids:
                total += status_kib(pid, "VmRSS")
                hwm = status_kib(pid, "VmHWM")
                if hwm:
                    self.hwm_kib[pid] = max(self.hwm_kib.get(pid, 0), hwm)
            self.peak_tree_kib = max(self.peak_tree_kib, total)
            self.samples += 1
            time.sleep(self.interval)

    @property
    def largest_kib(self):
        return max(self.hwm_kib.values(), default=0)


def linked_folder(source_files, count, folder, classes=0):
    """`count` hard links to the source PNGs (cycled); in `classes` class folders when asked."""
    folder.mkdir(parents=True)
    for index in range(count):
        target = folder / (f"class{index % classes}" if classes else "")
        target.mkdir(exist_ok=True)
        os.link(source_files[index % len(source_files)], target / f"image{index:06d}.png")
    return folder


def mib(kib):
    return f"{kib / 1024:.0f} MiB"


def measure_run(executable, images, out, executor, workers):
    argv = [executable, "run", str(images), "--out", str(out), "--pipeline", PIPELINE,
            "--executor", executor, "--quiet"]
    if executor != "serial":
        argv += ["--workers", str(workers)]
    start = time.perf_counter()
    child = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
    with TreeSampler(child.pid) as sampler:
        _, stderr = child.communicate()
    wall = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}): {stderr.strip()}")
    return sampler, wall


def measure_batches(executable, dataset, executor, workers, transport, seconds_per_batch):
    loader = Loader(str(dataset), 64, PIPELINE, epochs=1, shuffle=True, seed=0, executor=executor,
                    workers=None if executor == "serial" else workers, executable=executable,
                    transport=transport, forward_stderr=False)
    images = 0
    start = time.perf_counter()
    with TreeSampler(os.getpid(), include_root=False) as sampler, loader:
        for batch, _ in loader:
            images += len(batch)
            if seconds_per_batch:
                time.sleep(seconds_per_batch)
    return sampler, images, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--executable", default=".build/release/augment")
    parser.add_argument("--images", default="/tmp/augment-anchors/img256_n2000")
    parser.add_argument("--counts", default="1000,10000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slow", type=float, default=0.2, help="seconds the slow consumer spends per batch")
    parser.add_argument("--scratch", default=None)
    parser.add_argument("--sections", default="run,batches")
    options = parser.parse_args()
    executable = os.path.abspath(options.executable)
    sources = sorted(Path(options.images).rglob("*.png"))
    if not sources:
        raise SystemExit(f"no PNG files in {options.images}")
    counts = [int(count) for count in options.counts.split(",")]

    with tempfile.TemporaryDirectory(dir=options.scratch, prefix="augment-memory-") as scratch:
        scratch = Path(scratch)
        sections = options.sections.split(",")
        if "run" in sections:
            run_section(options, executable, sources, counts, scratch)
        if "batches" in sections:
            batches_section(options, executable, sources, counts, scratch)


def run_section(options, executable, sources, counts, scratch):
    print(f"augment run, {len(sources)} source PNGs linked into folders, {PIPELINE}, "
          f"{options.workers} workers, {os.cpu_count()} cores")
    print("| images | executor | peak tree RSS | largest process | wall s |")
    print("|---|---|---|---|---|")
    for count in counts:
        folder = linked_folder(sources, count, scratch / f"flat{count}")
        for executor in ("serial", "threads", "processes"):
            out = scratch / f"out-{count}-{executor}"
            sampler, wall = measure_run(executable, folder, out, executor, options.workers)
            print(f"| {count:,} | {executor} | {mib(sampler.peak_tree_kib)} | "
                  f"{mib(sampler.largest_kib)} | {wall:.1f} |", flush=True)
            subprocess.run(["rm", "-rf", str(out)], check=True)


def batches_section(options, executable, sources, counts, scratch):
    print()
    print(f"augment batches (one epoch, batch 64, 224x224x3 uint8, shuffled) read by augment_loader; "
          f"slow consumer: {options.slow} s per batch")
    print("| images | executor | transport | consumer | peak producer tree RSS | largest process | wall s |")
    print("|---|---|---|---|---|---|---|")
    for count in counts:
        dataset = linked_folder(sources, count, scratch / f"classes{count}", classes=10)
        cases = [(executor, transport, slow) for slow in (0, options.slow)
                 for executor, transport in (("threads", "pipe"), ("threads", "ring"), ("processes", "ring"))]
        for executor, transport, slow in cases:
            sampler, images, wall = measure_batches(executable, dataset, executor, options.workers,
                                                    transport, slow)
            assert images == count, (images, count)
            print(f"| {count:,} | {executor} | {transport} | {'slow' if slow else 'fast'} | "
                  f"{mib(sampler.peak_tree_kib)} | {mib(sampler.largest_kib)} | {wall:.1f} |", flush=True)


if __name__ == "__main__":
    main()
