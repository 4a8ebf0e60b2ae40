#!/bin/sh
# Runs the anchors harness's codec section (OpenCV, Pillow) and codec-sweep back to back on the
# same 256x256 images, and prints the sweep's tables with OpenCV's figures beside ours.
#
#     cd benchmarks && ./compare_with_anchors.sh [OUT_DIR [codec-sweep options...]]
#
# ANCHORS (default ../shared/anchors beside the checkout) is the harness; its images go to ANCHORS_DATA (default
# /tmp/augment-anchors, made on the first run, about 2 minutes) and the sweep reads the same
# files from there: the first 64 by file name for encoding, the first 200 for decoding.
set -eu
ANCHORS=${ANCHORS:-$(cd "$(dirname "$0")/../.." && pwd)/shared/anchors}
ANCHORS_DATA=${ANCHORS_DATA:-/tmp/augment-anchors}
OUT=/tmp/augment-codec-compare
if [ $# -gt 0 ]; then OUT=$1; shift; fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$(dirname "$0")"

swift build -c release --product codec-sweep
echo "== anchors: python3 $ANCHORS/bench_anchors.py --sections codec" >&2
python3 "$ANCHORS/bench_anchors.py" --sections codec --data-dir "$ANCHORS_DATA" \
    --out "$OUT/anchors.json" > "$OUT/anchors.md"
echo "== codec-sweep on $ANCHORS_DATA/img256_n2000" >&2
.build/release/codec-sweep "$ANCHORS_DATA/img256_n2000" --anchors "$OUT/anchors.json" "$@" \
    | tee "$OUT/sweep.md"
echo "== written: $OUT/anchors.md, $OUT/anchors.json, $OUT/sweep.md" >&2
