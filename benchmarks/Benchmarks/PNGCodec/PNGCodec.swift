// PNG decode and encode of 256x256 RGB photo-like images, single-threaded, with ordo-one/benchmark.
//
//     export AUGMENT_BENCH_IMAGES=/tmp/augment-bench-images   # see README.md for making it
//     swift package benchmark --target PNGCodec
//
// Every iteration decodes or encodes one image; iterations cycle through the first 64 images of
// the folder (the same 64 that the anchors harness encodes).
import Augment
import Benchmark
import BenchSupport

/// The file size of each encoded image, recorded beside the timings.
let pngBytes = BenchmarkMetric.custom("PNG bytes", polarity: .prefersSmaller, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 64,
        maxDuration: .seconds(3),
        maxIterations: 20_000
    )

    let sources: [Image]
    let files: [[UInt8]]
    do {
        guard let folder = BenchImages.folderFromEnvironment else {
            throw BenchSupport.BenchError("$\(BenchImages.environmentVariable) is not set; " + BenchImages.howToMake)
        }
        files = try BenchImages.load(folder: folder, limit: 64).map(\.bytes)
        sources = try files.map { bytes in try PNG.decode(bytes) }
    } catch {
        let message = "\(error)"
        Benchmark("PNG images missing") { benchmark in benchmark.error(message) }
        return
    }

    /// One image per iteration, cycling through `items`.
    func cycling<Item>(_ items: [Item], _ body: @escaping (Item, Benchmark) throws -> Void) -> (Benchmark) throws -> Void {
        var next = 0
        return { benchmark in
            for _ in benchmark.scaledIterations {
                try body(items[next], benchmark)
                next = next + 1 == items.count ? 0 : next + 1
            }
        }
    }

    Benchmark("PNG decode 256x256 RGB, Pillow-written (zlib 6, adaptive filters)",
              closure: cycling(files) { bytes, _ in blackHole(try PNG.decode(bytes)) })

    let encodings: [(String, PNG.Compression)] = [
        (".fast (the built-in encoder)", .fast),
        ("level 1, rle, average (libpng; .fast up to 0.2.0)", PNG.Compression(level: 1, strategy: .rle, filter: .average)),
        (".default", .default),
        (".small", .small),
        ("level 1, rle, sub (OpenCV's default settings)", PNG.Compression(level: 1, strategy: .rle, filter: .sub)),
    ]
    for (name, compression) in encodings {
        Benchmark("PNG encode 256x256 RGB \(name)",
                  configuration: .init(metrics: Benchmark.defaultConfiguration.metrics + [pngBytes]),
                  closure: cycling(sources) { image, benchmark in
                      let bytes = try PNG.encode(image, compression: compression)
                      benchmark.measurement(pngBytes, bytes.count)
                      blackHole(bytes)
                  })
    }

    let fastFiles = try? sources.map { image in try PNG.encode(image, compression: .fast) }
    if let fastFiles {
        Benchmark("PNG decode 256x256 RGB, written with .fast",
                  closure: cycling(fastFiles) { bytes, _ in blackHole(try PNG.decode(bytes)) })
    }
}
