#!/bin/sh
# PNG encoding: cv2.imencode (encode_cv2.py) then encode-bench, back to back on the same files:
# the anchors' first 64 256x256 images, the 24 Kodak photos, and the 64 images rotated by up to
# 30 degrees (black corners) and through the standard pipeline (the folder job's outputs).
#
#     cd benchmarks && ./compare_encoders.sh [OUT_DIR]
#
# ANCHORS_DATA (default /tmp/augment-anchors, as compare_with_anchors.sh) holds the harness's
# images (made here on the first run); KODAK (default ../shared/data/kodak beside the checkout);
# AUGMENT (default: built here from the main package into ../.build-bench) makes the rotated and
# augmented sets, stored uncompressed (--compression 0) so that every encoder starts from the
# same pixels. SCRATCH (default .build) is the benchmarks package's build folder.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ANCHORS=${ANCHORS:-$(cd "$HERE/../.." && pwd)/shared/anchors}
ANCHORS_DATA=${ANCHORS_DATA:-/tmp/augment-anchors}
KODAK=${KODAK:-$(cd "$HERE/../.." && pwd)/shared/data/kodak}
REPEATS=${REPEATS:-7}
SCRATCH=${SCRATCH:-.build}
OUT=/tmp/augment-encode-compare
if [ $# -gt 0 ]; then OUT=$1; shift; fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

IMAGES=$ANCHORS_DATA/img256_n2000
if [ ! -d "$IMAGES" ]; then python3 "$ANCHORS/make_images.py" "$IMAGES" --n 2000 --size 256 >/dev/null; fi
if [ -z "${AUGMENT:-}" ]; then
    (cd "$HERE/.." && swift build -c release --scratch-path .build-bench --product augment >/dev/null)
    AUGMENT=$HERE/../.build-bench/release/augment
fi
# The first 64 images by file name, as the harness and encode-bench take them.
rm -rf "$OUT/first64" "$OUT/rotated" "$OUT/augmented"
mkdir -p "$OUT/first64"
find "$IMAGES" -name '*.png' | awk -F/ '{ print $NF "\t" $0 }' | sort | head -64 | cut -f2 | while read -r path; do
    cp "$path" "$OUT/first64/"
done
echo '{"transforms": [{"op": "rotate", "angle": [-30, 30], "interpolation": "bilinear", "fill": 0}]}' > "$OUT/rotate.json"
"$AUGMENT" run "$OUT/first64" --out "$OUT/rotated" --pipeline "$OUT/rotate.json" --compression 0 --seed 1 --quiet
"$AUGMENT" run "$OUT/first64" --out "$OUT/augmented" --pipeline "$HERE/standard-224.json" --compression 0 --seed 1 --quiet

SETS="anchors=$OUT/first64 kodak=$KODAK rotated=$OUT/rotated augmented=$OUT/augmented"
cd "$HERE"
swift build -c release --scratch-path "$SCRATCH" --product encode-bench >/dev/null
echo "== cv2.imencode" >&2
# shellcheck disable=SC2086
python3 encode_cv2.py $SETS --repeats "$REPEATS" --out "$OUT/cv2.json" | tee "$OUT/cv2.md"
echo "== encode-bench" >&2
# shellcheck disable=SC2086
"$SCRATCH/release/encode-bench" $SETS --repeats "$REPEATS" --cv2 "$OUT/cv2.json" | tee "$OUT/encode.md"
echo "== written: $OUT/cv2.md, $OUT/cv2.json, $OUT/encode.md" >&2
