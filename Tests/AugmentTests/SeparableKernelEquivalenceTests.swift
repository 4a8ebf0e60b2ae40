import Foundation
import Testing
@testable import Augment

/// The fixed-point separable kernel (resizes, crops with resizes, zooms, flips) against the
/// float one it replaced (`ReferenceSeparable`, kept verbatim in Support/): within 1 level for
/// random images, axis-aligned maps, sizes, channel counts and borders, equal for nearest
/// sampling and where every tap falls on a pixel; and byte for byte what the affine kernel
/// gives for the same map, the arithmetic and positions being the same (`FixedPoint`).
@Suite("Separable kernel: within 1 level of the float reference, the affine kernel's bytes")
struct SeparableKernelEquivalenceTests {
    /// How many random cases; `AUGMENT_SEPARABLE_CASES` raises it for a longer run.
    static let caseCount = Int(ProcessInfo.processInfo.environment["AUGMENT_SEPARABLE_CASES"] ?? "") ?? 3000

    typealias Case = AffineKernelEquivalenceTests.Case

    static func integer(_ generator: inout SplitMix64, _ range: ClosedRange<Int>) -> Int {
        AffineKernelEquivalenceTests.integer(&generator, range)
    }

    static func uniform(_ generator: inout SplitMix64, _ low: Double, _ high: Double) -> Double {
        AffineKernelEquivalenceTests.uniform(&generator, low, high)
    }

    /// One random case: small images (edges everywhere), middling and 256x256 ones; maps that
    /// crop and resize (torchvision's random resized crop among them), zoom about the centre,
    /// flip, and step by whole or half pixels; output widths on and off the 16-value steps.
    static func randomCase(_ generator: inout SplitMix64, extremes: Bool = true) -> Case {
        let channels = integer(&generator, 1...4)
        let (width, height): (Int, Int)
        switch integer(&generator, 0...9) {
        case 0...2: (width, height) = (integer(&generator, 1...4), integer(&generator, 1...4))
        case 3...6: (width, height) = (integer(&generator, 1...40), integer(&generator, 1...40))
        case 7: (width, height) = (integer(&generator, 40...130), integer(&generator, 40...130))
        default: (width, height) = (256, 256)
        }
        let image = Image(width: width, height: height, channels: channels,
                          pixels: (0..<width * height * channels).map { _ in UInt8(truncatingIfNeeded: generator.next() >> 9) })
        let size = width == 256 && integer(&generator, 0...1) == 0 ? Size(width: 224, height: 224)
            : Size(width: integer(&generator, 1...90), height: integer(&generator, 1...40))
        /// One axis: source position = scale · output position + offset.
        func axis(_ source: Int, _ output: Int) -> (scale: Double, offset: Double) {
            let (sourceSize, outputSize) = (Double(source), Double(output))
            switch integer(&generator, 0...9) {
            case 0...3:
                // A crop box resized to the output (half-pixel centres, as `resize`).
                let box = uniform(&generator, 0.05, 1) * sourceSize
                let start = uniform(&generator, 0, sourceSize - box)
                let scale = box / outputSize
                return (scale, start + scale * 0.5 - 0.5)
            case 4...5:
                // A zoom about the centres, perhaps mirrored.
                let scale = 1 / uniform(&generator, 0.5, 2) * (integer(&generator, 0...3) == 0 ? -1 : 1)
                return (scale, (sourceSize - 1) / 2 - scale * (outputSize - 1) / 2)
            case 6...7:
                // Whole and half steps from quarter-pixel offsets.
                let steps: [Double] = [-2, -1, -0.5, 0, 0.5, 1, 2]
                return (steps[integer(&generator, 0...6)], Double(integer(&generator, -8...(4 * source + 8))) / 4)
            case 8:
                return (uniform(&generator, -3, 3), uniform(&generator, -0.5, 1.5) * sourceSize)
            default:
                if extremes {
                    return ([1e-6, 1e3, -1e6][integer(&generator, 0...2)], uniform(&generator, -1e4, 1e4))
                }
                return (1, 0)
            }
        }
        let (horizontal, vertical) = (axis(width, size.width), axis(height, size.height))
        let map = AffineMap(xx: horizontal.scale, xy: 0, x0: horizontal.offset, yx: 0, yy: vertical.scale, y0: vertical.offset)
        let interpolation: Interpolation = integer(&generator, 0...9) == 0 ? .nearest : .bilinear
        let border: Border
        switch integer(&generator, 0...3) {
        case 0: border = .constant(Fill((0..<channels).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
        case 1: border = .constant(Fill(UInt8(truncatingIfNeeded: generator.next())))
        default: border = .clamp
        }
        return Case(image: image, map: map, size: size, interpolation: interpolation, border: border)
    }

    @Test("random axis-aligned maps, 1 to 4 channels, both borders: within 1 level, nearest exact")
    func randomCases() {
        var generator = SplitMix64(seed: 0x5E9A_8AB1)
        var failures = 0
        var (differing, total) = (0, 0)
        for _ in 0..<Self.caseCount {
            let test = Self.randomCase(&generator)
            let expected = ReferenceSeparable.resampleSeparable(test.image, map: test.map, size: test.size,
                                                                interpolation: test.interpolation, border: test.border)
            let actual = Geometry.resampleSeparable(test.image, map: test.map, size: test.size,
                                                    interpolation: test.interpolation, border: test.border)
            let (largest, count) = AffineKernelEquivalenceTests.difference(actual, expected)
            if largest > 1 || (test.interpolation == .nearest && count > 0) {
                failures += 1
                if failures <= 5 { Issue.record("\(count) bytes differ, by up to \(largest): \(test)") }
            }
            if test.interpolation == .bilinear { (differing, total) = (differing + count, total + expected.pixels.count) }
        }
        #expect(failures == 0)
        print("SeparableKernelEquivalenceTests: \(differing) of \(total) bilinear values differ from the float reference "
              + "(\(Double(differing) / Double(max(total, 1)) * 100)%), none by more than 1")
    }

    @Test("the affine kernel's bytes for the same map (no shear terms, within ±2^30 pixels)")
    func sameBytesAsAffine() {
        var generator = SplitMix64(seed: 0xAFF1_5E9A)
        for _ in 0..<Self.caseCount / 2 {
            let test = Self.randomCase(&generator, extremes: false)
            let separable = Geometry.resampleSeparable(test.image, map: test.map, size: test.size,
                                                       interpolation: test.interpolation, border: test.border)
            let affine = Geometry.resampleAffine(test.image, map: test.map, size: test.size,
                                                 interpolation: test.interpolation, border: test.border)
            #expect(separable == affine, "\(test)")
        }
    }

    @Test("taps on whole pixels (whole steps and offsets): exactly the float reference")
    func wholePixelTaps() {
        var generator = SplitMix64(seed: 0x0E4A_5E9A)
        for _ in 0..<600 {
            var test = Self.randomCase(&generator)
            let steps: [Double] = [-2, -1, 0, 1, 2]
            test.map = AffineMap(xx: steps[Self.integer(&generator, 0...4)], xy: 0,
                                 x0: Double(Self.integer(&generator, -3...(test.image.width + 3))),
                                 yx: 0, yy: steps[Self.integer(&generator, 0...4)],
                                 y0: Double(Self.integer(&generator, -3...(test.image.height + 3))))
            let expected = ReferenceSeparable.resampleSeparable(test.image, map: test.map, size: test.size,
                                                                interpolation: .bilinear, border: test.border)
            let actual = Geometry.resampleSeparable(test.image, map: test.map, size: test.size,
                                                    interpolation: .bilinear, border: test.border)
            #expect(actual == expected, "\(test)")
        }
    }

    @Test("a uniform source with the same fill stays uniform")
    func uniformStaysUniform() {
        var generator = SplitMix64(seed: 0x0C04_5E9A)
        for _ in 0..<400 {
            var test = Self.randomCase(&generator)
            let value = UInt8(truncatingIfNeeded: generator.next())
            test.image = Image(width: test.image.width, height: test.image.height, channels: test.image.channels,
                               pixels: [UInt8](repeating: value, count: test.image.pixels.count))
            let border: Border = Self.integer(&generator, 0...1) == 0 ? .clamp : .constant(Fill(value))
            let actual = Geometry.resampleSeparable(test.image, map: test.map, size: test.size,
                                                    interpolation: test.interpolation, border: border)
            #expect(actual.pixels.allSatisfy { $0 == value }, "\(value): \(test)")
        }
    }

    @Test("random resized crops of 256x256 RGB to 224x224 (the benchmark's operation): within 1 level")
    func randomResizedCrops() throws {
        var generator = SplitMix64(seed: 224)
        let source = Image(width: 256, height: 256, channels: 3,
                           pixels: (0..<256 * 256 * 3).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        var (differing, total) = (0, 0)
        for _ in 0..<40 {
            let area = Self.uniform(&generator, 0.08, 1) * 65536
            let ratio = exp(Self.uniform(&generator, log(3.0 / 4), log(4.0 / 3)))
            let (width, height) = (min(Int((area * ratio).squareRoot()), 256), min(Int((area / ratio).squareRoot()), 256))
            let (x, y) = (Self.integer(&generator, 0...(256 - width)), Self.integer(&generator, 0...(256 - height)))
            let ops: [GeometricOp] = [.crop(x: x, y: y, width: width, height: height),
                                      .resize(width: 224, height: 224, interpolation: .bilinear)]
            var pass = ResamplingPass(size: Size(width: 256, height: 256))
            var current = Size(width: 256, height: 256)
            for op in ops {
                let next = try op.outputSize(from: current)
                pass.append(op, from: current, to: next)
                current = next
            }
            let expected = ReferenceSeparable.resampleSeparable(source, map: pass.map, size: pass.size,
                                                                interpolation: .bilinear, border: .clamp)
            let actual = try Geometry.apply(ops, to: source)
            let (largest, count) = AffineKernelEquivalenceTests.difference(actual, expected)
            #expect(largest <= 1, "crop \(x),\(y) \(width)x\(height)")
            (differing, total) = (differing + count, total + expected.pixels.count)
        }
        print("SeparableKernelEquivalenceTests: random resized crops, \(differing) of \(total) values differ "
              + "(\(Double(differing) / Double(max(total, 1)) * 100)%)")
    }
}
