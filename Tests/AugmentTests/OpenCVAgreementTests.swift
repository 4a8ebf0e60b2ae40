import Foundation
import Testing
@testable import Augment

/// The geometric kernels against OpenCV's own output, from the fixtures that
/// `scripts/make_opencv_fixtures.py` makes in `Fixtures/opencv` (inputs, OpenCV's outputs, and
/// `cases.json` naming the OpenCV call behind each). Each case decodes the input, runs the
/// matching `Geometry` kernel, and compares every channel value with OpenCV's.
///
/// The criteria allow for arithmetic, never for a different convention. OpenCV's warps round
/// source coordinates to 1/32 pixel in 4.x (5.0 computes them in float; the fixtures were made
/// with 5.0), its resizes use fixed-point weights, and it rounds halves to even; the kernels use
/// float weights and round halves up. So:
/// - bilinear rotate and zoom: within 1 level on at least 99% of channel values;
/// - bilinear and area resize: within 1 level everywhere;
/// - nearest warp: equal on at least 99% of values (a source coordinate that lands on a half
///   after rounding may go either way);
/// - nearest (half-pixel) resize: equal everywhere except at exact ties, where an output
///   centre lies exactly halfway between two source pixels (64 -> 25 has one at column 12:
///   (12 + 0.5) · 64 / 25 = 32); there both values must be one of the tied pixels. The kernel
///   breaks ties upwards, floor((x + 0.5) · scale), as Pillow and PyTorch's nearest-exact do;
///   OpenCV's INTER_NEAREST_EXACT computes the same in 16-bit fixed point, whose rounded scale
///   breaks some ties downwards and some upwards, depending on the sizes and the position.
///
/// Set `AUGMENT_OPENCV_REPORT=1` to print every case's agreement.
@Suite("Agreement with OpenCV")
struct OpenCVAgreementTests {
    @Test("the manifest loads and covers every kind of case, with every file present")
    func manifest() throws {
        let manifest = try Self.loadManifest()
        #expect(manifest.cases.count == Self.cases.count)
        let kinds = Set(manifest.cases.map { "\($0.op) \($0.interpolation)" })
        #expect(kinds == ["rotate bilinear", "rotate nearest", "zoom bilinear",
                          "resize bilinear", "resize area", "resize nearest"])
        for item in manifest.cases {
            for file in [item.input, item.output] {
                #expect(FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent(file).path),
                        "\(item.name): \(file) is missing")
            }
        }
    }

    @Test("bilinear rotate and zoom: within 1 level of OpenCV on at least 99% of values",
          arguments: cases.filter { $0.op != "resize" && $0.interpolation == "bilinear" })
    func bilinearWarp(_ item: Case) throws {
        let comparison = try Self.compare(item)
        #expect(comparison.fractionWithinOne >= 0.99, "\(comparison.summary(of: item))")
    }

    @Test("bilinear resize: within 1 level of OpenCV everywhere",
          arguments: cases.filter { $0.op == "resize" && $0.interpolation == "bilinear" })
    func bilinearResize(_ item: Case) throws {
        let comparison = try Self.compare(item)
        #expect(comparison.withinOne == comparison.total, "\(comparison.summary(of: item))")
    }

    @Test("area resize: within 1 level of OpenCV everywhere",
          arguments: cases.filter { $0.interpolation == "area" })
    func areaResize(_ item: Case) throws {
        let comparison = try Self.compare(item)
        #expect(comparison.withinOne == comparison.total, "\(comparison.summary(of: item))")
    }

    @Test("nearest rotate: equal to OpenCV on at least 99% of values",
          arguments: cases.filter { $0.op != "resize" && $0.interpolation == "nearest" })
    func nearestWarp(_ item: Case) throws {
        let comparison = try Self.compare(item)
        #expect(comparison.fractionExact >= 0.99, "\(comparison.summary(of: item))")
    }

    @Test("nearest resize: equal to OpenCV off exact ties, and one of the tied pixels at them",
          arguments: cases.filter { $0.op == "resize" && $0.interpolation == "nearest" })
    func nearestResize(_ item: Case) throws {
        let outcome = try Self.outcome(of: item)
        let ties = TieAnalysis(input: outcome.input, ours: outcome.ours, opencv: outcome.opencv)
        let summary = "\(outcome.comparison.summary(of: item)); \(ties.summary)"
        if Self.reporting { print(summary) }
        #expect(ties.unexplained.isEmpty, "\(summary)")
    }
}

extension OpenCVAgreementTests {
    /// One entry of `cases.json`: an operation in the kernels' terms, its input and OpenCV's output.
    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var input: String
        var output: String
        var op: String
        var interpolation: String
        /// The fill, in the PNG files' channel order.
        var fill: [UInt8]?
        var degrees: Double?
        var scale: Double?
        var width: Int?
        var height: Int?
        /// The OpenCV call that made `output`.
        var opencv: String

        var testDescription: String { name }
    }

    struct Manifest: Decodable {
        var opencv: String
        var cases: [Case]
    }

    static let folder = TestData.packageRoot.appendingPathComponent("Tests/AugmentTests/Fixtures/opencv")

    static func loadManifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("cases.json")))
    }

    /// Every case, or none when the manifest cannot be read (which `manifest()` then reports).
    static let cases: [Case] = (try? loadManifest().cases) ?? []

    static func image(_ file: String) throws -> Image {
        try PNG.decode(TestData.bytes(of: folder.appendingPathComponent(file)))
    }

    /// Runs the kernel `item` names on its input.
    static func run(_ item: Case, on input: Image) throws -> Image {
        let interpolation = try #require(Interpolation(rawValue: item.interpolation), "\(item.name): interpolation")
        switch item.op {
        case "rotate":
            return try Geometry.rotate(input, degrees: #require(item.degrees), interpolation: interpolation,
                                       fill: Fill(#require(item.fill)))
        case "zoom":
            return try Geometry.zoom(input, scale: #require(item.scale), interpolation: interpolation,
                                     fill: Fill(#require(item.fill)))
        case "resize":
            return try Geometry.resize(input, width: #require(item.width), height: #require(item.height),
                                       interpolation: interpolation)
        default:
            Issue.record("\(item.name): unknown operation \(item.op)")
            return input
        }
    }

    /// A case's input, our output, OpenCV's, and how they compare.
    struct Outcome {
        var input: Image
        var ours: Image
        var opencv: Image
        var comparison: Comparison
    }

    /// Runs `item` and compares with OpenCV's output, after checking sizes and channels agree.
    static func outcome(of item: Case) throws -> Outcome {
        let input = try image(item.input)
        let expected = try image(item.output)
        let actual = try run(item, on: input)
        try #require(actual.width == expected.width && actual.height == expected.height,
                     "\(item.name): ours is \(actual.width)x\(actual.height), OpenCV's \(expected.width)x\(expected.height)")
        try #require(actual.channels == expected.channels && actual.channels == input.channels,
                     "\(item.name): ours has \(actual.channels) channels, OpenCV's \(expected.channels), the input \(input.channels)")
        return Outcome(input: input, ours: actual, opencv: expected, comparison: Comparison(actual, expected))
    }

    /// Compares `item`, printing the agreement when asked to.
    static func compare(_ item: Case) throws -> Comparison {
        let comparison = try outcome(of: item).comparison
        if reporting { print(comparison.summary(of: item)) }
        return comparison
    }

    /// Whether `AUGMENT_OPENCV_REPORT` asks for every case's agreement to be printed.
    static let reporting = ProcessInfo.processInfo.environment["AUGMENT_OPENCV_REPORT"] != nil

    /// How closely two images of the same shape agree, value by value.
    struct Comparison {
        var total = 0
        var exact = 0
        var withinOne = 0
        var maxDifference = 0
        /// The first value with the largest difference: x, y, channel, ours, OpenCV's.
        var worst = (x: 0, y: 0, channel: 0, ours: UInt8(0), opencv: UInt8(0))

        init(_ actual: Image, _ expected: Image) {
            total = actual.pixels.count
            for index in actual.pixels.indices {
                let difference = abs(Int(actual.pixels[index]) - Int(expected.pixels[index]))
                if difference == 0 { exact += 1 }
                if difference <= 1 { withinOne += 1 }
                if difference > maxDifference {
                    maxDifference = difference
                    let pixel = index / actual.channels
                    worst = (pixel % actual.width, pixel / actual.width, index % actual.channels,
                             actual.pixels[index], expected.pixels[index])
                }
            }
        }

        var fractionWithinOne: Double { Double(withinOne) / Double(max(total, 1)) }
        var fractionExact: Double { Double(exact) / Double(max(total, 1)) }

        func summary(of item: Case) -> String {
            func percent(_ fraction: Double) -> String { String(format: "%.2f%%", 100 * fraction) }
            var text = "\(item.name): \(percent(fractionWithinOne)) of \(total) values within 1 level, "
                + "\(percent(fractionExact)) exact, max difference \(maxDifference)"
            if maxDifference > 0 {
                text += "; worst at (\(worst.x), \(worst.y)) channel \(worst.channel): "
                    + "ours \(worst.ours), OpenCV \(worst.opencv)"
            }
            return text
        }
    }

    /// A half-pixel nearest resize compared value by value, telling exact ties apart. Along an
    /// axis from `source` to `output` pixels, output index i reads source
    /// floor((2i + 1) · source / (2 · output)); it is a tie when that quotient is a whole number,
    /// where source pixels k - 1 and k are equally near.
    struct TieAnalysis {
        var offTies = 0
        var exactOffTies = 0
        var atTies = 0
        var differingAtTies = 0
        /// Differences that ties do not explain: x, y, channel, ours, OpenCV's.
        var unexplained: [(x: Int, y: Int, channel: Int, ours: UInt8, opencv: UInt8)] = []

        init(input: Image, ours: Image, opencv: Image) {
            func taps(_ index: Int, source: Int, output: Int) -> [Int] {
                let numerator = (2 * index + 1) * source, denominator = 2 * output
                let upper = min(numerator / denominator, source - 1)
                return numerator % denominator == 0 ? [max(upper - 1, 0), upper] : [upper]
            }
            let channels = input.channels
            for y in 0..<ours.height {
                let rows = taps(y, source: input.height, output: ours.height)
                for x in 0..<ours.width {
                    let columns = taps(x, source: input.width, output: ours.width)
                    let tied = rows.count > 1 || columns.count > 1
                    for channel in 0..<channels {
                        let index = (y * ours.width + x) * channels + channel
                        let (mine, theirs) = (ours.pixels[index], opencv.pixels[index])
                        if !tied {
                            offTies += 1
                            if mine == theirs { exactOffTies += 1 } else { unexplained.append((x, y, channel, mine, theirs)) }
                            continue
                        }
                        atTies += 1
                        if mine == theirs { continue }
                        differingAtTies += 1
                        let candidates = rows.flatMap { row in
                            columns.map { column in input.pixels[(row * input.width + column) * channels + channel] }
                        }
                        if !(candidates.contains(mine) && candidates.contains(theirs)) {
                            unexplained.append((x, y, channel, mine, theirs))
                        }
                    }
                }
            }
        }

        var fractionExactOffTies: Double { Double(exactOffTies) / Double(max(offTies, 1)) }

        var summary: String {
            var text = String(format: "%.2f%% of %d values off ties exact; ", 100 * fractionExactOffTies, offTies)
                + "\(differingAtTies) of \(atTies) values at ties differ"
            if let first = unexplained.first {
                text += "; \(unexplained.count) differences not explained by ties, the first at (\(first.x), \(first.y)) "
                    + "channel \(first.channel): ours \(first.ours), OpenCV \(first.opencv)"
            }
            return text
        }
    }
}
