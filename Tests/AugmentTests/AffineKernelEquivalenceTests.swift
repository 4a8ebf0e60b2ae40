import Foundation
import Testing
@testable import Augment

/// The fixed-point affine kernel against the float one it replaced (`ReferenceAffine`, kept
/// verbatim in Support/): within 1 level for random images, maps, sizes, channel counts and
/// borders (the bound argued in `FixedPoint`), exactly equal where every tap falls on a pixel,
/// and the same bytes whichever path (interior or edge) computes a pixel.
@Suite("Affine kernel: within 1 level of the float reference kernel")
struct AffineKernelEquivalenceTests {
    /// How many random cases; `AUGMENT_AFFINE_CASES` raises it for a longer run.
    static let caseCount = Int(ProcessInfo.processInfo.environment["AUGMENT_AFFINE_CASES"] ?? "") ?? 4000

    struct Case: CustomStringConvertible {
        var image: Image
        var map: AffineMap
        var size: Size
        var interpolation: Interpolation
        var border: Border
        var description: String {
            "\(image.width)x\(image.height)x\(image.channels) -> \(size.width)x\(size.height), \(map), \(interpolation), \(border)"
        }
    }

    static func uniform(_ generator: inout SplitMix64, _ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(generator.next() >> 11) / Double(1 << 53)
    }

    static func integer(_ generator: inout SplitMix64, _ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(generator.next() % UInt64(range.count))
    }

    /// One random case: mostly small images (edges everywhere), some 256x256 ones (the
    /// workload), maps from rotations, anisotropic scales, shears and translations, some with
    /// exactly representable steps that put taps on whole pixel positions.
    static func randomCase(_ generator: inout SplitMix64) -> Case {
        let channels = integer(&generator, 1...4)
        let width: Int, height: Int
        switch integer(&generator, 0...9) {
        case 0...3: (width, height) = (integer(&generator, 1...4), integer(&generator, 1...4))
        case 4...7: (width, height) = (integer(&generator, 1...40), integer(&generator, 1...40))
        case 8: (width, height) = (integer(&generator, 40...130), integer(&generator, 40...130))
        default: (width, height) = (256, 256)
        }
        var pixels = [UInt8](repeating: 0, count: width * height * channels)
        let extremes = integer(&generator, 0...5) == 0
        for index in pixels.indices {
            let random = generator.next()
            pixels[index] = extremes ? (random & 1 == 0 ? 0 : 255) : UInt8(truncatingIfNeeded: random >> 7)
        }
        let image = Image(width: width, height: height, channels: channels, pixels: pixels)

        let size: Size
        if width == 256 {
            size = integer(&generator, 0...1) == 0 ? Size(width: 224, height: 224)
                : Size(width: integer(&generator, 1...300), height: integer(&generator, 1...64))
        } else {
            size = Size(width: integer(&generator, 1...70), height: integer(&generator, 1...40))
        }

        var map: AffineMap
        switch integer(&generator, 0...9) {
        case 0:
            // Steps of whole and half pixels, offsets on quarter pixels: taps on whole positions.
            let steps: [Double] = [-2, -1, -0.5, -0.25, 0, 0.25, 0.5, 1, 2]
            map = AffineMap(xx: steps[integer(&generator, 0...8)], xy: steps[integer(&generator, 0...8)],
                            x0: Double(integer(&generator, -12...(4 * width + 8))) / 4,
                            yx: steps[integer(&generator, 0...8)], yy: steps[integer(&generator, 0...8)],
                            y0: Double(integer(&generator, -12...(4 * height + 8))) / 4)
        case 1:
            // Extreme scales and translations.
            let scale = [1e-6, 1e-3, 1e3, 1e6][integer(&generator, 0...3)]
            let angle = uniform(&generator, -Double.pi, Double.pi)
            map = AffineMap(xx: scale * cos(angle), xy: -scale * sin(angle), x0: uniform(&generator, -1e4, 1e4),
                            yx: scale * sin(angle), yy: scale * cos(angle), y0: uniform(&generator, -1e4, 1e4))
        default:
            // A rotation, per-axis scale and shear about the centres, plus a translation.
            let angle = integer(&generator, 0...7) == 0
                ? Double(integer(&generator, -4...4)) * .pi / 2 + uniform(&generator, -1e-6, 1e-6)
                : uniform(&generator, -Double.pi, Double.pi)
            let (sx, sy) = (exp(uniform(&generator, log(0.1), log(8))), exp(uniform(&generator, log(0.1), log(8))))
            let shear = integer(&generator, 0...3) == 0 ? uniform(&generator, -0.5, 0.5) : 0
            let (c, s) = (cos(angle), sin(angle))
            let (xx, xy, yx, yy) = (sx * c, sx * (-s + shear), sy * s, sy * c)
            let (outX, outY) = (Double(size.width) / 2 - 0.5, Double(size.height) / 2 - 0.5)
            let (srcX, srcY) = (Double(width) / 2 - 0.5, Double(height) / 2 - 0.5)
            let (tx, ty) = (uniform(&generator, -0.3, 0.3) * Double(width), uniform(&generator, -0.3, 0.3) * Double(height))
            map = AffineMap(xx: xx, xy: xy, x0: srcX + tx - xx * outX - xy * outY,
                            yx: yx, yy: yy, y0: srcY + ty - yx * outX - yy * outY)
        }
        if integer(&generator, 0...15) == 0 { map.x0 += 0.5 }

        let interpolation: Interpolation = integer(&generator, 0...9) == 0 ? .nearest : .bilinear
        let border: Border
        switch integer(&generator, 0...3) {
        case 0: border = .clamp
        case 1: border = .constant(Fill((0..<channels).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
        default: border = .constant(Fill(UInt8(truncatingIfNeeded: generator.next())))
        }
        return Case(image: image, map: map, size: size, interpolation: interpolation, border: border)
    }

    /// The largest |actual - expected| over the bytes, and how many bytes differ.
    static func difference(_ actual: Image, _ expected: Image) -> (largest: Int, count: Int) {
        var (largest, count) = (0, 0)
        for (a, b) in zip(actual.pixels, expected.pixels) where a != b {
            largest = max(largest, abs(Int(a) - Int(b)))
            count += 1
        }
        return (largest, count)
    }

    @Test("random images and maps, 1 to 4 channels, both borders: within 1 level, nearest exact")
    func randomCases() {
        var generator = SplitMix64(seed: 0x0AFF_1AE5)
        var failures = 0
        var (differing, total) = (0, 0)
        for _ in 0..<Self.caseCount {
            let test = Self.randomCase(&generator)
            let expected = ReferenceAffine.resampleAffine(test.image, map: test.map, size: test.size,
                                                          interpolation: test.interpolation, border: test.border)
            let actual = Geometry.resampleAffine(test.image, map: test.map, size: test.size,
                                                 interpolation: test.interpolation, border: test.border)
            #expect(actual.width == expected.width && actual.height == expected.height && actual.channels == expected.channels)
            let (largest, count) = Self.difference(actual, expected)
            if largest > 1 || (test.interpolation == .nearest && count > 0) {
                failures += 1
                if failures <= 5 { Issue.record("\(count) bytes differ, by up to \(largest): \(test)") }
            }
            if test.interpolation == .bilinear { (differing, total) = (differing + count, total + expected.pixels.count) }
        }
        #expect(failures == 0)
        print("AffineKernelEquivalenceTests: \(differing) of \(total) bilinear values differ from the float reference "
              + "(\(Double(differing) / Double(max(total, 1)) * 100)%), none by more than 1")
    }

    @Test("taps on whole pixels (whole steps and offsets, quarter turns, whole translations): exactly the reference")
    func wholePixelTaps() {
        var generator = SplitMix64(seed: 0x0E4AC7)
        for index in 0..<600 {
            var test = Self.randomCase(&generator)
            let steps: [Double] = [-2, -1, 0, 1, 2]
            if index % 3 == 0 {
                // A pure translation by whole pixels.
                test.map = AffineMap(xx: 1, xy: 0, x0: Double(Self.integer(&generator, -8...8)),
                                     yx: 0, yy: 1, y0: Double(Self.integer(&generator, -8...8)))
            } else {
                test.map = AffineMap(xx: steps[Self.integer(&generator, 0...4)], xy: steps[Self.integer(&generator, 0...4)],
                                     x0: Double(Self.integer(&generator, -3...(test.image.width + 3))),
                                     yx: steps[Self.integer(&generator, 0...4)], yy: steps[Self.integer(&generator, 0...4)],
                                     y0: Double(Self.integer(&generator, -3...(test.image.height + 3))))
            }
            let expected = ReferenceAffine.resampleAffine(test.image, map: test.map, size: test.size,
                                                          interpolation: .bilinear, border: test.border)
            let actual = Geometry.resampleAffine(test.image, map: test.map, size: test.size,
                                                 interpolation: .bilinear, border: test.border)
            #expect(actual == expected, "\(test)")
        }
    }

    @Test("the interior path and the edge path give the same bytes")
    func interiorMatchesEdge() {
        var generator = SplitMix64(seed: 0x5EED_ED6E)
        for _ in 0..<Self.caseCount / 4 {
            let test = Self.randomCase(&generator)
            let normal = Geometry.resampleAffine(test.image, map: test.map, size: test.size,
                                                 interpolation: .bilinear, border: test.border)
            let edgeOnly = Geometry.resampleAffine(test.image, map: test.map, size: test.size,
                                                   interpolation: .bilinear, border: test.border, edgePathOnly: true)
            #expect(normal == edgeOnly, "\(test)")
        }
    }

    @Test("a uniform source with the same fill stays uniform")
    func uniformStaysUniform() {
        var generator = SplitMix64(seed: 0x0C0457)
        for _ in 0..<400 {
            var test = Self.randomCase(&generator)
            let value = UInt8(truncatingIfNeeded: generator.next())
            test.image = Image(width: test.image.width, height: test.image.height, channels: test.image.channels,
                               pixels: [UInt8](repeating: value, count: test.image.pixels.count))
            let border: Border = Self.integer(&generator, 0...1) == 0 ? .clamp : .constant(Fill(value))
            let actual = Geometry.resampleAffine(test.image, map: test.map, size: test.size,
                                                 interpolation: .bilinear, border: border)
            #expect(actual.pixels.allSatisfy { $0 == value }, "\(value): \(test)")
        }
    }

    @Test("the standard pipeline's fused passes on 256x256 RGB: within 1 level")
    func standardPipeline() throws {
        let pipeline = try Pipeline(parsing: """
            {"transforms": [
              {"op": "hflip", "p": 0.5},
              {"op": "rotate", "angle": [-30, 30], "interpolation": "bilinear", "fill": 0},
              {"op": "zoom", "scale": [0.8, 1.2]},
              {"op": "random_resized_crop", "width": 224, "height": 224}
            ]}
            """, format: .json)
        var generator = SplitMix64(seed: 7)
        let source = Image(width: 256, height: 256, channels: 3,
                           pixels: (0..<256 * 256 * 3).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        var (differing, total) = (0, 0)
        for path in 0..<40 {
            let size = Size(width: 256, height: 256)
            var pass = ResamplingPass(size: size)
            var current = size
            for op in try pipeline.draw(seed: 1, path: "image\(path)", copy: 0, size: size, channels: 3).operations {
                let next = try op.outputSize(from: current)
                pass.append(op, from: current, to: next)
                current = next
            }
            let expected = ReferenceAffine.resampleAffine(source, map: pass.map, size: pass.size,
                                                          interpolation: .bilinear, border: .constant(.zero))
            let actual = Geometry.resampleAffine(source, map: pass.map, size: pass.size,
                                                 interpolation: .bilinear, border: .constant(.zero))
            let (largest, count) = Self.difference(actual, expected)
            #expect(largest <= 1, "path \(path): \(pass.map)")
            (differing, total) = (differing + count, total + expected.pixels.count)
        }
        print("AffineKernelEquivalenceTests: standard pipeline, \(differing) of \(total) values differ "
              + "(\(Double(differing) / Double(max(total, 1)) * 100)%)")
    }
}
