import Foundation
import Testing
@testable import Augment

/// Malformed and malicious PNG streams, built byte by byte with `PNGBuilder` / `PNGStream`.
/// Every one must throw the right `PNGError` with a clear reason, and none may crash the process.
@Suite("PNG hostile input")
struct PNGHostileInputTests {
    // MARK: Helpers

    /// The error `PNG.decode` throws, or nil when it returns an image.
    static func decodeError(_ bytes: [UInt8], options: PNG.DecodingOptions = .init()) -> PNGError? {
        do {
            _ = try PNG.decode(bytes, options: options)
            return nil
        } catch {
            return error
        }
    }

    /// Expects `.invalid` whose reason contains every one of `keyWords`.
    static func expectInvalid(_ bytes: [UInt8], _ keyWords: String..., options: PNG.DecodingOptions = .init(),
                              sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = decodeError(bytes, options: options) else {
            Issue.record("decoding succeeded; expected a failure mentioning \(keyWords)", sourceLocation: sourceLocation)
            return
        }
        guard case .invalid(let reason) = error else {
            Issue.record("expected .invalid mentioning \(keyWords), got \(error)", sourceLocation: sourceLocation)
            return
        }
        for word in keyWords {
            #expect(reason.contains(word), "reason \"\(reason)\" lacks \"\(word)\"", sourceLocation: sourceLocation)
        }
    }

    /// A small valid grey image: 3x2, 8 bits.
    static let grey = PNGBuilder.grey(3, 2, [1, 2, 3, 4, 5, 6])

    /// A small valid file with more kinds of chunk: 2-bit palette with tRNS, Adam7, filtered
    /// rows, and its zlib stream split over three IDAT chunks.
    static let paletteFile: PNGBuilder = {
        var builder = PNGBuilder.palette(5, 3, bitDepth: 2, indices: [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2],
                                         palette: [[255, 0, 0], [0, 255, 0], [0, 0, 255], [9, 9, 9]],
                                         alphas: [0, 100])
        builder.interlaced = true
        builder.rowFilters = [.sub, .up, .paeth]
        builder.idatChunks = 3
        return builder
    }()

    // MARK: Sanity of the inputs the other tests break

    @Test("the unbroken files decode to their hand-computed pixels")
    func unbrokenFilesDecode() throws {
        #expect(try PNG.decode(Self.grey.bytes).pixels == [1, 2, 3, 4, 5, 6])
        let palette = try PNG.decode(Self.paletteFile.bytes)
        #expect(palette.channels == 4)
        #expect(Array(palette.pixels.prefix(16)) == [255, 0, 0, 0, 0, 255, 0, 100, 0, 0, 255, 255, 9, 9, 9, 255])
        #expect(Self.paletteFile.stream.chunks(ofType: "IDAT").count == 3)
    }

    // MARK: Not PNG at all

    @Test("zero bytes throw .empty, from decode and from header")
    func emptyInput() {
        #expect(Self.decodeError([]) == .empty)
        #expect(throws: PNGError.empty) { try PNG.header(of: []) }
        #expect(PNGError.empty.description.contains("empty"))
    }

    @Test("files that are not PNG throw 'Not a PNG file'", arguments: [
        Array("This is a plain text file, not an image.\n".utf8),
        // A JPEG/JFIF header.
        [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01],
        Array("GIF89a\u{01}\u{00}\u{01}\u{00}\u{80}\u{00}\u{00}".utf8),
        // A PNG body behind a one-byte-wrong signature.
        [138] + Array(grey.bytes.dropFirst()),
    ] as [[UInt8]])
    func notAPNG(bytes: [UInt8]) {
        #expect(Self.decodeError(bytes) == .invalid(reason: "Not a PNG file"))
        #expect(throws: PNGError.invalid(reason: "Not a PNG file")) { try PNG.header(of: bytes) }
    }

    @Test("a signature mangled by a CRLF to LF conversion is recognised as such")
    func asciiConversion() {
        // 137 'P' 'N' 'G' then "\r\n\u{1A}\n" with its CR dropped.
        let bytes: [UInt8] = [137, 80, 78, 71, 10, 26, 10] + Array(Self.grey.bytes.dropFirst(8))
        Self.expectInvalid(bytes, "corrupted by ASCII conversion")
    }

    // MARK: Truncation

    @Test("a valid file cut at every length from 0 to its size minus 1 throws, never crashes")
    func everyTruncation() {
        for builder in [Self.grey, Self.paletteFile] {
            let bytes = builder.bytes
            #expect(Self.decodeError(bytes) == nil)
            for length in 0..<bytes.count {
                let error = Self.decodeError(Array(bytes.prefix(length)))
                if length == 0 {
                    #expect(error == .empty)
                } else {
                    #expect(error == .invalid(reason: "file is truncated"), "cut at \(length) of \(bytes.count)")
                }
            }
        }
    }

    @Test("the header needs the bytes up to the first IDAT chunk's header, and no more")
    func headerOfTruncatedFile() throws {
        let stream = Self.paletteFile.stream
        let bytes = stream.bytes
        let idat = try #require(stream.offset(ofFirst: "IDAT"))
        // libpng must see the next chunk's length and type to know the chunks before IDAT are over.
        for length in 1..<idat + 8 {
            #expect(throws: PNGError.invalid(reason: "file is truncated")) {
                try PNG.header(of: Array(bytes.prefix(length)))
            }
        }
        for length in [idat + 8, idat + 9, bytes.count - 1, bytes.count] {
            let header = try PNG.header(of: Array(bytes.prefix(length)))
            #expect(header.width == 5 && header.height == 3 && header.bitDepth == 2)
            #expect(header.colorType == .palette && header.interlaced && header.hasTransparency)
            #expect(header.decodedChannels == 4)
        }
    }

    @Test("a file without IEND is truncated")
    func missingIEND() {
        #expect(Self.decodeError(Self.grey.stream.removing("IEND").bytes) == .invalid(reason: "file is truncated"))
    }

    @Test("a chunk length beyond the end of the file, or beyond 2^31 - 1, throws")
    func lyingChunkLength() {
        var stream = Self.grey.stream
        stream.chunks[1].lengthOverride = 0x7FFF_FFF0
        #expect(Self.decodeError(stream.bytes) == .invalid(reason: "file is truncated"))
        stream.chunks[1].lengthOverride = 0xFFFF_FFF0
        Self.expectInvalid(stream.bytes, "out of range")
    }

    // MARK: CRCs

    @Test("a wrong IHDR CRC throws 'IHDR: CRC error'")
    func ihdrCRC() {
        let bytes = Self.grey.stream.corruptingCRC(of: "IHDR").bytes
        Self.expectInvalid(bytes, "IHDR", "CRC error")
        #expect(throws: PNGError.invalid(reason: "IHDR: CRC error")) { try PNG.header(of: bytes) }
    }

    @Test("a wrong IDAT CRC throws 'IDAT: CRC error', in the first, middle or last IDAT")
    func idatCRC() {
        Self.expectInvalid(Self.grey.stream.corruptingCRC(of: "IDAT").bytes, "IDAT", "CRC error")
        let stream = Self.paletteFile.stream
        let idats = stream.chunks.indices.filter { stream.chunks[$0].typeName == "IDAT" }
        #expect(idats.count == 3)
        for index in idats {
            var broken = stream
            broken.chunks[index].crcOverride = broken.chunks[index].correctCRC ^ 0x8000_0000
            Self.expectInvalid(broken.bytes, "IDAT", "CRC error")
        }
    }

    @Test("wrong PLTE and IEND CRCs throw too: they are critical chunks")
    func otherCriticalCRCs() {
        Self.expectInvalid(Self.paletteFile.stream.corruptingCRC(of: "PLTE").bytes, "PLTE", "CRC error")
        Self.expectInvalid(Self.grey.stream.corruptingCRC(of: "IEND").bytes, "IEND", "CRC error")
    }

    // MARK: zlib

    @Test("corrupted zlib data throws zlib's reason")
    func corruptedZlib() {
        let stream = Self.grey.stream
        // FCHECK: 0x7802 is not a multiple of 31.
        Self.expectInvalid(stream.modifyingData(of: "IDAT") { $0[1] = 0x02 }.bytes, "IDAT", "incorrect header check")
        // Compression method 9 instead of 8 (deflate), with FCHECK still valid: 0x7918 = 31 * 1000.
        Self.expectInvalid(stream.modifyingData(of: "IDAT") { $0[0] = 0x79; $0[1] = 0x18 }.bytes, "IDAT",
                           "compression method")
        // NLEN is no longer the complement of LEN.
        Self.expectInvalid(stream.modifyingData(of: "IDAT") { $0[5] ^= 0xFF }.bytes, "IDAT", "invalid stored block lengths")
        // BTYPE 11 is reserved.
        Self.expectInvalid(stream.modifyingData(of: "IDAT") { $0[2] = 0x07 }.bytes, "IDAT", "invalid block type")
        // The Adler-32 of the decompressed data is wrong.
        Self.expectInvalid(stream.modifyingData(of: "IDAT") { $0[$0.count - 1] ^= 0x01 }.bytes,
                           "IDAT", "incorrect data check")
    }

    @Test("IDAT data too short for the declared size throws 'Not enough image data'")
    func tooLittleImageData() {
        // A complete zlib stream holding 1 row where IHDR declares 2.
        let oneRow = PNGBuilder.grey(3, 1, [1, 2, 3]).stream.withIHDR(height: 2)
        Self.expectInvalid(oneRow.bytes, "Not enough image data")
        // The zlib stream stops inside its block (IDAT shortened, its CRC correct), then IEND.
        let cut = Self.grey.stream.modifyingData(of: "IDAT") { $0.removeLast(6) }
        Self.expectInvalid(cut.bytes, "Not enough image data")
        // An empty but valid zlib stream.
        let empty = Self.grey.stream.modifyingData(of: "IDAT") { $0 = PNGBytes.zlibStored([]) }
        Self.expectInvalid(empty.bytes, "Not enough image data")
    }

    @Test("a row with filter type 5 throws")
    func badFilterType() {
        // The scanlines are rebuilt, so the zlib stream and its Adler-32 stay valid.
        for row in 0..<2 {
            var scanlines = Self.grey.scanlines()
            scanlines[row * 4] = 5
            let bytes = Self.grey.stream.modifyingData(of: "IDAT") { $0 = PNGBytes.zlibStored(scanlines) }.bytes
            Self.expectInvalid(bytes, "bad adaptive filter value")
        }
    }

    // MARK: Decompression bombs and pixel limits

    @Test("an IHDR declaring 100000x100000 with a tiny IDAT is refused before allocating")
    func decompressionBomb() throws {
        let bomb = Self.grey.stream.withIHDR(width: 100_000, height: 100_000).bytes
        #expect(bomb.count < 100)
        #expect(Self.decodeError(bomb) == .tooManyPixels(width: 100_000, height: 100_000, limit: 100_000_000))
        let error = try #require(Self.decodeError(bomb))
        #expect(error.description.contains("100000x100000"))
        // The header alone is readable when no limit is asked for.
        let header = try PNG.header(of: bomb)
        #expect(header.width == 100_000 && header.height == 100_000 && header.decodedChannels == 1)
        #expect(throws: PNGError.tooManyPixels(width: 100_000, height: 100_000, limit: 100_000_000)) {
            try PNG.header(of: bomb, maxPixels: PNG.DecodingOptions.defaultMaxPixels)
        }
    }

    @Test("the largest IHDR PNG allows, 2^31 - 1 on each side, is refused without overflow")
    func largestDeclaredSize() {
        let bytes = Self.grey.stream.withIHDR(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF).bytes
        #expect(Self.decodeError(bytes)
                == .tooManyPixels(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, limit: 100_000_000))
    }

    @Test("maxPixels refuses a smaller image above it and accepts one exactly at it")
    func pixelLimit() throws {
        let builder = PNGBuilder.grey(4, 3, Array(0..<12).map { UInt16($0 * 20) })
        let bytes = builder.bytes
        #expect(Self.decodeError(bytes, options: .init(maxPixels: 11)) == .tooManyPixels(width: 4, height: 3, limit: 11))
        #expect(Self.decodeError(bytes, options: .init(maxPixels: 1)) == .tooManyPixels(width: 4, height: 3, limit: 1))
        let image = try PNG.decode(bytes, options: .init(maxPixels: 12))
        #expect(image.pixels == (0..<12).map { UInt8($0 * 20) })
        #expect(throws: PNGError.tooManyPixels(width: 4, height: 3, limit: 11)) { try PNG.header(of: bytes, maxPixels: 11) }
        #expect(try PNG.header(of: bytes, maxPixels: 12).width == 4)
        // A 1x1 image at a limit of 1.
        #expect(try PNG.decode(PNGBuilder.grey(1, 1, [7]).bytes, options: .init(maxPixels: 1)).pixels == [7])
    }

    // MARK: Invalid headers and chunk order

    @Test("IHDR values PNG forbids throw 'Invalid IHDR data'", arguments: [
        ("width 0", Self.grey.stream.withIHDR(width: 0)),
        ("height 0", Self.grey.stream.withIHDR(height: 0)),
        ("bit depth 3", Self.grey.stream.withIHDR(bitDepth: 3)),
        ("colour type 5", Self.grey.stream.withIHDR(colourType: 5)),
        ("RGB at 4 bits", Self.grey.stream.withIHDR(bitDepth: 4, colourType: 2)),
        ("palette at 16 bits", Self.paletteFile.stream.withIHDR(bitDepth: 16)),
        ("interlace method 2", Self.grey.stream.withIHDR(interlace: 2)),
        ("compression method 1", Self.grey.stream.modifyingData(of: "IHDR") { $0[10] = 1 }),
        ("filter method 1", Self.grey.stream.modifyingData(of: "IHDR") { $0[11] = 1 }),
    ])
    func invalidIHDR(label: String, stream: PNGStream) {
        Self.expectInvalid(stream.bytes, "Invalid IHDR data")
        #expect(throws: PNGError.invalid(reason: "Invalid IHDR data")) { try PNG.header(of: stream.bytes) }
    }

    @Test("a width of 2^31 or more is out of PNG's range")
    func widthOutOfRange() {
        Self.expectInvalid(Self.grey.stream.withIHDR(width: 0x8000_0000).bytes, "out of range")
    }

    @Test("missing or misplaced critical chunks throw")
    func chunkOrder() {
        Self.expectInvalid(Self.grey.stream.removing("IHDR").bytes, "Missing IHDR")
        Self.expectInvalid(Self.paletteFile.stream.removing("PLTE").bytes, "Missing PLTE")
        Self.expectInvalid(Self.grey.stream.removing("IDAT").bytes, "IEND", "out of place")
        Self.expectInvalid(Self.grey.stream.inserting(PNGChunk("ABCD", [1, 2]), before: "IDAT").bytes,
                           "ABCD", "critical chunk")
    }

    // MARK: Fuzzing by hand

    @Test("changing any single byte never crashes; in the signature or a critical chunk it always throws")
    func everySingleByteChange() {
        let stream = Self.paletteFile.stream
        let bytes = stream.bytes
        let trns = stream.offset(ofFirst: "tRNS")!
        let trnsRange = trns..<trns + stream.chunks(ofType: "tRNS")[0].bytes.count
        for offset in bytes.indices {
            for change in [{ (byte: UInt8) in byte ^ 0xFF }, { $0 ^ 0x01 }, { _ in 0 }] {
                var broken = bytes
                broken[offset] = change(broken[offset])
                if broken == bytes { continue }
                switch Result(catching: { () throws(PNGError) in try PNG.decode(broken) }) {
                case .success(let image):
                    // Only a damaged ancillary chunk may be skipped, as the specification allows.
                    #expect(trnsRange.contains(offset), "a change at \(offset) went unnoticed")
                    #expect(image.pixels.count == image.width * image.height * image.channels)
                case .failure(let error):
                    guard case .invalid(let reason) = error else {
                        Issue.record("change at \(offset): expected .invalid, got \(error)")
                        continue
                    }
                    #expect(!reason.isEmpty)
                }
            }
        }
    }

    @Test("ancillary chunks of any size, before and after IDAT, change nothing; tRNS still applies")
    func ancillaryChunksAreSkipped() throws {
        // 9 MB of text is above libpng's 8 MB chunk limit, which on read only warns: it used to
        // be read into memory whole (and a declared 2 GB allocated up front) before being dropped.
        let text = Array("Comment\0\0\0en\0Comment\0".utf8) + [UInt8](repeating: 0x61, count: 9_000_000)
        let profile = Array("junk\0\0".utf8) + [UInt8](repeating: 0xEE, count: 1000)  // not zlib data
        let original = Self.paletteFile.stream
        var padded = original
        let firstIDAT = try #require(padded.chunks.firstIndex { $0.typeName == "IDAT" })
        padded.chunks.insert(contentsOf: [PNGChunk("iTXt", text), PNGChunk("iCCP", profile),
                                          PNGChunk("zTXt", Array("Title\0\0".utf8) + [1, 2, 3]),
                                          PNGChunk("ruSt", [UInt8](repeating: 7, count: 100))], at: firstIDAT)
        padded.chunks.insert(PNGChunk("tEXt", Array("Author\0nobody".utf8)), at: padded.chunks.count - 1)
        let expected = try PNG.decode(original.bytes)
        let decoded = try PNG.decode(padded.bytes)
        #expect(decoded.channels == 4)  // the palette's tRNS became alpha
        #expect(decoded.pixels == expected.pixels)
        #expect(try PNG.header(of: padded.bytes).width == 5)
    }

    @Test("fuzz-png's input (Fixtures/fuzz/png-*): a text chunk declaring 2 GB in a 808-byte file throws, never allocated")
    func fuzzRegressions() throws {
        let folder = TestData.packageRoot.appendingPathComponent("Tests/AugmentTests/Fixtures/fuzz")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("png-") }.sorted()
        #expect(!names.isEmpty)
        for name in names {
            let bytes = try TestData.bytes(of: folder.appendingPathComponent(name))
            let error = try #require(Self.decodeError(bytes), "\(name) decoded")
            guard case .invalid(let reason) = error else {
                Issue.record("\(name): expected .invalid, got \(error)")
                continue
            }
            #expect(!reason.isEmpty)
        }
    }

    @Test("random bytes behind a valid signature and IHDR never crash")
    func randomTails() {
        var generator = SeededGenerator(seed: 0x5EED_0001)
        let prefix = Array(Self.grey.bytes.prefix(33))  // signature + IHDR chunk
        for trial in 0..<300 {
            let length = Int(generator.next() % 200)
            let tail = generator.bytes(length)
            let input = trial.isMultiple(of: 2) ? prefix + tail : PNGBytes.signature + tail
            guard let error = Self.decodeError(input) else {
                Issue.record("random tail \(trial) decoded")
                continue
            }
            guard case .invalid(let reason) = error, !reason.isEmpty else {
                Issue.record("random tail \(trial): \(error)")
                continue
            }
        }
    }
}
