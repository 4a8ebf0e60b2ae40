#!/bin/sh
# Runs one libFuzzer target for a given time, under AddressSanitizer (issue 8):
#
#   sh fuzz/run.sh png|pipeline|cache SECONDS [WORK_DIR]
#
# Seeds: the bundled images/ and ../shared/data/pngsuite (png), the bundled pipelines (pipeline:
# a first byte 0 reads the rest as JSON, 1 as YAML), and caches that `augment cache` builds of
# small folders (cache). The corpus grows in WORK_DIR/TARGET/corpus (default /tmp/augment-fuzz);
# a crashing input is written to WORK_DIR/TARGET/artifacts/ and the run stops with status 1.
set -eu
cd "$(dirname "$0")"
TARGET=$1
TIME=${2:-60}
ROOT=${3:-/tmp/augment-fuzz}
WORK=$ROOT/$TARGET
# fuzz-png links libpng and zlib built from source with coverage and ASan (instrumented-libs.sh),
# so that libFuzzer steers by the decoder's own branches; FUZZ_SYSTEM_LIBPNG=1 uses the system's.
BUILD=.build
if [ "$TARGET" = png ] && [ -z "${FUZZ_SYSTEM_LIBPNG:-}" ]; then
    if sh instrumented-libs.sh "$ROOT/instrumented"; then
        export PKG_CONFIG_PATH="$ROOT/instrumented/lib/pkgconfig"
        BUILD=.build-instrumented
    else
        echo "fuzz/run.sh: no instrumented libpng (offline?): fuzzing against the system's, whose branches libFuzzer cannot see" >&2
    fi
fi
swift build --sanitize=fuzzer --sanitize=address --scratch-path "$BUILD" >/dev/null 2>&1
mkdir -p "$WORK/corpus" "$WORK/seeds" "$WORK/artifacts"
case $TARGET in
png)
    cp ../images/*.png ../images/*/*.png "$WORK/seeds/"
    if [ -d ../../shared/data/pngsuite ]; then cp ../../shared/data/pngsuite/*.png "$WORK/seeds/"; fi
    ;;
pipeline)
    for file in ../pipelines/*.json ../benchmarks/standard-224.json; do
        (printf '\000'; cat "$file") > "$WORK/seeds/json-$(basename "$file")"
    done
    for file in ../pipelines/*.yaml; do (printf '\001'; cat "$file") > "$WORK/seeds/yaml-$(basename "$file")"; done
    ;;
cache)
    (cd .. && swift build --product augment >/dev/null 2>&1)
    small="$WORK/small-dataset"
    mkdir -p "$small/cat" "$small/dog"
    cp ../images/shapes/circles_palette.png "$small/cat/a.png"
    cp ../images/textures/weave_grey_alpha.png "$small/dog/b.png"
    cp ../images/ramp_grey.png "$small/loose.png"
    printf 'not a png' > "$small/dog/broken.png"
    ../.build/debug/augment cache "$small" --out "$WORK/seeds/small.augc" --quiet --max-side 8 || true
    ../.build/debug/augment cache "$small/cat" --out "$WORK/seeds/flat.augc" --quiet --size 3x2 || true
    ;;
*)
    echo "usage: sh fuzz/run.sh png|pipeline|cache SECONDS [WORK_DIR]" >&2
    exit 64
    ;;
esac
ASAN_OPTIONS=detect_leaks=0 exec "$BUILD/debug/fuzz-$TARGET" "$WORK/corpus" "$WORK/seeds" \
    -max_total_time="$TIME" -artifact_prefix="$WORK/artifacts/" -print_final_stats=1 -detect_leaks=0
