import Foundation
import Testing
@testable import Augment

/// What transforms draw: probabilities, ranges, torchvision's random-resized-crop, one_of's
/// weighting, and the size each transform samples on. No pixels are involved.
@Suite("Pipeline drawing")
struct PipelineDrawingTests {
    static let square = Size(width: 100, height: 100)

    static func draw(_ pipeline: Pipeline, path: String, seed: UInt64 = 0, copy: Int = 0,
                     size: Size = square, channels: Int = 3) throws -> [DrawnTransform] {
        try pipeline.draw(seed: seed, path: path, copy: copy, size: size, channels: channels)
    }

    @Test("p = 0.5 applies a transform to half of 10,000 images, within 5 sd; p = 0 never; p = 1 always")
    func probability() throws {
        let half = Pipeline([Transform(.hflip, probability: 0.5)])
        var applied = 0
        for index in 0..<10_000 where try Self.draw(half, path: "img\(index).png") == [.hflip] { applied += 1 }
        #expect(abs(applied - 5000) <= 250, "Binomial(10000, 0.5) has sd 50; got \(applied)")

        let never = Pipeline([Transform(.vflip, probability: 0)])
        let always = Pipeline([Transform(.vflip, probability: 1)])
        for index in 0..<1000 {
            #expect(try Self.draw(never, path: "img\(index).png") == [.skipped])
            #expect(try Self.draw(always, path: "img\(index).png") == [.vflip])
        }
    }

    @Test("a range is drawn uniformly per image; a fixed value is used as given")
    func ranges() throws {
        let pipeline = Pipeline([
            Transform(.rotate(degrees: .range(-30...30), interpolation: .nearest, fill: Fill(7))),
            Transform(.zoom(scale: .fixed(1.25), interpolation: .bilinear, fill: .zero)),
            Transform(.resize(width: .range(10...13), height: .fixed(20), interpolation: .area)),
        ])
        var angles: [Double] = []
        var widths: [Int: Int] = [:]
        for index in 0..<10_000 {
            let drawn = try Self.draw(pipeline, path: "p/\(index).png")
            guard case .rotate(let angle, .nearest, Fill(7)) = drawn[0],
                  drawn[1] == .zoom(scale: 1.25, interpolation: .bilinear, fill: .zero),
                  case .resize(let width, 20, .area) = drawn[2] else {
                Issue.record("unexpected records \(drawn)")
                return
            }
            angles.append(angle)
            widths[width, default: 0] += 1
        }
        #expect(angles.allSatisfy { (-30...30).contains($0) })
        let mean = angles.reduce(0, +) / Double(angles.count)
        #expect(abs(mean) < 5 * 60 / (12 * 10_000.0).squareRoot(), "mean \(mean)")
        #expect(angles.filter { $0 < -20 }.count > 1500 && angles.filter { $0 > 20 }.count > 1500, "the ends are reached")
        #expect(Set(widths.keys) == [10, 11, 12, 13], "both ends of an integer range are included")
        for count in widths.values { #expect(abs(count - 2500) < 5 * 44, "Binomial(10000, 1/4) sd 43.3; got \(count)") }
    }

    @Test("the same seed, path and copy give the same draws; another seed, path or copy differs")
    func reproducible() throws {
        let pipeline = Pipeline([
            Transform(.hflip, probability: 0.5),
            Transform(.rotate(degrees: .range(-30...30), interpolation: .bilinear, fill: .zero)),
            Transform(.randomResizedCrop(.init(width: .fixed(32), height: .fixed(32)))),
        ])
        let base = try Self.draw(pipeline, path: "a/b.png", seed: 3, copy: 1)
        #expect(try Self.draw(pipeline, path: "a/b.png", seed: 3, copy: 1) == base)
        #expect(try Self.draw(pipeline, path: "a/b.png", seed: 4, copy: 1) != base)
        #expect(try Self.draw(pipeline, path: "a/c.png", seed: 3, copy: 1) != base)
        #expect(try Self.draw(pipeline, path: "a/b.png", seed: 3, copy: 0) != base)
    }

    /// torchvision's `RandomResizedCrop.get_params`, transcribed line by line from its Python
    /// source, drawing from the same kind of generator: `torch.empty(1).uniform_(a, b)` as
    /// `uniform(a...b)`, `torch.randint(0, n + 1)` as `integer(in: 0...n)`, and Python's `round`
    /// (half to even).
    static func torchvisionGetParams(width: Int, height: Int, scale: ClosedRange<Double>, ratio: ClosedRange<Double>,
                                     _ g: inout SplitMix64) -> (top: Int, left: Int, h: Int, w: Int) {
        let area = Double(height * width)
        let logRatio = (Foundation.log(ratio.lowerBound), Foundation.log(ratio.upperBound))
        for _ in 0..<10 {
            let targetArea = area * g.uniform(scale)
            let aspectRatio = Foundation.exp(g.uniform(logRatio.0...logRatio.1))
            let w = Int(Foundation.sqrt(targetArea * aspectRatio).rounded(.toNearestOrEven))
            let h = Int(Foundation.sqrt(targetArea / aspectRatio).rounded(.toNearestOrEven))
            if 0 < w && w <= width && 0 < h && h <= height {
                let i = g.integer(in: 0...(height - h))
                let j = g.integer(in: 0...(width - w))
                return (i, j, h, w)
            }
        }
        let inRatio = Double(width) / Double(height)
        var (w, h) = (width, height)
        if inRatio < ratio.lowerBound {
            h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > ratio.upperBound {
            w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        // The one documented departure: where torchvision would return an empty crop (a side rounded to 0,
        // as for a 1x1 image and ratio [2, 5]), the product keeps 1 pixel.
        (w, h) = (max(w, 1), max(h, 1))
        return ((height - h) / 2, (width - w) / 2, h, w)
    }

    @Test("random_resized_crop follows torchvision's get_params draw for draw, and stays inside the image")
    func randomResizedCropMatchesTorchvision() {
        let sizes = [Size(width: 100, height: 100), Size(width: 64, height: 48), Size(width: 7, height: 300),
                     Size(width: 1, height: 1), Size(width: 3, height: 2)]
        let settings: [(ClosedRange<Double>, ClosedRange<Double>)] = [
            (0.08...1, (3.0 / 4)...(4.0 / 3)), (0.5...0.5, 1...1), (0.9...1, 2...5), (0.01...0.02, 0.1...10),
        ]
        for size in sizes {
            for (scale, ratio) in settings {
                let crop = Transform.RandomResizedCrop(width: .fixed(24), height: .fixed(16), scale: scale, ratio: ratio)
                for seed: UInt64 in 0..<300 {
                    var product = SplitMix64(seed: seed), reference = SplitMix64(seed: seed)
                    let drawn = crop.draw(using: &product, size: size)
                    let expected = Self.torchvisionGetParams(width: size.width, height: size.height,
                                                             scale: scale, ratio: ratio, &reference)
                    #expect(drawn == .randomResizedCrop(x: expected.left, y: expected.top, cropWidth: expected.w,
                                                        cropHeight: expected.h, width: 24, height: 16,
                                                        interpolation: .bilinear), "\(size) \(scale) \(ratio) seed \(seed)")
                    guard case .randomResizedCrop(let x, let y, let w, let h, _, _, _) = drawn else { continue }
                    #expect(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= size.width && y + h <= size.height)
                }
            }
        }
    }

    @Test("random_resized_crop's centre fallback when no attempt can fit, computed by hand")
    func randomResizedCropFallback() {
        func fallback(_ size: Size, scale: ClosedRange<Double>, ratio: ClosedRange<Double>) -> DrawnTransform {
            var generator = SplitMix64(seed: 17)
            return Transform.RandomResizedCrop(width: .fixed(8), height: .fixed(8), scale: scale, ratio: ratio)
                .draw(using: &generator, size: size)
        }
        func crop(_ x: Int, _ y: Int, _ w: Int, _ h: Int) -> DrawnTransform {
            .randomResizedCrop(x: x, y: y, cropWidth: w, cropHeight: h, width: 8, height: 8, interpolation: .bilinear)
        }
        // 100x100, ratio >= 10, area >= half: w = 100 sqrt(scale * aspect) >= 100 sqrt(5) > 100, never fits.
        // Image ratio 1 < 10: full width, h = round(100 / 10) = 10, centred: y = (100 - 10) / 2 = 45.
        #expect(fallback(Self.square, scale: 0.5...1, ratio: 10...20) == crop(0, 45, 100, 10))
        // Ratio <= 0.1: h = 100 sqrt(scale / aspect) >= 100 sqrt(5) > 100. Full height, w = round(100 * 0.1) = 10.
        #expect(fallback(Self.square, scale: 0.5...1, ratio: 0.05...0.1) == crop(45, 0, 10, 100))
        // 64x48, ratio >= 3, area >= 0.9: w >= sqrt(0.9 * 3072 * 3) = 91 > 64. w = 64, h = round(64 / 3) = 21,
        // y = (48 - 21) / 2 = 13.
        #expect(fallback(Size(width: 64, height: 48), scale: 0.9...1, ratio: 3...4) == crop(0, 13, 64, 21))
        // 5x5, ratio exactly 2, area >= 0.9: w = round(sqrt(25 s 2)) = 7 > 5. h = round(5 / 2 = 2.5) = 2 (Python
        // rounds half to even), y = (5 - 2) / 2 = 1.
        #expect(fallback(Size(width: 5, height: 5), scale: 0.9...1, ratio: 2...2) == crop(0, 1, 5, 2))
        // 3x1 image,
        // ratio [1, 1], area 3 s with s >= 0.9: w = h = round(sqrt(2.7..3)) = 2 > 1 rows. Ratio 3 > 1: full
        // height, w = round(1 * 1) = 1, x = (3 - 1) / 2 = 1.
        #expect(fallback(Size(width: 3, height: 1), scale: 0.9...1, ratio: 1...1) == crop(1, 0, 1, 1))
    }

    @Test("random_resized_crop becomes a crop then a resize; random_crop a crop inside the image")
    func randomCropOperations() throws {
        let record = DrawnTransform.randomResizedCrop(x: 3, y: 4, cropWidth: 20, cropHeight: 10, width: 8, height: 6,
                                                      interpolation: .area)
        #expect(record.operations == [.crop(x: 3, y: 4, width: 20, height: 10), .resize(width: 8, height: 6, interpolation: .area)])

        let pipeline = Pipeline([Transform(.randomCrop(width: .fixed(30), height: .fixed(20)))])
        var xs: Set<Int> = [], ys: Set<Int> = []
        for index in 0..<3000 {
            let drawn = try Self.draw(pipeline, path: "\(index).png", size: Size(width: 40, height: 25))
            guard case .randomCrop(let x, let y, 30, 20) = drawn[0] else { Issue.record("\(drawn)"); return }
            xs.insert(x)
            ys.insert(y)
        }
        #expect(xs == Set(0...10) && ys == Set(0...5), "every position from 0 to W - w and H - h")
        let tooLarge = #expect(throws: TransformDrawError.self) {
            try Self.draw(pipeline, path: "small.png", size: Size(width: 29, height: 40))
        }
        #expect(tooLarge?.description == "transforms[0] (random_crop): a random crop of 30x20 does not fit inside the 29x40 image")
    }

    @Test("one_of picks children in proportion to their p, never a child with p = 0, and applies it")
    func oneOfWeighting() throws {
        let pipeline = Pipeline([Transform(.oneOf([
            Transform(.hflip, probability: 0.25), Transform(.vflip, probability: 0), Transform(.transpose, probability: 0.75),
        ]))])
        var counts: [DrawnTransform: Int] = [:]
        for index in 0..<10_000 { counts[try Self.draw(pipeline, path: "\(index).png")[0], default: 0] += 1 }
        let hflips = counts[.oneOf(chosen: 0, transform: .hflip)] ?? 0
        let transposes = counts[.oneOf(chosen: 2, transform: .transpose)] ?? 0
        #expect(hflips + transposes == 10_000, "the chosen child is always applied; p = 0 never chosen: \(counts)")
        #expect(abs(hflips - 2500) < 5 * 44, "Binomial(10000, 0.25) sd 43.3; got \(hflips)")

        let sometimes = Pipeline([Transform(.oneOf([Transform(.hflip), Transform(.vflip)]), probability: 0.2)])
        var skipped = 0
        for index in 0..<10_000 where try Self.draw(sometimes, path: "\(index).png")[0] == .skipped { skipped += 1 }
        #expect(abs(skipped - 8000) < 5 * 40, "one_of's own p: sd 40; got \(skipped)")
    }

    @Test("each transform samples on the size the transforms before it produce")
    func sizeTracking() throws {
        let pipeline = Pipeline([
            Transform(.centerCrop(width: .fixed(30), height: .fixed(10))),
            Transform(.rotate90(quarterTurns: .fixed(1))),
            Transform(.randomCrop(width: .fixed(10), height: .fixed(30))),
            Transform(.randomResizedCrop(.init(width: .fixed(5), height: .fixed(5), scale: 1...1, ratio: 1...1))),
        ])
        let drawn = try Self.draw(pipeline, path: "x.png", size: Size(width: 100, height: 100))
        // After the crop and quarter turn the image is 10x30: the random crop must be at (0, 0), and the
        // full-area square crop falls back to the centre (10x30 has ratio 1/3 < 1): w = 10, h = round(10 / 1) = 10,
        // at ((10 - 10) / 2, (30 - 10) / 2) = (0, 10).
        #expect(drawn[2] == .randomCrop(x: 0, y: 0, width: 10, height: 30))
        #expect(drawn[3] == .randomResizedCrop(x: 0, y: 10, cropWidth: 10, cropHeight: 10, width: 5, height: 5,
                                               interpolation: .bilinear))

        let misfit = Pipeline([Transform(.resize(width: .fixed(20), height: .fixed(20), interpolation: .bilinear)),
                               Transform(.crop(x: .fixed(5), y: .fixed(5), width: .fixed(20), height: .fixed(10)))])
        let error = #expect(throws: TransformDrawError.self) { try Self.draw(misfit, path: "x.png") }
        #expect(error?.location == "transforms[1] (crop)")
        #expect(error?.reason == .regionOutsideImage(x: 5, y: 5, width: 20, height: 10, image: Size(width: 20, height: 20)))
    }

    @Test("a fill needs one value or one per channel of the image")
    func fillChannels() throws {
        let pipeline = Pipeline([Transform(.oneOf([Transform(.zoom(scale: .fixed(0.5), interpolation: .bilinear,
                                                                    fill: Fill([1, 2, 3])))]))])
        #expect(try Self.draw(pipeline, path: "x.png", channels: 3)[0]
                == .oneOf(chosen: 0, transform: .zoom(scale: 0.5, interpolation: .bilinear, fill: Fill([1, 2, 3]))))
        let error = #expect(throws: TransformDrawError.self) { try Self.draw(pipeline, path: "x.png", channels: 4) }
        #expect(error?.location == "transforms[0] (one_of).transforms[0] (zoom)")
        #expect(error?.description.contains("the fill has 3 values but the image has 4 channels") == true)
    }

    @Test("rotate90's default k draws each quarter turn about equally")
    func rotate90Default() throws {
        let pipeline = try Pipeline(parsing: #"{"transforms": [{"op": "rotate90"}]}"#, format: .json)
        var counts: [Int: Int] = [:]
        for index in 0..<8000 {
            guard case .rotate90(let k) = try Self.draw(pipeline, path: "\(index).png")[0] else { return }
            counts[k, default: 0] += 1
        }
        #expect(Set(counts.keys) == [0, 1, 2, 3])
        for count in counts.values { #expect(abs(count - 2000) < 5 * 39, "sd 38.7; got \(count)") }
    }

    @Test("records become the geometric operations they stand for")
    func recordOperations() {
        let records: [DrawnTransform] = [
            .skipped, .hflip, .oneOf(chosen: 1, transform: .rotate90(quarterTurns: 3)),
            .randomCrop(x: 1, y: 2, width: 3, height: 4), .centerCrop(width: 5, height: 6),
        ]
        #expect(records.operations == [.hflip, .rotate90(quarterTurns: 3), .crop(x: 1, y: 2, width: 3, height: 4),
                                       .centerCrop(width: 5, height: 6)])
    }
}
