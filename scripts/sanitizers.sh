#!/bin/sh
# Runs the Swift tests under the sanitizers (issue 8), from the package root or anywhere:
#
#   sh scripts/sanitizers.sh           # full: every test under ASan, then every test under TSan
#   sh scripts/sanitizers.sh --short   # CI's: ASan with fewer random affine cases, TSan on the
#                                      # concurrent parts only
#
# AddressSanitizer (with LeakSanitizer) builds into .build-asan, ThreadSanitizer into .build-tsan:
# both ignored by git, and apart from the .build that a plain `swift test` uses. The tests start
# the `augment` built beside them, so every `augment` process (runs, caches, batches, stats,
# bench, and the worker processes they start) is instrumented too.
#
# Every process writes its sanitizer reports to a file (log_path) in a temporary folder, so a
# report fails the run even from a worker whose exit status nobody checks; the reports are
# printed at the end. Exits 1 naming the part that failed (tests failed, or a sanitizer
# reported), 64 for a bad argument.
#
# --short (README "Sanitizers", FUZZING.md "Sanitizers" for the times):
# - ASan runs every test, but the affine kernel's random equivalence cases drop from 4,000 to
#   400 (AUGMENT_AFFINE_CASES): unoptimised and instrumented, the 3,600 more take over a minute
#   of CPU, and 400 still reach every image size class, map kind, channel count and border.
# - TSan runs only the suites that start threads or processes: the thread and process
#   executors, `augment run`, batches and the shared-memory ring, the cache builder's parallel
#   decoder, the labelled dataset, bench, stats and the worker protocol. The other suites test
#   code that runs on one thread; the full run has them under TSan too (swift-testing runs
#   tests in parallel).
set -u
cd "$(dirname "$0")/.."

usage="usage: sh scripts/sanitizers.sh [--short]"
short=false
case "${1:-}" in
    --short) short=true ;;
    "") ;;
    -h | --help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 64 ;;
esac
if [ $# -gt 1 ]; then echo "$usage" >&2; exit 64; fi

# The suites whose code runs on several threads or processes (test names, as --filter reads them).
concurrent="AugmentTests\.(ExecutorTests|RunCommandTests|BatchesTests|BatchRingTests|ImageCacheTests|CacheCommandTests"
concurrent="$concurrent|LabelledDatasetTests|BenchTests|StatisticsTests|StatsCommandTests|WorkerProtocolTests)/"

began=$(date +%s)
reports=$(mktemp -d "${TMPDIR:-/tmp}/augment-sanitizers.XXXXXX")
failed=""

# The linker for the ASan build: gold, swift's default on Linux, warns once per ASan check
# routine (about 140 lines, "Cannot export local symbol '__asan_check_...'") linking each
# executable; lld, shipped with the toolchain, links the same program without a warning.
asan_linker=""
swift_bin=$(dirname "$(command -v swiftc || command -v swift)")
if [ -x "$swift_bin/ld.lld" ] || command -v ld.lld >/dev/null 2>&1; then asan_linker="-Xswiftc -use-ld=lld"; fi

# part NAME COMMAND...: runs COMMAND, times it, and records NAME as failed when it fails or
# any process wrote a report to $reports/NAME.*.
part() {
    name=$1
    shift
    echo "== $name: $*"
    start=$(date +%s)
    "$@"
    status=$?
    seconds=$(($(date +%s) - start))
    found=$(find "$reports" -name "$name.*" -type f | wc -l)
    if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
        echo "== $name: FAILED after ${seconds} s (exit status $status, sanitizer reports from $found processes)"
        failed="$failed $name"
    else
        echo "== $name: passed in ${seconds} s"
    fi
}

# detect_leaks: LeakSanitizer at every process's exit, with the suppressions file's entries
# (the test process's own memory, and Swift runtime pointers it cannot see).
affine_cases=4000
if $short; then affine_cases=400; fi
# shellcheck disable=SC2086 # $asan_linker is two words, or none
part address env AUGMENT_AFFINE_CASES=$affine_cases \
    ASAN_OPTIONS="detect_leaks=1:log_path=$reports/address" \
    LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0" \
    swift test --sanitize=address --scratch-path .build-asan $asan_linker

# Under TSan the file-size-limit tests are skipped (Tests/AugmentTests/Support/Sanitizer.swift).
if $short; then
    part thread env TSAN_OPTIONS="log_path=$reports/thread" \
        swift test --sanitize=thread --scratch-path .build-tsan --filter "$concurrent"
else
    part thread env TSAN_OPTIONS="log_path=$reports/thread" \
        swift test --sanitize=thread --scratch-path .build-tsan
fi

# Each failed part's first report in full, then one line per report (a race in a loop can
# write a report from every process the tests start).
for name in $failed; do
    files=$(find "$reports" -name "$name.*" -type f | sort)
    [ -n "$files" ] || continue
    first=$(echo "$files" | head -n 1)
    echo "== $name: the first report, $first:"
    cat "$first"
    echo "== $name: every report:"
    for file in $files; do
        echo "$file: $(grep -m 1 "SUMMARY" "$file" || head -n 1 "$file")"
    done
done
total=$(($(date +%s) - began))
if [ -n "$failed" ]; then
    echo "sanitizers: FAILED:$failed after ${total} s (reports kept in $reports)" >&2
    exit 1
fi
rm -rf "$reports"
echo "sanitizers: address and thread passed in ${total} s"
