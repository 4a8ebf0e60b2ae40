#!/bin/sh
# Runs the anchors harness's `ops` section (OpenCV, albumentations, Pillow, scipy) and
# kernel-bench back to back on the same 256x256 images, so the ratios come from one run.
#
#     cd benchmarks && ./compare_kernels_with_anchors.sh [OUT_DIR]
#
# ANCHORS (default ../shared/anchors beside the checkout) is the harness; its images go to
# ANCHORS_DATA (default /tmp/augment-anchors, made on the first run, about 2 minutes).
# SCRATCH_PATH (default .build) is the build folder, for checkouts that share a machine.
set -eu
ANCHORS=${ANCHORS:-$(cd "$(dirname "$0")/../.." && pwd)/shared/anchors}
ANCHORS_DATA=${ANCHORS_DATA:-/tmp/augment-anchors}
OUT=${1:-/tmp/augment-kernel-compare}
mkdir -p "$OUT"
cd "$(dirname "$0")"
SCRATCH_PATH=${SCRATCH_PATH:-.build}
swift build -c release --product kernel-bench --scratch-path "$SCRATCH_PATH"
python3 "$ANCHORS/bench_anchors.py" --sections ops --data-dir "$ANCHORS_DATA" --out "$OUT/anchors-ops.json" > "$OUT/anchors-ops.md"
AUGMENT_BENCH_IMAGES="$ANCHORS_DATA/img256_n2000" "$SCRATCH_PATH/release/kernel-bench" > "$OUT/kernel-bench.md"
cat "$OUT/anchors-ops.md" "$OUT/kernel-bench.md"
