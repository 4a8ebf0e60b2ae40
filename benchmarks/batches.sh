#!/bin/sh
# Issues 6 and 7's comparison, in one run: the best Python way to produce augmented arrays (the
# anchors harness's folder section: serial, ThreadPool and process pools of OpenCV +
# albumentations, read PNG -> standard pipeline -> array) beside images/s arriving in Python as
# NumPy batches from `augment batches` over the PNG folder (benchmarks/batches_throughput.py) and
# over a decoded-image cache of it, epoch by epoch (`augment cache`, then
# benchmarks/cache_epochs.py), on the same 2,000 256x256 PNGs and the same pipeline
# (benchmarks/standard-224.json). Run from the package root on an idle machine (about 4 minutes):
#
#   sh benchmarks/batches.sh            # all three
#   SKIP_FOLDER=1 sh benchmarks/batches.sh   # the anchors and the cache only
set -eu
cd "$(dirname "$0")/.."
DATA=${DATA:-/tmp/augment-anchors}
ANCHORS=${ANCHORS:-../shared/anchors}
swift build -c release --scratch-path .build-bench >/dev/null
if [ ! -d "$DATA/img256_n2000" ]; then
    python3 "$ANCHORS/make_images.py" "$DATA" --n 2000 --size 256 >/dev/null
fi
python3 "$ANCHORS/bench_anchors.py" --sections folder --data-dir "$DATA" --out "$DATA/results-batches.json"
if [ -z "${SKIP_FOLDER:-}" ]; then
    python3 benchmarks/batches_throughput.py --images "$DATA/img256_n2000" --executable .build-bench/release/augment
fi
python3 benchmarks/cache_epochs.py --images "$DATA/img256_n2000" --executable .build-bench/release/augment
