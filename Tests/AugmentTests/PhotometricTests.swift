import Foundation
import Testing
@testable import Augment

/// `pca_lighting` and `normalize`: their kernels against hand-computed values and the formulas
/// evaluated directly, their draws, manifest records, place in a pipeline and refusals.
@Suite("Photometric transforms")
struct PhotometricTests {
    static func pipeline(_ json: String) throws -> Pipeline { try Pipeline(parsing: json, format: .json) }

    @Test("the shift kernel by hand: halves away from zero, clamped, alpha left alone")
    func shiftByHand() {
        let image = Image(width: 2, height: 1, channels: 4, pixels: [0, 100, 254, 77,
                                                                     10, 0, 255, 200])
        let shifted = Photometric.shift(image, by: [-0.5, 0.5, 2.4])
        // 0 - 0.5 → -1 → 0;  100.5 → 101;  256.4 → 255;  10 - 0.5 = 9.5 → 10;  0.5 → 1;  257.4 → 255
        #expect(shifted.pixels == [0, 101, 255, 77,
                                   10, 1, 255, 200])
        #expect(Photometric.levelOffset(-0.5) == 0 && Photometric.levelOffset(0.5) == 1)
        #expect(Photometric.levelOffset(-2.5) == -2 && Photometric.levelOffset(1e300) == 256)
    }

    @Test("the shift kernel equals round(v + s) clamped, evaluated directly, for random images and shifts")
    func shiftAgainstFormula() {
        var generator = SplitMix64(seed: 12)
        for channels in 1...4 {
            let image = StatisticsTests.randomImage(width: 23, height: 7, channels: channels, seed: UInt64(channels))
            for _ in 0..<20 {
                let shift = (0..<channels).map { _ in generator.uniform(-300...300) }
                let shifted = Photometric.shift(image, by: shift)
                let expected = image.pixels.enumerated().map { index, value in
                    UInt8(min(max((Double(value) + shift[index % channels]).rounded(), 0), 255))
                }
                #expect(shifted.pixels == expected)
            }
        }
    }

    @Test("standardNormal is Box–Muller on two unit draws, with mean 0 and variance 1")
    func standardNormal() {
        var generator = SplitMix64(seed: 3)
        var copy = generator
        let u1 = 1 - copy.unitInterval(), u2 = copy.unitInterval()
        #expect(generator.standardNormal() == (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
        #expect(generator == copy, "two outputs consumed")
        let draws = (0..<200_000).map { _ in generator.standardNormal() }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count)
        #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.02, "mean \(mean), variance \(variance)")
    }

    @Test("pca_lighting's default shift is fb.resnet.torch's formula on the 0-1 scale, times 255")
    func matchesFbResnet() throws {
        let transform = try Self.pipeline(#"{"transforms": [{"op": "pca_lighting", "sigma": 0.1}]}"#).transforms[0]
        // fb.resnet.torch's Lighting: rgb = eigvec * (alpha .* eigval), eigvec's columns the vectors.
        let eigval = [0.2175, 0.0188, 0.0045]
        let eigvec = [[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140], [-0.5836, -0.6948, 0.4203]]
        for seed in 0..<50 as Range<UInt64> {
            var generator = SplitMix64(seed: seed)
            let drawn = try transform.operation.draw(using: &generator, size: Size(width: 4, height: 4), channels: 3,
                                                     location: "transforms[0] (pca_lighting)")
            var replica = SplitMix64(seed: seed)
            let alpha = (0..<3).map { _ in 0.1 * replica.standardNormal() }
            let expected = (0..<3).map { c in 255 * (0..<3).reduce(0.0) { $0 + eigvec[c][$1] * alpha[$1] * eigval[$1] } }
            guard case .pcaLighting(let shift) = drawn else { Issue.record("drew \(drawn)"); return }
            #expect(zip(shift, expected).allSatisfy { abs($0 - $1) < 1e-9 }, "\(shift) vs \(expected)")
        }
    }

    @Test("pca_lighting with augment stats figures: the shift formula, sigma 0 is the identity, RGBA keeps alpha")
    func customEigen() throws {
        let json = #"{"transforms": [{"op": "pca_lighting", "sigma": 0.5, "eigenvalues": [9000, 400],"#
            + #" "eigenvectors": [[0.6, 0.8], [-0.8, 0.6]]}]}"#
        let pipeline = try Self.pipeline(json)
        let size = Size(width: 3, height: 3)
        let drawn2 = try pipeline.draw(seed: 1, path: "a.png", copy: 0, size: size, channels: 2)
        var replica = SplitMix64(seed: 1, path: "a.png", copy: 0).stream(forTransformAt: 0)
        _ = replica.chance(1)
        let alpha = (0..<2).map { _ in 0.5 * replica.standardNormal() }
        let expected = [(0.6 * alpha[0] * 9000 + -0.8 * alpha[1] * 400) / 255, (0.8 * alpha[0] * 9000 + 0.6 * alpha[1] * 400) / 255]
        guard case .pcaLighting(let shift) = drawn2[0] else { Issue.record("drew \(drawn2)"); return }
        #expect(zip(shift, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(shift) vs \(expected)")
        let rgba = StatisticsTests.randomImage(width: 5, height: 4, channels: 4, seed: 8)
        let lighting = try Self.pipeline(#"{"transforms": [{"op": "pca_lighting", "sigma": 0.3}]}"#)
        let drawn = try lighting.draw(seed: 2, path: "x.png", copy: 0, size: Size(width: 5, height: 4), channels: 4)
        let result = try drawn.apply(to: rgba)
        #expect(result != rgba, "sigma 0.3 changes the colours")
        #expect(stride(from: 3, to: rgba.pixels.count, by: 4).allSatisfy { result.pixels[$0] == rgba.pixels[$0] }, "alpha is kept")

        let still = try Self.pipeline(#"{"transforms": [{"op": "pca_lighting", "sigma": 0}]}"#)
        let rgb = StatisticsTests.randomImage(width: 5, height: 4, channels: 3, seed: 9)
        #expect(try still.draw(seed: 2, path: "x.png", copy: 0, size: Size(width: 5, height: 4), channels: 3).apply(to: rgb) == rgb)
    }

    @Test("pca_lighting refuses an image whose channels do not match its eigenvectors, naming the transform")
    func channelMismatch() throws {
        let pipeline = try Self.pipeline(#"{"transforms": [{"op": "hflip"}, {"op": "pca_lighting"}]}"#)
        #expect(throws: TransformDrawError.self) {
            try pipeline.draw(seed: 0, path: "g.png", copy: 0, size: Size(width: 2, height: 2), channels: 1)
        }
        do {
            _ = try pipeline.draw(seed: 0, path: "g.png", copy: 0, size: Size(width: 2, height: 2), channels: 1)
        } catch {
            #expect(error.description.hasPrefix("transforms[1] (pca_lighting): pca_lighting has eigenvectors of 3 values but the image has 1 channel"))
        }
    }

    @Test("a pixel-value record splits the fused chain: geometry before it, the shift, geometry after")
    func stepping() throws {
        let image = StatisticsTests.randomImage(width: 9, height: 7, channels: 3, seed: 5)
        let records: [DrawnTransform] = [.rotate(degrees: 20, interpolation: .bilinear, fill: Fill(40)),
                                         .oneOf(chosen: 0, transform: .pcaLighting(shift: [30.5, -12, 3.25])),
                                         .hflip, .crop(x: 1, y: 1, width: 6, height: 5)]
        let expected = try Geometry.apply([.hflip, .crop(x: 1, y: 1, width: 6, height: 5)], to: Photometric.shift(
            try Geometry.apply([.rotate(degrees: 20, interpolation: .bilinear, fill: Fill(40))], to: image), by: [30.5, -12, 3.25]))
        #expect(try records.apply(to: image) == expected)
        #expect(records.operations.count == 3, "operations keeps the geometric parts, for sizes")
        let geometric: [DrawnTransform] = [.hflip, .zoom(scale: 1.3, interpolation: .bilinear, fill: .zero)]
        #expect(try geometric.apply(to: image) == Geometry.apply(geometric.operations, to: image))
    }

    @Test("pca_lighting and normalize records survive the manifest line")
    func manifestRecords() throws {
        let records: [DrawnTransform] = [.pcaLighting(shift: [1.0 / 3, -0.1, 2e-9]),
                                         .normalize(mean: [0.485, 0.456, 0.406], std: [0.229], maxPixelValue: 255)]
        let entry = ManifestEntry(input: "a.png", output: "a.png", seed: 1, copy: 0, channels: 3, compression: .fast,
                                  transforms: records)
        #expect(entry.jsonLine.contains(#"{"op":"pca_lighting","shift":[0.3333333333333333,-0.1,2e-09]}"#))
        #expect(try ManifestEntry(jsonLine: entry.jsonLine, lineNumber: 1) == entry)
    }

    @Test("augment run with pca_lighting: --replay makes the same bytes; the colours moved")
    func runAndReplay() throws {
        let scratch = try TestData.makeTemporaryFolder("augment-pca")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        for index in 0..<3 {
            let image = StatisticsTests.randomImage(width: 12, height: 10, channels: 3, seed: UInt64(index))
            try Data(try PNG.encode(image)).write(to: input.appendingPathComponent("i\(index).png"))
        }
        let pipeline = scratch.appendingPathComponent("p.json")
        try Data(#"{"transforms": [{"op": "rotate", "angle": [-20, 20]}, {"op": "pca_lighting", "sigma": 1}, {"op": "hflip"}]}"#.utf8)
            .write(to: pipeline)
        let manifest = scratch.appendingPathComponent("m.jsonl")
        let run = try CommandRunner.augment(["run", input.path, "--out", scratch.appendingPathComponent("a").path,
                                             "--pipeline", pipeline.path, "--copies", "2", "--manifest", manifest.path])
        #expect(run.status == 0, "\(run.standardError)")
        let replay = try CommandRunner.augment(["run", input.path, "--out", scratch.appendingPathComponent("b").path,
                                                "--replay", manifest.path, "--executor", "processes", "--workers", "2"])
        #expect(replay.status == 0, "\(replay.standardError)")
        let entries = try Manifest(contentsOfFile: manifest.path).entries
        #expect(entries.count == 6)
        #expect(entries.contains { if case .pcaLighting(let shift) = $0.transforms[1] { shift.contains { abs($0) >= 1 } } else { false } },
                "sigma 1 moves some image by a level or more")
        for entry in entries {
            let a = try TestData.bytes(of: scratch.appendingPathComponent("a/" + entry.output))
            #expect(a == (try TestData.bytes(of: scratch.appendingPathComponent("b/" + entry.output))), "\(entry.output)")
            guard case .pcaLighting(let shift) = entry.transforms[1] else { Issue.record("\(entry.transforms)"); continue }
            let source = try PNG.decode(TestData.bytes(of: input.appendingPathComponent(entry.input)))
            let geometryOnly = try Geometry.apply(entry.transforms.operations, to: source)
            #expect(try PNG.decode(a) == Photometric.shift(geometryOnly, by: shift),
                    "the shift commutes with flips, so the output is the geometry then the shift")
            if shift.contains(where: { abs($0) >= 1 }) {
                #expect(try PNG.decode(a) != geometryOnly, "a shift of a level or more changes the output")
            }
        }
    }

    @Test("normalize: hand-computed values, ImageNet defaults and augment stats figures with max_pixel_value 1")
    func normalizeByHand() throws {
        let image = Image(width: 2, height: 1, channels: 3, pixels: [0, 128, 255, 10, 20, 30])
        let values = Photometric.normalize(image, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], maxPixelValue: 255)
        let expected: [Double] = [(0 - 123.675) / 58.395, (128 - 116.28) / 57.12, (255 - 103.53) / 57.375,
                                  (10 - 123.675) / 58.395, (20 - 116.28) / 57.12, (30 - 103.53) / 57.375]
        #expect(zip(values, expected).allSatisfy { abs(Double($0) - $1) < 1e-5 }, "\(values)")
        let grey = Image(width: 3, height: 1, channels: 1, pixels: [0, 100, 200])
        #expect(Photometric.normalize(grey, mean: [100], std: [50], maxPixelValue: 1) == [-2, 0, 2])

        let transform = try Self.pipeline(#"{"transforms": [{"op": "normalize"}]}"#)
        #expect(transform.transforms[0].operation == .normalize(Transform.Normalization()))
        #expect(transform.makesFloatValues)
        #expect(throws: TransformDrawError.self) {
            try transform.draw(seed: 0, path: "g.png", copy: 0, size: Size(width: 1, height: 1), channels: 1)
        }
        let drawn = try transform.draw(seed: 0, path: "c.png", copy: 0, size: Size(width: 1, height: 1), channels: 3)
        #expect(throws: GeometryError.self) { try drawn.apply(to: image) }
    }

    @Test("pipeline-file mistakes in pca_lighting and normalize are refused, naming the place")
    func parseErrors() {
        func message(_ transforms: String) -> String? {
            PipelineParsingTests.error(#"{"transforms": ["# + transforms + "]}")?.description
        }
        #expect(message(#"{"op": "normalize"}, {"op": "hflip"}"#)
            == #"transforms[0] (normalize): key "op": expected normalize only as the pipeline's last transform (it makes float values), found 1 transform after it"#)
        #expect(message(#"{"op": "one_of", "transforms": [{"op": "normalize"}]}"#)
            == #"transforms[0] (one_of).transforms[0] (normalize): key "op": expected normalize only as the pipeline's last transform, found normalize inside one_of"#)
        #expect(message(#"{"op": "normalize", "std": [0.2, 0, 0.3]}"#)
            == #"transforms[0] (normalize): key "std": expected a list of 1 to 4 positive numbers, found [0.2,0,0.3]"#)
        #expect(message(#"{"op": "normalize", "std": -1}"#)
            == #"transforms[0] (normalize): key "std": expected a positive number, or a list of 1 to 4 of them (one per channel), found -1"#)
        #expect(message(#"{"op": "normalize", "mean": [1, 2, 3], "std": [1, 2]}"#)
            == #"transforms[0] (normalize): key "std": expected as many values as mean (3), or one, found 2"#)
        #expect(message(#"{"op": "pca_lighting", "eigenvalues": [1, 2]}"#)?.hasPrefix(#"transforms[0] (pca_lighting): missing key "eigenvectors""#) == true)
        #expect(message(#"{"op": "pca_lighting", "eigenvalues": [1, 2], "eigenvectors": [[1, 0], [0]]}"#)
            == #"transforms[0] (pca_lighting): key "eigenvectors": expected a list of 2 lists of 2 numbers, found [[1,0],[0]]"#)
        #expect(message(#"{"op": "pca_lighting", "sigma": -0.1}"#)?.contains(#"key "sigma": expected a non-negative number"#) == true)
        #expect(message(#"{"op": "pca_lighting", "alpha": 1}"#)?.contains(#"unknown key "alpha""#) == true)
    }

    @Test("augment run refuses a pipeline ending in normalize before reading any image (exit 64)")
    func runRefusesNormalize() throws {
        let scratch = try TestData.makeTemporaryFolder("augment-normalize")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let pipeline = scratch.appendingPathComponent("p.json")
        try Data(#"{"transforms": [{"op": "hflip"}, {"op": "normalize"}]}"#.utf8).write(to: pipeline)
        let result = try CommandRunner.augment(["run", scratch.appendingPathComponent("missing").path,
                                                "--out", scratch.appendingPathComponent("o").path, "--pipeline", pipeline.path])
        #expect(result.status == 64)
        #expect(result.errorLines == ["error: \(pipeline.path): transforms[1] (normalize): normalize makes float values, "
            + "which PNG cannot store; it is for training batches (augment batches, planned), not augment run"])
    }
}
