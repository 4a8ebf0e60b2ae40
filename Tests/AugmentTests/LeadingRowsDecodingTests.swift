import Foundation
import Testing
@testable import Augment

/// Decoding a PNG only down to the last row an augmentation reads (`augment batches`): the
/// bound on the rows read (`Geometry.sourceRowsRead`), checked by scrambling every row below
/// it and getting the same output; the partial decode, checked against the whole decode; the
/// checks it keeps on the rest of the file; and the one it gives up, shown.
@Suite("Decoding only the leading rows")
struct LeadingRowsDecodingTests {
    /// `image` with every row from `row` down replaced by other random bytes.
    static func scrambled(_ image: Image, from row: Int, _ generator: inout SplitMix64) -> Image {
        var pixels = image.pixels
        let rowBytes = image.width * image.channels
        for index in (row * rowBytes)..<pixels.count {
            pixels[index] = UInt8(truncatingIfNeeded: generator.next()) ^ pixels[index] | 1
        }
        return Image(width: image.width, height: image.height, channels: image.channels, pixels: pixels)
    }

    static func uniform(_ range: ClosedRange<Double>, _ generator: inout SplitMix64) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * Double(generator.next() >> 11) / Double(1 << 53)
    }

    /// A random operation that fits an image of `size`: every kind `GeometricOp` has.
    static func randomOp(for size: Size, _ generator: inout SplitMix64) -> GeometricOp {
        let interpolations: [Interpolation] = [.nearest, .bilinear]
        let interpolation = interpolations[Int(generator.next() % 2)]
        let fill = Fill(UInt8(truncatingIfNeeded: generator.next()))
        switch generator.next() % 11 {
        case 0: return .hflip
        case 1: return .vflip
        case 2: return .rotate90(quarterTurns: Int(generator.next() % 4))
        case 3: return .transpose
        case 4, 5: return .rotate(degrees: uniform(-180...180, &generator), interpolation: interpolation, fill: fill)
        case 6: return .zoom(scale: uniform(0.5...2, &generator), interpolation: interpolation, fill: fill)
        case 7, 8:
            let width = 1 + Int(generator.next() % UInt64(size.width))
            let height = 1 + Int(generator.next() % UInt64(size.height))
            return .crop(x: Int(generator.next() % UInt64(size.width - width + 1)),
                         y: Int(generator.next() % UInt64(size.height - height + 1)), width: width, height: height)
        case 9:
            return .centerCrop(width: 1 + Int(generator.next() % UInt64(size.width)),
                               height: 1 + Int(generator.next() % UInt64(size.height)))
        default:
            let all: [Interpolation] = [.nearest, .bilinear, .area]
            return .resize(width: 1 + Int(generator.next() % 48), height: 1 + Int(generator.next() % 48),
                           interpolation: all[Int(generator.next() % 3)])
        }
    }

    @Test("no operation list reads below its bound: scrambling those rows changes no output byte")
    func boundHolds() throws {
        var generator = SplitMix64(seed: 20261125)
        var cut = 0
        let cases = 600
        for _ in 0..<cases {
            let size = Size(width: 1 + Int(generator.next() % 40), height: 1 + Int(generator.next() % 40))
            let channels = 1 + Int(generator.next() % 4)
            var ops: [GeometricOp] = []
            var current = size
            for _ in 0...(generator.next() % 4) {
                let op = Self.randomOp(for: current, &generator)
                ops.append(op)
                current = try op.outputSize(from: current)
            }
            let image = LatticeCopyTests.randomImage(size.width, size.height, channels: channels, &generator)
            let rows = Geometry.sourceRowsRead(by: ops, from: size)
            #expect((1...size.height).contains(rows))
            if rows < size.height { cut += 1 }
            let expected = try Geometry.apply(ops, to: image)
            let result = try Geometry.apply(ops, to: Self.scrambled(image, from: rows, &generator))
            #expect(result == expected, "\(ops) on \(size)x\(channels): \(rows) rows")
        }
        #expect(cut > cases / 4, "the bound cuts often enough for the test to mean something: \(cut) of \(cases)")
    }

    @Test("hand-worked bounds: a crop's rows plus at most two; every row for a whole-image map or an area resize first")
    func handWorkedBounds() throws {
        let size = Size(width: 30, height: 40)
        #expect((10...12).contains(Geometry.sourceRowsRead(by: [.crop(x: 0, y: 0, width: 30, height: 10)], from: size)))
        #expect((30...32).contains(Geometry.sourceRowsRead(by: [.crop(x: 5, y: 20, width: 10, height: 10)], from: size)))
        // Rows 0-9 then scaled down 2x: bilinear samples at source rows 0.5, 2.5, ..., 8.5.
        #expect((10...12).contains(Geometry.sourceRowsRead(by: [.crop(x: 0, y: 0, width: 30, height: 10),
                                                                .resize(width: 15, height: 5, interpolation: .bilinear)], from: size)))
        // The top rows after a flip are the bottom rows before it.
        #expect(Geometry.sourceRowsRead(by: [.vflip, .crop(x: 0, y: 0, width: 30, height: 10)], from: size) == 40)
        #expect(Geometry.sourceRowsRead(by: [], from: size) == 40, "no operation: the image itself")
        #expect(Geometry.sourceRowsRead(by: [.hflip], from: size) == 40)
        #expect(Geometry.sourceRowsRead(by: [.rotate(degrees: 10, interpolation: .bilinear, fill: .zero)], from: size) == 40)
        #expect(Geometry.sourceRowsRead(by: [.resize(width: 10, height: 10, interpolation: .area),
                                             .crop(x: 0, y: 0, width: 10, height: 1)], from: size) == 40,
                "an area resize first averages every row")
        #expect(Geometry.sourceRowsRead(by: [.crop(x: 0, y: 0, width: 10, height: 50)], from: size) == 40,
                "operations that do not fit: every row")
        // Zoomed in 2x about the centre (row 19.5), the top output rows come from rows 9.75 on.
        #expect((10...12).contains(Geometry.sourceRowsRead(by: [.zoom(scale: 2, interpolation: .bilinear, fill: .zero),
                                                                .crop(x: 0, y: 0, width: 30, height: 1)], from: size)))

        // Drawn records: a pixel-value record first changes nothing; after a geometric run, the
        // run before it is the first pass.
        let crop = DrawnTransform.crop(x: 0, y: 0, width: 30, height: 10)
        let shift = DrawnTransform.pcaLighting(shift: [1, 2, 3])
        #expect((10...12).contains([shift, crop].sourceRowsRead(from: size)))
        #expect((10...12).contains([crop, shift, .vflip].sourceRowsRead(from: size)))
        #expect([.vflip, shift, crop].sourceRowsRead(from: size) == 40)
    }

    /// The standard pipeline of the benchmarks (hflip, rotate, zoom, random resized crop).
    static let standard = Pipeline([
        Transform(.hflip, probability: 0.5),
        Transform(.rotate(degrees: .range(-30...30), interpolation: .bilinear, fill: .zero)),
        Transform(.zoom(scale: .range(0.8...1.2), interpolation: .bilinear, fill: .zero)),
        Transform(.randomResizedCrop(.init(width: .fixed(24), height: .fixed(24)))),
    ])

    @Test("the standard pipeline's draws read no row below their bound, which leaves rows out of most draws")
    func standardPipeline() throws {
        var generator = SplitMix64(seed: 5)
        let image = LatticeCopyTests.randomImage(64, 48, channels: 3, &generator)
        let size = Size(width: 64, height: 48)
        var rowsRead = 0
        let draws = 300
        for index in 0..<draws {
            let drawn = try Self.standard.draw(seed: 3, path: "img\(index).png", copy: index % 3, size: size, channels: 3)
            let rows = drawn.sourceRowsRead(from: size)
            rowsRead += rows
            #expect(try drawn.apply(to: Self.scrambled(image, from: rows, &generator)) == drawn.apply(to: image), "\(drawn)")
        }
        #expect(rowsRead < draws * 48 * 95 / 100, "on average at least 5% of the rows left undecoded: \(rowsRead) of \(draws * 48)")
    }

    /// A noise image encoded by libpng, which writes IDAT chunks of 8 KiB: several of them.
    static func encodedNoise(width: Int = 120, height: Int = 90) throws -> (image: Image, bytes: [UInt8]) {
        var generator = SplitMix64(seed: 17)
        let image = LatticeCopyTests.randomImage(width, height, channels: 3, &generator)
        let bytes = try PNG.encode(image, compression: .default)
        #expect(PNGStream(parsing: bytes)!.chunks(ofType: "IDAT").count >= 3)
        return (image, bytes)
    }

    @Test("the leading rows decode as in the whole decode and the rest stay zero; an interlaced file decodes whole")
    func partialDecode() throws {
        let (image, bytes) = try Self.encodedNoise()
        #expect(try PNG.decode(bytes) == image)
        let rowBytes = image.width * 3
        for rows in [0, 1, 2, 45, 89, 90, 91, 10_000] {
            let partial = try PNG.decode(bytes, options: .init(), leadingRows: { header in
                #expect(header.width == 120 && header.height == 90)
                return rows
            })
            let kept = min(rows, 90) * rowBytes
            #expect(partial.width == 120 && partial.height == 90 && partial.channels == 3)
            #expect(partial.pixels[..<kept] == image.pixels[..<kept], "\(rows) rows")
            #expect(partial.pixels[kept...].allSatisfy { $0 == 0 }, "\(rows) rows: the rest zero")
        }

        var generator = SplitMix64(seed: 3)
        let samples = (0..<(13 * 11 * 3)).map { _ in UInt16(truncatingIfNeeded: generator.next() % 256) }
        let interlaced = PNGBuilder.rgb(13, 11, samples).interlacedAdam7().stream.bytes
        let whole = try PNG.decode(interlaced)
        #expect(whole.pixels == samples.map { UInt8($0) })
        #expect(try PNG.decode(interlaced, options: .init(), leadingRows: { _ in 2 }) == whole,
                "Adam7 spreads every row over the whole stream")
    }

    /// The outcome of decoding whole (`rows` nil) or only the first `rows` rows.
    static func outcome(_ bytes: [UInt8], rows: Int?) -> Result<Image, PNGError> {
        guard let rows else { return Result { () throws(PNGError) in try PNG.decode(bytes) } }
        return Result { () throws(PNGError) in try PNG.decode(bytes, options: .init(), leadingRows: { _ in rows }) }
    }

    @Test("the rest of the file is still checked: a CRC error in a later IDAT, a cut, no IEND; an ancillary CRC passes as before")
    func restChecked() throws {
        let (image, bytes) = try Self.encodedNoise()
        let stream = PNGStream(parsing: bytes)!
        let lastIDAT = stream.chunks.lastIndex { $0.typeName == "IDAT" }!
        var badCRC = stream
        badCRC.chunks[lastIDAT].crcOverride = badCRC.chunks[lastIDAT].correctCRC ^ 0x100
        let badAncillary = stream.inserting(PNGChunk("tEXt", Array("a\0b".utf8), crc: 7), before: "IEND")

        let cases: [(String, [UInt8], String?)] = [
            ("a CRC error in the last IDAT", badCRC.bytes, "IDAT: CRC error"),
            ("cut in the last IDAT", stream.truncated(at: stream.offset(ofFirst: "IEND")! - 100), "file is truncated"),
            ("cut before IEND", stream.truncated(at: stream.offset(ofFirst: "IEND")!), "file is truncated"),
            ("no IEND", stream.removing("IEND").bytes, "file is truncated"),
            ("a second IHDR after the image data", stream.inserting(stream.chunks[0], before: "IEND").bytes, "IHDR: out of place"),
            ("an ancillary chunk with a wrong CRC after the image data", badAncillary.bytes, nil),
        ]
        for (name, file, reason) in cases {
            let whole = Self.outcome(file, rows: nil)
            let partial = Self.outcome(file, rows: 2)
            if let reason {
                #expect(whole == .failure(.invalid(reason: reason)), "\(name): the whole decode")
                #expect(partial == .failure(.invalid(reason: reason)), "\(name): the partial decode")
            } else {
                #expect(try whole.get() == image, "\(name): the whole decode")
                #expect(try partial.get().pixels.prefix(2 * 360) == image.pixels.prefix(2 * 360), "\(name): the partial decode")
            }
        }
    }

    @Test("what it gives up: deflate data damaged or short below the rows read, or an Adler-32, behind valid CRCs, is not noticed")
    func limitShown() throws {
        let (image, bytes) = try Self.encodedNoise()
        var stream = PNGStream(parsing: bytes)!
        // The zlib stream's Adler-32 (its last four bytes) made wrong, and the chunk's CRC made
        // right for it, as an encoder with a bug would write.
        let lastIDAT = stream.chunks.lastIndex { $0.typeName == "IDAT" }!
        stream.chunks[lastIDAT].data[stream.chunks[lastIDAT].data.count - 1] ^= 0xFF
        stream.chunks[lastIDAT].crcOverride = nil
        #expect(throws: PNGError.self, "the whole decode checks the Adler-32") { try PNG.decode(stream.bytes) }
        let partial = try PNG.decode(stream.bytes, options: .init(), leadingRows: { _ in 45 })
        #expect(partial.pixels.prefix(45 * 360) == image.pixels.prefix(45 * 360))
        // Nor is the Adler-32 checked when the leading rows are all of them: that decode may
        // stop early, so it does not compute one.
        #expect(try PNG.decode(stream.bytes, options: .init(), leadingRows: { $0.height }) == image)

        // A whole stream that holds fewer rows than IHDR says (90 for 100).
        let short = try Self.encodedNoise().bytes
        var tallerStream = PNGStream(parsing: short)!.withIHDR(height: 100)
        tallerStream.chunks[0].crcOverride = nil
        let taller = tallerStream.bytes
        #expect(throws: PNGError.self, "the whole decode runs out of data") { try PNG.decode(taller) }
        #expect(try PNG.decode(taller, options: .init(), leadingRows: { _ in 45 }).pixels.prefix(45 * 360) == image.pixels.prefix(45 * 360))
    }

    @Test("a batch job's samples are the same bytes decoded partly or whole, from the standard pipeline's draws")
    func batchJobSamples() throws {
        let root = try TestData.makeTemporaryFolder("augment-leading-rows")
        defer { try? FileManager.default.removeItem(at: root) }
        var generator = SplitMix64(seed: 9)
        var paths: [String] = []
        for index in 0..<12 {
            let image = LatticeCopyTests.randomImage(30 + index * 3, 26 + index * 2, channels: index % 3 == 0 ? 4 : 3, &generator)
            let path = "img\(index).png"
            try Data(try PNG.encode(image)).write(to: root.appendingPathComponent(path))
            paths.append(path)
        }
        let partly = try BatchJob(root: root.path, pipeline: Self.standard, seed: 1, channels: 3)
        let whole = try BatchJob(root: root.path, pipeline: Self.standard, seed: 1, channels: 3, decodesEveryRow: true)
        #expect(!partly.decodesEveryRow && whole.decodesEveryRow)
        for path in paths {
            for epoch in 0..<4 {
                #expect(try partly.sample(path, epoch: epoch) == whole.sample(path, epoch: epoch), "\(path), epoch \(epoch)")
            }
        }
    }

    @Test("augment batches --strict decodes every row (and tells its worker processes to); without it, the rows read",
          arguments: ["threads", "processes"])
    func strictDecodesWhole(executor: String) throws {
        let root = try TestData.makeTemporaryFolder("augment-leading-rows-command")
        defer { try? FileManager.default.removeItem(at: root) }
        let (_, bytes) = try Self.encodedNoise()
        var damaged = PNGStream(parsing: bytes)!
        let lastIDAT = damaged.chunks.lastIndex { $0.typeName == "IDAT" }!
        damaged.chunks[lastIDAT].data[damaged.chunks[lastIDAT].data.count - 1] ^= 0xFF
        damaged.chunks[lastIDAT].crcOverride = nil  // the Adler-32 wrong, the CRC right for it
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
            try Data(bytes).write(to: root.appendingPathComponent("\(name)/good.png"))
        }
        try Data(damaged.bytes).write(to: root.appendingPathComponent("b/adler.png"))
        let pipeline = root.appendingPathComponent("top.json").path
        try #"{"transforms": [{"op": "crop", "x": 0, "y": 0, "width": 8, "height": 4}]}"#
            .write(toFile: pipeline, atomically: true, encoding: .utf8)
        let arguments = ["batches", root.path, "--pipeline", pipeline, "--batch-size", "3",
                         "--executor", executor, "--workers", "2"]
        let partly = try CommandRunner.augment(arguments)
        #expect(partly.status == 0, "\(partly.standardError)")
        #expect(try BatchesTests.readArrays(partly.outputBytes)[0].shape == [3, 4, 8, 3], "all three samples delivered")
        let strict = try CommandRunner.augment(arguments + ["--strict"])
        #expect(strict.status == 2 && strict.standardError.contains("b/adler.png"), "\(strict.standardError)")
    }
}
