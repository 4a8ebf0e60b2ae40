#!/bin/sh
# Issue 6's comparison, in one run: the best Python way to produce augmented arrays (the anchors
# harness's folder section: serial, ThreadPool and process pools of OpenCV + albumentations,
# read PNG -> standard pipeline -> array) beside images/s arriving in Python as NumPy batches
# from `augment batches` (benchmarks/batches_throughput.py), on the same 2,000 256x256 PNGs and
# the same pipeline (benchmarks/standard-224.json). Run from the package root on an idle machine:
#
#   sh benchmarks/batches.sh
set -eu
cd "$(dirname "$0")/.."
DATA=${DATA:-/tmp/augment-anchors}
ANCHORS=${ANCHORS:-../shared/anchors}
swift build -c release --scratch-path .build-bench >/dev/null
if [ ! -d "$DATA/img256_n2000" ]; then
    python3 "$ANCHORS/make_images.py" "$DATA" --n 2000 --size 256 >/dev/null
fi
python3 "$ANCHORS/bench_anchors.py" --sections folder --data-dir "$DATA" --out "$DATA/results-batches.json"
python3 benchmarks/batches_throughput.py --images "$DATA/img256_n2000" --executable .build-bench/release/augment
