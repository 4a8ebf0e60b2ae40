#!/bin/sh
# Serial vs threads vs processes on the folder job: 2,000 256x256 PNGs (made once by
# ../shared/anchors/make_images.py beside the checkout, or any folder given as $IMAGES), the
# standard pipeline of the anchors harness (benchmarks/standard-224.json: hflip, rotate, zoom,
# random-resized-crop 224), --compression fast. Run it on an otherwise idle machine:
#
#   sh benchmarks/executors.sh                 # from the package root
#   IMAGES=/path/to/pngs RUNS=5 WORKERS=2 sh benchmarks/executors.sh
#
# Prints, per executor, the best and median wall-clock images/s of RUNS runs, and the speed-up
# over serial. Every run writes every image into a new output folder, and the folders are
# removed only at the end, with the executors taking turns: ext4 is slow to allocate inodes
# just freed (its allocator scans past recently deleted ones under a lock), so deleting the
# last run's 2,000 files before each run would tax every run, the parallel ones most.
# AUGMENT=path/to/augment skips the build.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
WORKERS=${WORKERS:-$(nproc)}
SCRATCH=${SCRATCH:-/tmp/augment-executor-bench}
IMAGES=${IMAGES:-$SCRATCH/images}
MAKE_IMAGES=${MAKE_IMAGES:-../shared/anchors/make_images.py}

if [ -z "${AUGMENT:-}" ]; then
    swift build -c release --scratch-path .build-bench >/dev/null
    AUGMENT=.build-bench/release/augment
fi
if [ ! -d "$IMAGES" ]; then
    python3 "$MAKE_IMAGES" "$IMAGES" --n 2000 --size 256 >/dev/null
fi
COUNT=$(find "$IMAGES" -name '*.png' | wc -l)
echo "$COUNT images in $IMAGES, $RUNS runs each, $WORKERS workers, $(nproc) cores"

rm -rf "$SCRATCH/out"
mkdir -p "$SCRATCH/out"
for run in $(seq "$RUNS"); do
    for executor in serial threads processes; do
        extra=""
        [ "$executor" != serial ] && extra="--workers $WORKERS"
        start=$(date +%s.%N)
        # shellcheck disable=SC2086
        "$AUGMENT" run "$IMAGES" --out "$SCRATCH/out/$executor-$run" --pipeline benchmarks/standard-224.json \
            --compression fast --executor "$executor" $extra --quiet
        end=$(date +%s.%N)
        echo "$executor $(echo "$COUNT / ($end - $start)" | bc -l)" >> "$SCRATCH/out/rates"
    done
done
serial_best=""
for executor in serial threads processes; do
    sorted=$(grep "^$executor " "$SCRATCH/out/rates" | cut -d' ' -f2 | sort -g)
    best=$(echo "$sorted" | tail -1)
    median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
    [ "$executor" = serial ] && serial_best=$best
    printf '%-10s best %8.1f images/s   median %8.1f images/s   best vs serial %.2fx\n' \
        "$executor" "$best" "$median" "$(echo "$best / $serial_best" | bc -l)"
done
rm -rf "$SCRATCH/out"
