import CZlib
import Testing
@testable import Augment

/// The byte builder itself, checked against published test vectors and hand-worked examples,
/// so that the decoding tests below rest on a builder that follows the specification.
/// (Nested in `PNGDecodingTests` so that `--filter Decoding` runs it too.)
extension PNGDecodingTests {
    @Suite("PNG byte builder")
    struct ByteBuilder {
        @Test("CRC-32 and Adler-32 match their published check values")
        func checksums() {
            #expect(PNGBytes.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
            // Every PNG ends with 00 00 00 00 'I' 'E' 'N' 'D' AE 42 60 82.
            #expect(PNGBytes.crc32(Array("IEND".utf8)) == 0xAE42_6082)
            #expect(PNGChunk("IEND", []).bytes == [0, 0, 0, 0, 73, 69, 78, 68, 0xAE, 0x42, 0x60, 0x82])
            #expect(PNGBytes.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
            #expect(PNGBytes.adler32([]) == 1)
        }

        @Test("stored zlib streams are laid out as RFC 1950/1951 say, and zlib inflates them")
        func zlibStored() {
            // a = 1 + 1 + 2 + 3 = 7, b = 2 + 4 + 7 = 13.
            #expect(PNGBytes.zlibStored([1, 2, 3]) == [0x78, 0x01, 0x01, 0x03, 0x00, 0xFC, 0xFF, 1, 2, 3, 0, 13, 0, 7])
            #expect(PNGBytes.zlibStored([]) == [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0, 0, 0, 1])
            #expect(PNGBytes.zlibStored([9, 9, 9], maxBlockSize: 2)
                    // a = 1 + 27 = 28, b = 10 + 19 + 28 = 57.
                    == [0x78, 0x01, 0x00, 2, 0, 0xFD, 0xFF, 9, 9, 0x01, 1, 0, 0xFE, 0xFF, 9, 0, 57, 0, 28])
            var generator = SeededGenerator(seed: 7)
            for count in [0, 1, 65535, 65536, 140_000] {
                let data = generator.bytes(count)
                let stream = PNGBytes.zlibStored(data)
                #expect(stream.count == 2 + max(1, (count + 65534) / 65535) * 5 + count + 4)
                #expect(Self.inflate(stream, expectedCount: count) == data)
            }
        }

        /// zlib's own `uncompress`, as an independent reader.
        static func inflate(_ stream: [UInt8], expectedCount: Int) -> [UInt8]? {
            var output = [UInt8](repeating: 0, count: max(1, expectedCount))
            var length = uLongf(output.count)
            let status = stream.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { destination in
                    uncompress(destination.baseAddress, &length, source.baseAddress, uLong(source.count))
                }
            }
            guard status == Z_OK else { return nil }
            return Array(output.prefix(Int(length)))
        }

        @Test("samples are packed most significant bits first, rows padded, 16 bits big-endian")
        func packing() {
            #expect(PNGBytes.packRow([3, 2, 1, 0, 3], bitDepth: 2) == [0b1110_0100, 0b1100_0000])
            #expect(PNGBytes.packRow([1, 0, 1, 1, 0, 0, 1, 0, 1], bitDepth: 1) == [0b1011_0010, 0b1000_0000])
            #expect(PNGBytes.packRow([15, 0, 8], bitDepth: 4) == [0xF0, 0x80])
            #expect(PNGBytes.packRow([0x1234, 0xFF01], bitDepth: 16) == [0x12, 0x34, 0xFF, 0x01])
        }

        @Test("the five filters give the bytes worked out by hand")
        func filters() {
            let row: [UInt8] = [10, 20, 5], above: [UInt8] = [4, 30, 6]
            func filter(_ type: PNGRowFilter, _ previous: [UInt8]?) -> [UInt8] {
                PNGBytes.filterRow(row, previous: previous, bytesPerPixel: 1, filter: type)
            }
            #expect(filter(.none, above) == [0, 10, 20, 5])
            #expect(filter(.sub, above) == [1, 10, 10, 241])             // 20-10, 5-20+256
            #expect(filter(.up, above) == [2, 6, 246, 255])              // 10-4, 20-30+256, 5-6+256
            #expect(filter(.up, nil) == [2, 10, 20, 5])                  // the first row sees zeros above
            #expect(filter(.average, above) == [3, 8, 0, 248])           // 10-2, 20-20, 5-13+256
            // Paeth: (a,b,c) = (0,4,0) -> b; (10,30,4) -> p=36, picks b=30; (20,6,30) -> p=-4, picks b=6.
            #expect(filter(.paeth, above) == [4, 6, 246, 255])
            // With 2 bytes per pixel Sub looks two bytes back.
            #expect(PNGBytes.filterRow([1, 2, 4, 8], previous: nil, bytesPerPixel: 2, filter: .sub) == [1, 1, 2, 3, 6])
            // unfilter reverses them, whatever the mix.
            var generator = SeededGenerator(seed: 3)
            let rows = generator.bytes(4 * 6)
            var filtered: [UInt8] = []
            for y in 0..<4 {
                let previous = y > 0 ? Array(rows[(y - 1) * 6..<y * 6]) : nil
                filtered += PNGBytes.filterRow(Array(rows[y * 6..<(y + 1) * 6]), previous: previous, bytesPerPixel: 3,
                                               filter: PNGRowFilter.allCases[y + 1])
            }
            let unfiltered = PNGBytes.unfilter(filtered, rowBytes: 6, height: 4, bytesPerPixel: 3)
            #expect(unfiltered?.rows == rows)
            #expect(unfiltered?.filters == [1, 2, 3, 4])
        }

        @Test("Adam7 sends the pixels of an 8x8 image in the order of the specification's figure")
        func adam7Order() {
            let builder = PNGBuilder.grey(8, 8, (0..<64).map { UInt16($0) }).interlacedAdam7()
            var expected: [UInt8] = []
            expected += [0, 0]                                             // pass 1: (0,0)
            expected += [0, 4]                                             // pass 2: (4,0)
            expected += [0, 32, 36]                                        // pass 3: x 0,4 on row 4
            expected += [0, 2, 6, 0, 34, 38]                               // pass 4: x 2,6 on rows 0,4
            expected += [0, 16, 18, 20, 22, 0, 48, 50, 52, 54]             // pass 5: x 0,2,4,6 on rows 2,6
            for y in stride(from: 0, to: 8, by: 2) {                       // pass 6: x 1,3,5,7 on even rows
                expected += [0] + [1, 3, 5, 7].map { UInt8(y * 8 + $0) }
            }
            for y in stride(from: 1, to: 8, by: 2) {                       // pass 7: every x on odd rows
                expected += [0] + (0..<8).map { UInt8(y * 8 + $0) }
            }
            #expect(builder.scanlines() == expected)
            // A 1x1 image has pixels in pass 1 only; the six empty passes send nothing.
            #expect(PNGBuilder.grey(1, 1, [42]).interlacedAdam7().scanlines() == [0, 42])
            // 3x1 (x 0 in pass 1, x 2 in pass 4, x 1 in pass 6), 2 bits: each pass row is padded.
            #expect(PNGBuilder.grey(3, 1, bitDepth: 2, [1, 2, 3]).interlacedAdam7().scanlines()
                    == [0, 0b0100_0000, 0, 0b1100_0000, 0, 0b1000_0000])
        }

        @Test("a built file parses back into its chunks, each with a correct CRC")
        func parsing() throws {
            let builder = PNGBuilder.palette(2, 2, bitDepth: 1, indices: [0, 1, 1, 0], palette: [[1, 2, 3], [4, 5, 6]],
                                             alphas: [7])
            let bytes = builder.bytes
            #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            // IHDR: length 13, type, width 2, height 2, depth 1, type 3, methods 0, 0, 0.
            #expect(Array(bytes[8..<33].prefix(21)) == [0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 2, 1, 3, 0, 0, 0])
            let stream = try #require(PNGStream(parsing: bytes))
            #expect(stream.chunks.map(\.typeName) == ["IHDR", "PLTE", "tRNS", "IDAT", "IEND"])
            #expect(stream.chunks.allSatisfy { $0.hasCorrectCRC })
            #expect(stream.bytes == bytes)
            #expect(!builder.stream.corruptingCRC(of: "IDAT").chunks[3].hasCorrectCRC)
            #expect(PNGStream(parsing: Array(bytes.dropLast())) == nil)
        }
    }
}

/// Decoding tiny files whose every pixel is worked out by hand from the PNG specification.
@Suite("PNG decoding")
struct PNGDecodingTests {
    static func decode(_ builder: PNGBuilder, options: PNG.DecodingOptions = .init()) throws -> Image {
        try PNG.decode(builder.bytes, options: options)
    }

    /// Decodes and checks the size, the channels and the pixels; also checks that the builder's
    /// own spec-derived expectation agrees with the hand-written one.
    static func expectPixels(_ builder: PNGBuilder, channels: Int, _ expected: [UInt8],
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(builder.expectedPixels == expected, "the builder's expectation disagrees with the hand-worked one",
                sourceLocation: sourceLocation)
        let image = try decode(builder)
        #expect(image.width == builder.width && image.height == builder.height, sourceLocation: sourceLocation)
        #expect(image.channels == channels, sourceLocation: sourceLocation)
        #expect(image.pixels == expected, sourceLocation: sourceLocation)
    }

    // MARK: Grey at low bit depths

    @Test("1-bit grey: 0 and 1 become 0 and 255, across a byte boundary and its padding")
    func grey1() throws {
        let builder = PNGBuilder.grey(10, 2, bitDepth: 1, [1, 0, 1, 1, 0, 0, 1, 0, 1, 1,
                                                           0, 1, 0, 0, 1, 1, 0, 1, 0, 0])
        try Self.expectPixels(builder, channels: 1, [255, 0, 255, 255, 0, 0, 255, 0, 255, 255,
                                                     0, 255, 0, 0, 255, 255, 0, 255, 0, 0])
    }

    @Test("2-bit grey: 0, 1, 2, 3 become 0, 85, 170, 255")
    func grey2() throws {
        try Self.expectPixels(.grey(4, 1, bitDepth: 2, [0, 1, 2, 3]), channels: 1, [0, 85, 170, 255])
        // 3x2 with a partly filled last byte in each row.
        try Self.expectPixels(.grey(3, 2, bitDepth: 2, [3, 2, 1, 0, 0, 3]), channels: 1, [255, 170, 85, 0, 0, 255])
    }

    @Test("4-bit grey: x becomes x * 17")
    func grey4() throws {
        try Self.expectPixels(.grey(16, 1, bitDepth: 4, (0..<16).map { UInt16($0) }), channels: 1,
                              [0, 17, 34, 51, 68, 85, 102, 119, 136, 153, 170, 187, 204, 221, 238, 255])
        try Self.expectPixels(.grey(3, 1, bitDepth: 4, [15, 0, 8]), channels: 1, [255, 0, 136])
    }

    @Test("8-bit grey is returned as stored")
    func grey8() throws {
        try Self.expectPixels(.grey(2, 2, [0, 127, 128, 255]), channels: 1, [0, 127, 128, 255])
    }

    // MARK: 16 bits

    @Test("16-bit grey is rounded to 8 bits, (v * 255 + 32895) >> 16, not truncated")
    func grey16() throws {
        // value / 257:     0, 0.498, 0.502, 0.992, 1.988, 127.498, 127.502, 128.5, 254.498, 254.502, 255
        let samples: [UInt16] = [0x0000, 0x0080, 0x0081, 0x00FF, 0x01FF, 0x7FFF, 0x8000, 0x8080, 0xFF7E, 0xFF7F, 0xFFFF]
        let rounded: [UInt8] = [0, 0, 1, 1, 2, 127, 128, 128, 254, 255, 255]
        // Truncation (v >> 8) would give 0, 0, 0, 0, 1, 127, 128, 128, 255, 255, 255.
        #expect(samples.map { UInt8(($0 >> 8)) } != rounded)
        #expect(samples.map { UInt8((UInt32($0) * 255 + 32895) >> 16) } == rounded)
        try Self.expectPixels(.grey(11, 1, bitDepth: 16, samples), channels: 1, rounded)
    }

    @Test("16-bit grey over a sweep of values rounds to the nearest of v / 257")
    func grey16Sweep() throws {
        let samples = stride(from: 0, through: 65535, by: 61).map { UInt16($0) } + [65535]
        let builder = PNGBuilder.grey(samples.count, 1, bitDepth: 16, samples)
        let image = try Self.decode(builder)
        for (sample, got) in zip(samples, image.pixels) {
            let exact = Double(sample) / 257
            #expect(abs(Double(got) - exact) < 0.5, "0x\(String(sample, radix: 16)) -> \(got)")
        }
    }

    @Test("16-bit RGB is rounded per channel")
    func rgb16() throws {
        // 0x1234 = 257*18 + 34 -> 18; 0xABCD = 257*171 + 34 -> 171; 0x00FF -> 1; 0xFF7E -> 254.
        let builder = PNGBuilder.rgb(2, 1, bitDepth: 16, [0x1234, 0xABCD, 0x00FF, 0xFFFF, 0x8080, 0xFF7E])
        try Self.expectPixels(builder, channels: 3, [18, 171, 1, 255, 128, 254])
    }

    @Test("16-bit grey+alpha and RGBA are rounded, alpha included")
    func alpha16() throws {
        try Self.expectPixels(.greyAlpha(2, 1, bitDepth: 16, [0x8080, 0x00FF, 0xFF7E, 0x0081]), channels: 2,
                              [128, 1, 254, 1])
        try Self.expectPixels(.rgba(1, 1, bitDepth: 16, [0xFFFF, 0x0000, 0x01FF, 0x7FFF]), channels: 4,
                              [255, 0, 2, 127])
    }

    // MARK: Palettes

    static let colours: [[UInt8]] = [[255, 0, 0], [0, 255, 0], [10, 20, 30], [200, 100, 50]]

    @Test("palette without tRNS: 3 channels of looked-up colours")
    func palette() throws {
        let builder = PNGBuilder.palette(3, 2, indices: [0, 1, 2, 2, 1, 0], palette: Array(Self.colours.prefix(3)))
        try Self.expectPixels(builder, channels: 3, [255, 0, 0, 0, 255, 0, 10, 20, 30,
                                                     10, 20, 30, 0, 255, 0, 255, 0, 0])
    }

    @Test("1-, 2- and 4-bit palette indices are unpacked before the look-up")
    func lowDepthPalette() throws {
        try Self.expectPixels(.palette(3, 1, bitDepth: 1, indices: [1, 0, 1], palette: Array(Self.colours.prefix(2))),
                              channels: 3, [0, 255, 0, 255, 0, 0, 0, 255, 0])
        try Self.expectPixels(.palette(5, 1, bitDepth: 2, indices: [3, 2, 1, 0, 3], palette: Self.colours),
                              channels: 3, [200, 100, 50, 10, 20, 30, 0, 255, 0, 255, 0, 0, 200, 100, 50])
        var sixteen = (0..<16).map { [UInt8($0), UInt8(255 - $0), UInt8($0 * 16)] }
        sixteen[9] = [1, 2, 3]
        try Self.expectPixels(.palette(2, 1, bitDepth: 4, indices: [9, 15], palette: sixteen),
                              channels: 3, [1, 2, 3, 15, 240, 240])
    }

    @Test("palette with tRNS: 4 channels, tRNS alphas, and 255 for entries past the tRNS length")
    func paletteTransparency() throws {
        let builder = PNGBuilder.palette(4, 1, indices: [0, 1, 2, 3], palette: Self.colours, alphas: [0, 128])
        try Self.expectPixels(builder, channels: 4, [255, 0, 0, 0, 0, 255, 0, 128, 10, 20, 30, 255, 200, 100, 50, 255])
        // A 2-bit palette, indices in a different order, with a tRNS covering three entries.
        let low = PNGBuilder.palette(3, 2, bitDepth: 2, indices: [3, 2, 1, 0, 3, 2], palette: Self.colours,
                                     alphas: [17, 34, 51])
        try Self.expectPixels(low, channels: 4, [200, 100, 50, 255, 10, 20, 30, 51, 0, 255, 0, 34,
                                                 255, 0, 0, 17, 200, 100, 50, 255, 10, 20, 30, 51])
    }

    // MARK: tRNS on grey and RGB

    @Test("grey with tRNS: 2 channels, alpha 0 exactly at the tRNS grey value, 255 elsewhere")
    func greyTransparency() throws {
        try Self.expectPixels(.grey(3, 2, [0, 64, 65, 255, 64, 63], transparentGrey: 64), channels: 2,
                              [0, 255, 64, 0, 65, 255, 255, 255, 64, 0, 63, 255])
        // At 2 bits the tRNS value is a 2-bit sample: 2 is transparent, and expands to 170.
        try Self.expectPixels(.grey(4, 1, bitDepth: 2, [0, 1, 2, 3], transparentGrey: 2), channels: 2,
                              [0, 255, 85, 255, 170, 0, 255, 255])
    }

    @Test("16-bit grey with tRNS compares the full 16-bit value, not the rounded one")
    func grey16Transparency() throws {
        // 0x1234 and 0x1235 both round to 18; only 0x1234 is transparent. 0x12FF = 257*18 + 237 -> 19.
        try Self.expectPixels(.grey(3, 1, bitDepth: 16, [0x1234, 0x1235, 0x12FF], transparentGrey: 0x1234), channels: 2,
                              [18, 0, 18, 255, 19, 255])
    }

    @Test("RGB with tRNS: 4 channels, alpha 0 only where all three samples match")
    func rgbTransparency() throws {
        let builder = PNGBuilder.rgb(4, 1, [10, 20, 30, 10, 20, 31, 0, 0, 0, 30, 20, 10], transparentRGB: (10, 20, 30))
        try Self.expectPixels(builder, channels: 4, [10, 20, 30, 0, 10, 20, 31, 255, 0, 0, 0, 255, 30, 20, 10, 255])
        let deep = PNGBuilder.rgb(2, 1, bitDepth: 16, [0x0100, 0x0200, 0x0300, 0x0100, 0x0200, 0x0301],
                                  transparentRGB: (0x0100, 0x0200, 0x0300))
        // 0x0100 = 256 -> 1, 0x0200 = 512 -> 2, 0x0300 = 768 -> 3 (768 / 257 = 2.988), 0x0301 -> 3.
        try Self.expectPixels(deep, channels: 4, [1, 2, 3, 0, 1, 2, 3, 255])
    }

    // MARK: Alpha colour types

    @Test("8-bit grey+alpha and RGBA are returned as stored")
    func alpha8() throws {
        try Self.expectPixels(.greyAlpha(2, 1, [10, 0, 200, 255]), channels: 2, [10, 0, 200, 255])
        try Self.expectPixels(.rgba(2, 1, [1, 2, 3, 4, 250, 251, 252, 0]), channels: 4, [1, 2, 3, 4, 250, 251, 252, 0])
    }

    // MARK: Filters

    static func randomBuilder(_ colourType: PNGColourType, _ width: Int, _ height: Int, bitDepth: Int = 8,
                              seed: UInt64) -> PNGBuilder {
        var generator = SeededGenerator(seed: seed)
        let count = width * height * colourType.samplesPerPixel
        let samples = (0..<count).map { _ in UInt16(truncatingIfNeeded: generator.next()) & UInt16((1 << bitDepth) - 1) }
        return PNGBuilder(width: width, height: height, bitDepth: bitDepth, colourType: colourType, samples: samples)
    }

    @Test("Sub-filtered rows decode to the pixels", arguments: [8, 16])
    func subFilter(bitDepth: Int) throws {
        // 10, 20, 5 | 7, 7, 7 as RGB: Sub stores 10, 20, 5, 253, 243, 2 in the first row.
        var builder = PNGBuilder.rgb(2, 2, [10, 20, 5, 7, 7, 7, 0, 0, 0, 255, 255, 255]).filtered(.sub)
        #expect(Array(builder.scanlines().prefix(7)) == [1, 10, 20, 5, 253, 243, 2])
        try Self.expectPixels(builder, channels: 3, [10, 20, 5, 7, 7, 7, 0, 0, 0, 255, 255, 255])
        builder = Self.randomBuilder(.rgb, 7, 5, bitDepth: bitDepth, seed: 11).filtered(.sub)
        #expect(try Self.decode(builder).pixels == builder.expectedPixels)
    }

    @Test("Up-filtered rows decode to the pixels")
    func upFilter() throws {
        let builder = PNGBuilder.grey(3, 2, [10, 20, 5, 4, 30, 6]).filtered(.up)
        #expect(builder.scanlines() == [2, 10, 20, 5, 2, 250, 10, 1])
        try Self.expectPixels(builder, channels: 1, [10, 20, 5, 4, 30, 6])
    }

    @Test("every filter, and filters mixed row by row, at every pixel width", arguments: [
        (PNGColourType.grey, 1), (.grey, 2), (.grey, 4), (.grey, 8), (.grey, 16), (.greyAlpha, 8), (.greyAlpha, 16),
        (.rgb, 8), (.rgb, 16), (.rgba, 8), (.rgba, 16),
    ])
    func allFilters(colourType: PNGColourType, bitDepth: Int) throws {
        let seed = UInt64(bitDepth * 10) + UInt64(colourType.rawValue)
        let base = Self.randomBuilder(colourType, 9, 6, bitDepth: bitDepth, seed: seed)
        for filters in [[PNGRowFilter.sub], [.up], [.average], [.paeth], PNGRowFilter.allCases] {
            var builder = base
            builder.rowFilters = filters
            let image = try Self.decode(builder)
            #expect(image.channels == colourType.samplesPerPixel)
            #expect(image.pixels == base.expectedPixels, "\(colourType) \(bitDepth)-bit with \(filters)")
        }
    }

    // MARK: Adam7

    @Test("an Adam7-interlaced file decodes exactly like the same pixels non-interlaced",
          arguments: [(1, 1), (2, 2), (3, 3), (5, 1), (1, 6), (8, 8), (9, 10), (13, 7), (17, 17), (33, 2)])
    func adam7(width: Int, height: Int) throws {
        let seed = UInt64(width * 100 + height)
        let cases: [PNGBuilder] = [
            Self.randomBuilder(.grey, width, height, seed: seed),
            Self.randomBuilder(.grey, width, height, bitDepth: 1, seed: seed),
            Self.randomBuilder(.grey, width, height, bitDepth: 2, seed: seed),
            Self.randomBuilder(.rgb, width, height, seed: seed).filtered(.paeth, .sub, .up, .average),
            Self.randomBuilder(.rgba, width, height, bitDepth: 16, seed: seed).filtered(.average),
            Self.randomBuilder(.greyAlpha, width, height, seed: seed).filtered(.up),
            {
                var builder = Self.randomBuilder(.palette, width, height, bitDepth: 4, seed: seed)
                builder.samples = builder.samples.map { $0 % 5 }
                builder.palette = (0..<5).map { (entry: Int) -> [UInt8] in
                    [UInt8(entry * 50), UInt8(255 - entry * 50), UInt8(entry)]
                }
                builder.transparency = [0, 60, 120]
                return builder.filtered(.sub)
            }(),
        ]
        for builder in cases {
            let interlaced = builder.interlacedAdam7()
            let plain = try Self.decode(builder)
            let adam7 = try Self.decode(interlaced)
            #expect(adam7 == plain, "\(builder.colourType) \(builder.bitDepth)-bit \(width)x\(height)")
            #expect(adam7.pixels == builder.expectedPixels)
            #expect(try PNG.header(of: interlaced.bytes).interlaced)
        }
    }

    @Test("grey with tRNS, interlaced, keeps the transparent value's alpha in every pass")
    func adam7Transparency() throws {
        let samples = (0..<80).map { UInt16($0 % 3) }
        let builder = PNGBuilder.grey(10, 8, bitDepth: 2, samples, transparentGrey: 1).interlacedAdam7()
        let image = try Self.decode(builder)
        #expect(image.channels == 2)
        #expect(image.pixels == samples.flatMap { [UInt8($0 * 85), $0 == 1 ? 0 : 255] })
    }

    // MARK: Options and header

    @Test("DecodingOptions(channels:) converts the decoded file")
    func channelOptions() throws {
        // RGB red, green, blue -> BT.601 luma 0.299*255 = 76.2, 0.587*255 = 149.7, 0.114*255 = 29.1.
        let rgb = PNGBuilder.rgb(3, 1, [255, 0, 0, 0, 255, 0, 0, 0, 255])
        #expect(try Self.decode(rgb, options: .init(channels: 1)).pixels == [76, 150, 29])
        #expect(try Self.decode(rgb, options: .init(channels: 3)).pixels == [255, 0, 0, 0, 255, 0, 0, 0, 255])
        #expect(try Self.decode(rgb, options: .init(channels: 4)).pixels == [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255])

        let grey = PNGBuilder.grey(2, 1, bitDepth: 2, [1, 3])
        #expect(try Self.decode(grey, options: .init(channels: 3)).pixels == [85, 85, 85, 255, 255, 255])
        #expect(try Self.decode(grey, options: .init(channels: 4)).pixels == [85, 85, 85, 255, 255, 255, 255, 255])
        #expect(try Self.decode(grey, options: .init(channels: 1)).pixels == [85, 255])

        // tRNS alpha survives a conversion to 4 channels and is dropped for 3 and 1.
        let greyKey = PNGBuilder.grey(2, 1, [9, 64], transparentGrey: 64)
        let four = try Self.decode(greyKey, options: .init(channels: 4))
        #expect(four.channels == 4 && four.pixels == [9, 9, 9, 255, 64, 64, 64, 0])
        #expect(try Self.decode(greyKey, options: .init(channels: 1)).pixels == [9, 64])

        let palette = PNGBuilder.palette(2, 1, indices: [2, 0], palette: Self.colours, alphas: [0])
        #expect(try Self.decode(palette, options: .init(channels: 3)).pixels == [10, 20, 30, 255, 0, 0])
        // 10, 20, 30: 2.99 + 11.74 + 3.42 = 18.15 -> 18.
        #expect(try Self.decode(palette, options: .init(channels: 1)).pixels == [18, 76])
        #expect(try Self.decode(palette, options: .init(channels: 4)).pixels == [10, 20, 30, 255, 255, 0, 0, 0])

        let rgba = PNGBuilder.rgba(1, 1, bitDepth: 16, [0xFFFF, 0xFFFF, 0xFFFF, 0x00FF])
        #expect(try Self.decode(rgba, options: .init(channels: 1)).pixels == [255])
        #expect(try Self.decode(rgba, options: .init(channels: 4)).pixels == [255, 255, 255, 1])
    }

    @Test("PNG.header(of:) reports IHDR's fields and the decoded channel count", arguments: [
        PNGBuilder.grey(3, 2, bitDepth: 1, [0, 1, 0, 1, 0, 1]),
        PNGBuilder.grey(1, 4, bitDepth: 16, [1, 2, 3, 4], transparentGrey: 2),
        PNGBuilder.greyAlpha(2, 2, bitDepth: 16, [UInt16](repeating: 9, count: 8)).interlacedAdam7(),
        PNGBuilder.rgb(5, 1, [UInt16](repeating: 1, count: 15)),
        PNGBuilder.rgb(1, 1, [1, 2, 3], transparentRGB: (1, 2, 3)).interlacedAdam7(),
        PNGBuilder.palette(4, 3, bitDepth: 2, indices: [UInt16](repeating: 1, count: 12), palette: [[0, 0, 0], [1, 1, 1]]),
        PNGBuilder.palette(2, 2, bitDepth: 8, indices: [0, 1, 1, 0], palette: [[0, 0, 0], [1, 1, 1]], alphas: [3]),
        PNGBuilder.rgba(7, 9, [UInt16](repeating: 200, count: 7 * 9 * 4)),
    ])
    func header(builder: PNGBuilder) throws {
        let header = try PNG.header(of: builder.bytes)
        #expect(header.width == builder.width)
        #expect(header.height == builder.height)
        #expect(header.bitDepth == builder.bitDepth)
        #expect(header.colorType.rawValue == Int(builder.colourType.rawValue))
        #expect(header.interlaced == builder.interlaced)
        #expect(header.hasTransparency == builder.hasTransparency)
        #expect(header.decodedChannels == builder.expectedChannels)
        // And the decoded image agrees with the header.
        let image = try PNG.decode(builder.bytes)
        #expect(image.channels == header.decodedChannels)
        #expect(image.pixels == builder.expectedPixels)
    }

    @Test("the spec's expected channel counts, written out by colour type")
    func expectedChannelTable() {
        // Table of section 11.2.2 plus tRNS: grey 1 (2 with tRNS), RGB 3 (4), palette 3 (4),
        // grey+alpha 2, RGBA 4.
        #expect(PNGBuilder.grey(1, 1, [0]).expectedChannels == 1)
        #expect(PNGBuilder.grey(1, 1, [0], transparentGrey: 0).expectedChannels == 2)
        #expect(PNGBuilder.rgb(1, 1, [0, 0, 0], transparentRGB: (0, 0, 0)).expectedChannels == 4)
        #expect(PNGBuilder.palette(1, 1, indices: [0], palette: [[0, 0, 0]]).expectedChannels == 3)
        #expect(PNGBuilder.palette(1, 1, indices: [0], palette: [[0, 0, 0]], alphas: [0]).expectedChannels == 4)
    }

    @Test("large rows split over several stored blocks and IDAT chunks decode")
    func manyBlocksAndChunks() throws {
        var builder = Self.randomBuilder(.rgb, 300, 80, seed: 99)  // 72 080 bytes of scanlines
        builder.maxBlockSize = 4000
        builder.idatChunks = 7
        builder.rowFilters = PNGRowFilter.allCases
        #expect(builder.stream.chunks(ofType: "IDAT").count == 7)
        #expect(try Self.decode(builder).pixels == builder.expectedPixels)
        builder.maxBlockSize = 65535
        builder.idatChunks = 1
        #expect(try Self.decode(builder).pixels == builder.expectedPixels)
    }
}
