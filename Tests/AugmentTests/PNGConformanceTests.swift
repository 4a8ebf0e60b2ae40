import Foundation
import Testing
@testable import Augment

/// PngSuite (../shared/data/pngsuite): every valid file must decode exactly as the independent
/// pure-Swift `ReferencePNGDecoder` decodes it, every corrupt file must be refused with libpng's
/// own message, and pictures stored several ways must agree.
@Suite("PngSuite conformance", .enabled(if: TestData.pngSuite != nil, Comment(rawValue: TestData.absentNote)))
struct PNGConformanceTests {
    // MARK: - Helpers

    static func folder() throws -> URL { try #require(TestData.pngSuite, "PngSuite is absent") }

    static func bytes(_ name: String) throws -> [UInt8] {
        try TestData.bytes(of: folder().appendingPathComponent("\(name).png"))
    }

    /// Names (without `.png`) of every PNG in the suite folder, sorted.
    static func allNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder().path)
            .filter { $0.hasSuffix(".png") }
            .map { String($0.dropLast(4)) }
            .sorted()
    }

    /// The valid files: all except the corrupt `x*.png`.
    static func validNames() throws -> [String] { try allNames().filter { !$0.hasPrefix("x") } }

    static func decode(_ name: String) throws -> Image { try PNG.decode(bytes(name)) }
    static func reference(_ name: String) throws -> Image { try ReferencePNGDecoder.decode(bytes(name)) }

    /// nil when equal, else where they first differ.
    static func difference(_ actual: Image, _ expected: Image) -> String? {
        guard actual.width == expected.width, actual.height == expected.height,
              actual.channels == expected.channels else {
            return "got \(actual), expected \(expected)"
        }
        guard let index = actual.pixels.indices.first(where: { actual.pixels[$0] != expected.pixels[$0] })
        else { return nil }
        let pixel = index / actual.channels
        let (x, y) = (pixel % actual.width, pixel / actual.width)
        let differing = (0..<actual.pixels.count).count { actual.pixels[$0] != expected.pixels[$0] }
        return "first difference at x=\(x) y=\(y): got \(Array(actual[x, y])), expected \(Array(expected[x, y]))"
            + " (\(differing) of \(actual.pixels.count) bytes differ)"
    }

    // MARK: - 1. Valid files against the reference decoder

    @Test("all 162 valid files decode exactly as the independent reference decoder decodes them")
    func validFilesMatchReference() throws {
        let names = try Self.validNames()
        // 161 test images + PngSuite.png: a missing file must not pass silently.
        #expect(names.count == 162, "expected 162 valid PngSuite files, found \(names.count)")
        var mismatches: [String] = []
        for name in names {
            let bytes = try Self.bytes(name)
            let expected: Image
            do {
                expected = try ReferencePNGDecoder.decode(bytes)
            } catch {
                mismatches.append("\(name): the reference decoder failed: \(error)")
                continue
            }
            do {
                let actual = try PNG.decode(bytes)
                if let difference = Self.difference(actual, expected) { mismatches.append("\(name): \(difference)") }
            } catch {
                mismatches.append("\(name): PNG.decode threw \(error)")
            }
        }
        #expect(mismatches.count == 0,
                "\(mismatches.count) of \(names.count) files differ:\n\(mismatches.joined(separator: "\n"))")
    }

    @Test("PNG.header agrees with the reference decoder's IHDR and tRNS on every valid file")
    func headersMatchReference() throws {
        for name in try Self.validNames() {
            let bytes = try Self.bytes(name)
            let header = try PNG.header(of: bytes)
            let raw = try ReferencePNGDecoder.decodeRaw(bytes)
            let decoded = try ReferencePNGDecoder.expand(raw)
            #expect(header.width == raw.header.width, "\(name)")
            #expect(header.height == raw.header.height, "\(name)")
            #expect(header.bitDepth == raw.header.bitDepth, "\(name)")
            #expect(header.colorType.rawValue == raw.header.colorType, "\(name)")
            #expect(header.interlaced == raw.header.interlaced, "\(name)")
            #expect(header.hasTransparency == (raw.transparency != nil), "\(name)")
            #expect(header.decodedChannels == decoded.channels, "\(name)")
        }
    }

    // MARK: - 2. Corrupt files

    /// PngSuite's corrupt files and libpng 1.6's message for each, from the suite's SOURCE.md table.
    static let corruptFiles: [(name: String, message: String)] = [
        ("xs1n0g01", "Not a PNG file"),  // signature byte 1 MSBit reset to zero
        ("xs2n0g01", "Not a PNG file"),  // signature byte 2 is a 'Q'
        ("xs4n0g01", "Not a PNG file"),  // signature byte 4 lowercase
        ("xs7n0g01", "PNG file corrupted by ASCII conversion"),  // 7th byte a space instead of ^Z
        ("xcrn0g04", "PNG file corrupted by ASCII conversion"),  // added CR bytes
        ("xlfn0g04", "PNG file corrupted by ASCII conversion"),  // added LF bytes
        ("xhdn0g08", "IHDR: CRC error"),  // incorrect IHDR checksum
        ("xc1n0g08", "Invalid IHDR data"),  // colour type 1
        ("xc9n2c08", "Invalid IHDR data"),  // colour type 9
        ("xd0n2c08", "Invalid IHDR data"),  // bit depth 0
        ("xd3n2c08", "Invalid IHDR data"),  // bit depth 3
        ("xd9n2c08", "Invalid IHDR data"),  // bit depth 99
        ("xdtn0g01", "IEND: out of place"),  // missing IDAT chunk
        ("xcsn0g01", "IDAT: CRC error"),  // incorrect IDAT checksum
    ]

    @Test("the suite holds exactly the 14 corrupt files of the table")
    func corruptFilesPresent() throws {
        let present = try Self.allNames().filter { $0.hasPrefix("x") }
        #expect(present == Self.corruptFiles.map(\.name).sorted())
    }

    @Test("each corrupt file is refused with libpng's message", arguments: corruptFiles)
    func corruptFileRejected(name: String, message: String) throws {
        let bytes = try Self.bytes(name)
        #expect(throws: PNGError.invalid(reason: message)) { try PNG.decode(bytes) }
    }

    @Test("a bad IDAT checksum passes the header read and fails only in the pixel read")
    func idatCRCFailsLate() throws {
        let bytes = try Self.bytes("xcsn0g01")
        let header = try PNG.header(of: bytes)
        #expect(header.width == 32 && header.height == 32 && header.bitDepth == 1 && header.colorType == .grey)
        #expect(throws: PNGError.invalid(reason: "IDAT: CRC error")) { try PNG.decode(bytes) }
    }

    // MARK: - 3. Interlaced files against their non-interlaced twins

    @Test("every Adam7-interlaced file decodes as its non-interlaced twin")
    func interlacedMatchTwins() throws {
        let names = try Self.validNames()
        let available = Set(names)
        let interlaced = names.filter { $0.count == 8 && Array($0)[3] == "i" }
        #expect(interlaced.count == 35, "PngSuite has 35 interlaced files, found \(interlaced.count)")
        var pairs = 0
        for name in interlaced {
            var twin = Array(name)
            twin[3] = "n"
            guard available.contains(String(twin)) else { continue }  // bgai4a08 and bgai4a16 have none
            pairs += 1
            let twinImage = try Self.decode(String(twin))
            let interlacedImage = try Self.decode(name)
            #expect(Self.difference(interlacedImage, twinImage) == nil,
                    "\(name) vs \(String(twin)): \(Self.difference(interlacedImage, twinImage) ?? "")")
            // The header agrees on everything but the interlacing.
            var header = try PNG.header(of: Self.bytes(name))
            #expect(header.interlaced)
            header.interlaced = false
            #expect(header == (try PNG.header(of: Self.bytes(String(twin)))), "\(name)")
        }
        // 15 basi* + 18 s??i*; only bgai4a08 and bgai4a16 lack a twin.
        #expect(pairs == 33)
    }

    // MARK: - 4. The same picture stored at different depths or colour types

    /// Pairs that PngSuite stores as the same picture in two different formats, found by comparing
    /// every pair of files (not assumed from the names). The basn* files of different depths or
    /// colour types (basn0g08 / basn0g16, basn2c08 / basn2c16, basn3p08 / basn2c08 ...) are
    /// *different* pictures, each a gradient designed for its own format, so they are not here.
    static let crossFormatPairs: [(first: String, second: String, tolerance: Int, why: String)] = [
        ("basn2c16", "z00n2c08", 1, "RGB 16-bit vs RGB 8-bit"),
        ("basn2c16", "z09n2c08", 1, "RGB 16-bit vs RGB 8-bit"),
        ("cs3n2c16", "cs8n2c08", 1, "RGB 16-bit (13 significant bits) vs RGB 8-bit"),
        ("cs3n2c16", "cs8n3p08", 1, "RGB 16-bit vs 8-bit palette"),
        ("tbbn2c16", "tbrn2c08", 1, "RGB 16-bit + tRNS vs RGB 8-bit + tRNS: alpha too"),
        ("cs8n2c08", "cs8n3p08", 0, "RGB 8-bit vs 8-bit palette"),
        ("cs5n2c08", "cs5n3p08", 0, "RGB 8-bit (5 significant bits) vs 8-bit palette"),
    ]

    @Test("the same picture at different bit depths or colour types decodes alike (16-bit within 1)",
          arguments: crossFormatPairs)
    func crossFormatAgreement(first: String, second: String, tolerance: Int, why: String) throws {
        let a = try Self.decode(first)
        let b = try Self.decode(second)
        #expect(a.width == b.width && a.height == b.height && a.channels == b.channels,
                "\(first) is \(a), \(second) is \(b)")
        guard a.pixels.count == b.pixels.count else { return }
        let worst = zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= tolerance, "\(first) vs \(second) (\(why)): differ by up to \(worst)")
    }

    /// Groups that store one picture in one format, differing only in how: IDAT split into several
    /// chunks (oi*), zlib level (z*), ancillary chunks (ps*, pp*, ch*, cm*, ct*), bKGD (bg*, tb*).
    static let samePictureGroups: [[String]] = [
        ["basn0g16", "oi1n0g16", "oi2n0g16", "oi4n0g16", "oi9n0g16"],
        ["basn2c16", "oi1n2c16", "oi2n2c16", "oi4n2c16", "oi9n2c16", "pp0n2c16", "ps1n2c16", "ps2n2c16"],
        ["z00n2c08", "z03n2c08", "z06n2c08", "z09n2c08"],
        ["basn0g08", "ps1n0g08", "ps2n0g08"],
        ["basn3p04", "ch1n3p04"],
        ["basn3p08", "ch2n3p08"],
        ["basn4a08", "bgai4a08", "bgbn4a08"],
        ["basn4a16", "bgai4a16", "bggn4a16"],
        ["basn6a08", "bgan6a08", "bgwn6a08"],
        ["basn6a16", "bgan6a16", "bgyn6a16"],
        ["cm0n0g04", "cm7n0g04", "cm9n0g04", "ct0n0g04", "ct1n0g04", "ctzn0g04"],
        ["tbbn2c16", "tbgn2c16"],
        ["tbbn3p08", "tbgn3p08", "tbwn3p08", "tbyn3p08", "tp1n3p08"],
    ]

    @Test("one picture stored with different chunks, IDAT splits or zlib levels decodes identically",
          arguments: samePictureGroups)
    func samePictureGroup(_ names: [String]) throws {
        let first = try Self.decode(names[0])
        for name in names.dropFirst() {
            let other = try Self.decode(name)
            #expect(Self.difference(other, first) == nil,
                    "\(name) vs \(names[0]): \(Self.difference(other, first) ?? "")")
        }
    }

    // MARK: - 5. Hand-checked pixels and headers

    @Test("g03n2c08 gives the stored 76, not the gamma-corrected 53 of libpng's simplified API")
    func noGammaCorrection() throws {
        // gAMA is 0.35. Pixel (8, 1) stores (76, 76, 255) (hex dump of the unfiltered IDAT). libpng's
        // simplified API (png_image_finish_read, RGBA) gives (53, 53, 255) there: it converts to sRGB,
        // 255 * (76/255)^(0.45455/0.35) = 52.9. The contract is the stored values.
        let raw = try ReferencePNGDecoder.decodeRaw(Self.bytes("g03n2c08"))
        #expect(Array(raw.sample(x: 8, y: 1)) == [76, 76, 255])
        let image = try Self.decode("g03n2c08")
        #expect(Array(image[8, 1]) == [76, 76, 255])
    }

    @Test("basn2c16's 16-bit samples are scaled with rounding, (v * 255 + 32895) >> 16")
    func sixteenBitScaling() throws {
        let raw = try ReferencePNGDecoder.decodeRaw(Self.bytes("basn2c16"))
        let image = try Self.decode("basn2c16")
        // Red at (8, 0) stores 48623 (0xBDEF): 48623 * 255 = 12398865, + 32895 = 12431760,
        // / 65536 = 189.69, so 189. (The simplified API gives 223 here: it applies gAMA 1.0 -> sRGB.)
        #expect(raw.sample(x: 8, y: 0).first == 48623)
        #expect(image[8, 0].first == 189)
        // Red at (3, 0) stores 59193: 59193 * 255 + 32895 = 15127110, >> 16 = 230 (230.8);
        // truncation (v >> 8) would give 231.
        #expect(raw.sample(x: 3, y: 0).first == 59193)
        #expect(image[3, 0].first == 230)
        // Red at (24, 0) stores 14798: 14798 * 255 + 32895 = 3806385, >> 16 = 58 (58.08);
        // truncation would give 57.
        #expect(raw.sample(x: 24, y: 0).first == 14798)
        #expect(image[24, 0].first == 58)
    }

    @Test("low bit depths expand to 0-255; palette indices are looked up, not scaled")
    func lowBitDepths() throws {
        // Row 0 of each is stored with filter 0; its bytes read from a hex dump of the inflated IDAT.
        // basn0g01: ff ff ff fe -> 31 ones then a zero.
        let g1 = try Self.decode("basn0g01")
        #expect(g1.pixels[0..<8] == [255, 255, 255, 255, 255, 255, 255, 255])
        #expect(g1[31, 0] == [0])
        // basn0g02: 00 55 aa ff -> samples 0 x4, 1 x4, 2 x4, 3 x4 -> 0, 85, 170, 255.
        let g2 = try Self.decode("basn0g02")
        #expect(Array(g2.pixels[0..<16]) == [0, 0, 0, 0, 85, 85, 85, 85, 170, 170, 170, 170, 255, 255, 255, 255])
        // basn0g04: 00 00 11 11 ... 77 77 -> samples 0,0,0,0, 1,1,1,1, ... 7 -> v * 17.
        let g4 = try Self.decode("basn0g04")
        let expectedRow: [UInt8] = (0..<32).map { x in UInt8(x / 4 * 17) }
        #expect(Array(g4.pixels[0..<32]) == expectedRow)
        // basn3p02: PLTE 00ff00 ff0000 ffff00 0000ff; row 0 ff 55 aa 00 -> indices 3, 1, 2, 0 by fours.
        let p2 = try Self.decode("basn3p02")
        #expect(p2.channels == 3)
        #expect(p2[0, 0] == [0, 0, 255])
        #expect(p2[4, 0] == [255, 0, 0])
        #expect(p2[8, 0] == [255, 255, 0])
        #expect(p2[12, 0] == [0, 255, 0])
        // s01i3p01: a 1x1 interlaced palette image, index 0 of PLTE 0000ff.
        let single = try Self.decode("s01i3p01")
        #expect(single.width == 1 && single.height == 1 && single.pixels == [0, 0, 255])
    }

    @Test("tRNS becomes alpha: 0 on the transparent colour, 255 elsewhere")
    func transparency() throws {
        // tbbn0g04: 4-bit grey, tRNS grey 15 (000f); row 0 is all 15 -> (255, 0).
        let grey4 = try Self.decode("tbbn0g04")
        #expect(grey4.channels == 2)
        #expect(grey4[0, 0] == [255, 0])
        #expect(grey4.pixels.enumerated().contains { $0.offset % 2 == 1 && $0.element == 255 })
        // tbwn0g16: 16-bit grey, tRNS ffff; row 0 starts ffff -> (255, 0).
        let grey16 = try Self.decode("tbwn0g16")
        #expect(grey16.channels == 2 && grey16[0, 0] == [255, 0])
        // tbrn2c08: RGB, tRNS (255, 255, 255); row 0 starts white -> (255, 255, 255, 0).
        let rgb = try Self.decode("tbrn2c08")
        #expect(rgb.channels == 4 && rgb[0, 0] == [255, 255, 255, 0])
        // tbbn3p08: palette entry 0 is ffffff, tRNS holds one alpha (00); row 0 is index 0.
        // Entries past the end of tRNS are opaque.
        let palette = try Self.decode("tbbn3p08")
        #expect(palette.channels == 4 && palette[0, 0] == [255, 255, 255, 0])
        #expect(Set(stride(from: 3, to: palette.pixels.count, by: 4).map { palette.pixels[$0] }) == [0, 255])
        // tp0n3p08 has no tRNS, so stays RGB.
        #expect(try Self.decode("tp0n3p08").channels == 3)
    }

    static let headers: [(name: String, header: PNGHeader)] = [
        ("basn0g01", PNGHeader(width: 32, height: 32, bitDepth: 1, colorType: .grey, interlaced: false,
                               hasTransparency: false, decodedChannels: 1)),
        ("basi3p04", PNGHeader(width: 32, height: 32, bitDepth: 4, colorType: .palette, interlaced: true,
                               hasTransparency: false, decodedChannels: 3)),
        ("basn4a16", PNGHeader(width: 32, height: 32, bitDepth: 16, colorType: .greyAlpha, interlaced: false,
                               hasTransparency: false, decodedChannels: 2)),
        ("basi6a08", PNGHeader(width: 32, height: 32, bitDepth: 8, colorType: .rgba, interlaced: true,
                               hasTransparency: false, decodedChannels: 4)),
        ("basn2c16", PNGHeader(width: 32, height: 32, bitDepth: 16, colorType: .rgb, interlaced: false,
                               hasTransparency: false, decodedChannels: 3)),
        ("s07n3p02", PNGHeader(width: 7, height: 7, bitDepth: 2, colorType: .palette, interlaced: false,
                               hasTransparency: false, decodedChannels: 3)),
        ("s39i3p04", PNGHeader(width: 39, height: 39, bitDepth: 4, colorType: .palette, interlaced: true,
                               hasTransparency: false, decodedChannels: 3)),
        ("cdfn2c08", PNGHeader(width: 8, height: 32, bitDepth: 8, colorType: .rgb, interlaced: false,
                               hasTransparency: false, decodedChannels: 3)),
        ("cdhn2c08", PNGHeader(width: 32, height: 8, bitDepth: 8, colorType: .rgb, interlaced: false,
                               hasTransparency: false, decodedChannels: 3)),
        ("tbbn0g04", PNGHeader(width: 32, height: 32, bitDepth: 4, colorType: .grey, interlaced: false,
                               hasTransparency: true, decodedChannels: 2)),
        ("tbwn0g16", PNGHeader(width: 32, height: 32, bitDepth: 16, colorType: .grey, interlaced: false,
                               hasTransparency: true, decodedChannels: 2)),
        ("tbrn2c08", PNGHeader(width: 32, height: 32, bitDepth: 8, colorType: .rgb, interlaced: false,
                               hasTransparency: true, decodedChannels: 4)),
        ("tp1n3p08", PNGHeader(width: 32, height: 32, bitDepth: 8, colorType: .palette, interlaced: false,
                               hasTransparency: true, decodedChannels: 4)),
        ("tp0n3p08", PNGHeader(width: 32, height: 32, bitDepth: 8, colorType: .palette, interlaced: false,
                               hasTransparency: false, decodedChannels: 3)),
    ]

    @Test("PNG.header reads what a few files' names and chunks say", arguments: headers)
    func headerOfNamedFile(name: String, header: PNGHeader) throws {
        #expect(try PNG.header(of: Self.bytes(name)) == header)
    }

    @Test("every test image's name matches its header: interlacing, colour type, bit depth, s* size")
    func namesMatchHeaders() throws {
        // <feature:3><i|n><colour type digit><colour letter><bit depth:2>, e.g. basi0g01, s05n3p02.
        for name in try Self.validNames() where name != "PngSuite" {
            let letters = Array(name)
            let header = try PNG.header(of: Self.bytes(name))
            #expect(header.interlaced == (letters[3] == "i"), "\(name)")
            #expect(header.colorType.rawValue == Int(String(letters[4])), "\(name)")
            #expect(header.bitDepth == Int(String(letters[6...7])), "\(name)")
            if letters[0] == "s", let side = Int(String(letters[1...2])) {
                #expect(header.width == side && header.height == side, "\(name)")
            }
        }
    }
}
