// Single-threaded geometric kernels on in-memory 256x256 RGB images: the same operations, the
// same parameter ranges and the same images as the anchors harness's `ops` section
// (OpenCV, albumentations), so that the two can be run back to back and compared.
//
//     export AUGMENT_BENCH_IMAGES=/tmp/augment-bench-images     # see README.md
//     swift run -c release kernel-bench [--repeats 7] [--seconds 0.4] [--only NAME]
//
// Each row cycles over the first 8 images (the harness's default working set; 8 x 192 KB is
// about L2-sized), except the rows marked "64-image working set". Random parameters are drawn
// per call as the harness draws them (rotation uniform in [-30, 30] degrees, zoom in
// [0.8, 1.2], torchvision's random-resized-crop box). Each row prints the median images/s of
// `repeats` timed runs and their min..max.
import Augment
import BenchSupport
import Foundation

var repeats = 7
var secondsPerRun = 0.4
/// Runs only the rows whose name contains this (for profiling one kernel); all rows if nil.
var onlyRowsNamed: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--repeats": repeats = Int(arguments.popFirst() ?? "") ?? repeats
    case "--seconds": secondsPerRun = Double(arguments.popFirst() ?? "") ?? secondsPerRun
    case "--only": onlyRowsNamed = arguments.popFirst()
    default:
        print("usage: kernel-bench [--repeats N] [--seconds S] [--only NAME]")
        exit(64)
    }
}

guard let folder = BenchImages.folderFromEnvironment else {
    print("$\(BenchImages.environmentVariable) is not set; " + BenchImages.howToMake)
    exit(66)
}
let images: [Image]
do {
    images = try BenchImages.load(folder: folder, limit: 64).map { try PNG.decode($0.bytes, options: .init(channels: 3)) }
} catch {
    print("cannot load the images: \(error)")
    exit(66)
}
let small = Array(images.prefix(8))

/// A deterministic generator for the parameters drawn per call.
var generator = SplitMix64(seed: 0)

/// Runs `body` over `sources` in a cycle for about `secondsPerRun`, `repeats` times.
@MainActor func measure(_ name: String, _ sources: [Image], _ body: (Image) throws -> Image) rethrows {
    if let onlyRowsNamed, !name.contains(onlyRowsNamed) { return }
    var rates: [Double] = []
    var sink = 0
    for _ in 0..<repeats {
        var count = 0
        let start = monotonicNanoseconds()
        var elapsed = 0.0
        repeat {
            for _ in 0..<16 {
                sink &+= Int(try body(sources[count % sources.count]).pixels[7])
                count += 1
            }
            elapsed = Double(monotonicNanoseconds() - start) / 1e9
        } while elapsed < secondsPerRun
        rates.append(Double(count) / elapsed)
    }
    let sorted = rates.sorted()
    print(String(format: "| %@ | %.0f | %.0f..%.0f |", name, median(rates), sorted.first!, sorted.last!)
          + (sink == 42 ? " " : ""))
}

@MainActor func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * Double(generator.next() >> 11) / Double(1 << 53)
}

/// torchvision's RandomResizedCrop box for a 256x256 image (scale 0.08-1, ratio 3/4-4/3).
@MainActor func randomResizedCropBox(width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int) {
    let area = Double(width * height)
    for _ in 0..<10 {
        let target = area * uniform(0.08, 1)
        let ratio = exp(uniform(log(3.0 / 4), log(4.0 / 3)))
        let w = Int((target * ratio).squareRoot().rounded()), h = Int((target / ratio).squareRoot().rounded())
        if w > 0, h > 0, w <= width, h <= height {
            return (Int(generator.next() % UInt64(width - w + 1)), Int(generator.next() % UInt64(height - h + 1)), w, h)
        }
    }
    return (0, 0, width, height)
}

let standardPipeline = try Pipeline(parsing: """
    {"transforms": [
      {"op": "hflip", "p": 0.5},
      {"op": "rotate", "angle": [-30, 30]},
      {"op": "zoom", "scale": [0.8, 1.2]},
      {"op": "random_resized_crop", "width": 224, "height": 224}
    ]}
    """, format: .json)

print("Single-threaded, in-memory 256x256 RGB, images/s (median of \(repeats) runs of \(secondsPerRun) s; min..max)")
print("Kernels for instruction set: \(InstructionSet.available) (\(InstructionSet.environmentVariable) caps it)")
print("")
print("| operation | images/s | min..max |")
print("|---|---|---|")
measure("hflip", small) { Geometry.hflip($0) }
measure("vflip", small) { Geometry.vflip($0) }
measure("rotate90", small) { Geometry.rotate90($0, quarterTurns: 1) }
try measure("rotate uniform(-30, 30), bilinear, fill 0", small) { try Geometry.rotate($0, degrees: uniform(-30, 30)) }
try measure("rotate, 64-image working set", images) { try Geometry.rotate($0, degrees: uniform(-30, 30)) }
try measure("zoom uniform(0.8, 1.2), bilinear, fill 0", small) { try Geometry.zoom($0, scale: uniform(0.8, 1.2)) }
try measure("random crop 224", small) { image in
    try Geometry.crop(image, x: Int(generator.next() % 33), y: Int(generator.next() % 33), width: 224, height: 224)
}
try measure("random resized crop 224 (one fused pass)", small) { image in
    let box = randomResizedCropBox(width: image.width, height: image.height)
    return try Geometry.apply([.crop(x: box.x, y: box.y, width: box.width, height: box.height),
                               .resize(width: 224, height: 224, interpolation: .bilinear)], to: image)
}
try measure("resize 256 -> 100, area", small) { try Geometry.resize($0, width: 100, height: 100, interpolation: .area) }
var path = 0
try measure("standard pipeline: draw + one fused pass", small) { image in
    path += 1
    let drawn = try standardPipeline.draw(seed: 0, path: "image\(path)", copy: 0,
                                          size: Size(width: image.width, height: image.height), channels: 3)
    return try Geometry.apply(drawn.operations, to: image)
}
try measure("standard pipeline, 64-image working set", images) { image in
    path += 1
    let drawn = try standardPipeline.draw(seed: 0, path: "image\(path)", copy: 0,
                                          size: Size(width: image.width, height: image.height), channels: 3)
    return try Geometry.apply(drawn.operations, to: image)
}
