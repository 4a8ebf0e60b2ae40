import CZlib
import Augment

/// An independent PNG decoder written for the tests, to check the libpng-based `PNG.decode`.
///
/// It follows the PNG specification (ISO/IEC 15948, W3C PNG 2nd edition) directly: signature,
/// chunks with their CRCs, IHDR / PLTE / tRNS / IDAT / IEND (other ancillary chunks skipped),
/// zlib inflate (borrowed from zlib, or `ReferenceInflater` to be independent of it too), the five
/// filters, Adam7, and the expansion
/// to 8 bits that `PNG.decode` promises:
///
/// * grey 1, grey+alpha 2, RGB 3, RGBA 4 channels; palette becomes RGB, or RGBA with tRNS;
/// * tRNS on grey or RGB becomes alpha: 0 where the stored sample(s) equal the tRNS colour, else 255;
/// * 16-bit samples scale as libpng's `png_set_scale_16`: `(v * 255 + 32895) >> 16`;
/// * 1/2/4-bit grey expands to 0-255 as `v * 255 / (2^depth - 1)`; palette indices are looked up;
/// * no gamma or colour correction.
///
/// It is a test oracle: plain and slow on purpose, and it only needs to handle valid files.
enum ReferencePNGDecoder {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// What IHDR says.
    struct Header: Equatable {
        var width: Int
        var height: Int
        var bitDepth: Int
        /// 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA.
        var colorType: Int
        var interlaced: Bool

        /// Samples per stored pixel (a palette index counts as one).
        var samplesPerPixel: Int {
            switch colorType {
            case 0, 3: 1
            case 2: 3
            case 4: 2
            default: 4
            }
        }

        var bitsPerPixel: Int { samplesPerPixel * bitDepth }
        /// The "bpp" of the filter definitions: bytes per complete pixel, at least 1.
        var filterBytesPerPixel: Int { max(1, bitsPerPixel / 8) }
        /// Bytes in one (unfiltered) scanline of a (sub)image `width` pixels wide.
        func rowBytes(width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }
    }

    /// The stored samples before any expansion: exactly what the file holds.
    struct RawImage {
        var header: Header
        /// `width * height * samplesPerPixel` samples, row by row, at the stored bit depth
        /// (palette indices for colour type 3).
        var samples: [UInt16]
        /// PLTE entries as (r, g, b).
        var palette: [(r: UInt8, g: UInt8, b: UInt8)]
        /// tRNS: palette alphas (type 3), or the transparent grey / RGB sample(s) (types 0, 2).
        var transparency: [UInt16]?

        /// The stored samples of the pixel at (`x`, `y`).
        func sample(x: Int, y: Int) -> ArraySlice<UInt16> {
            let start = (y * header.width + x) * header.samplesPerPixel
            return samples[start..<start + header.samplesPerPixel]
        }
    }

    // MARK: - Public entry points

    /// Who inflates the IDAT data: zlib's `uncompress`, or the tests' own `ReferenceInflater`.
    enum Inflater {
        case zlib, reference
    }

    /// Decodes to the 8-bit contract of `PNG.decode`.
    static func decode(_ bytes: [UInt8], inflater: Inflater = .zlib) throws -> Image {
        try expand(decodeRaw(bytes, inflater: inflater))
    }

    /// Decodes to the stored samples, unexpanded.
    static func decodeRaw(_ bytes: [UInt8], inflater: Inflater = .zlib) throws -> RawImage {
        let chunks = try readChunks(bytes)
        guard let first = chunks.first, first.type == "IHDR" else { throw Failure("IHDR is not first") }
        let header = try parseHeader(first.data)

        var palette: [(r: UInt8, g: UInt8, b: UInt8)] = []
        var transparency: [UInt16]?
        var compressed: [UInt8] = []
        var sawIEND = false
        for chunk in chunks.dropFirst() {
            switch chunk.type {
            case "PLTE":
                guard chunk.data.count % 3 == 0 else { throw Failure("PLTE length \(chunk.data.count)") }
                palette = stride(from: 0, to: chunk.data.count, by: 3).map {
                    (r: chunk.data[$0], g: chunk.data[$0 + 1], b: chunk.data[$0 + 2])
                }
            case "tRNS":
                transparency = try parseTransparency(chunk.data, header: header)
            case "IDAT":
                compressed += chunk.data
            case "IEND":
                sawIEND = true
            default:
                // Bit 5 of the first letter clear (upper case) means critical: we must understand it.
                if chunk.type.first!.isUppercase { throw Failure("unknown critical chunk \(chunk.type)") }
            }
        }
        guard sawIEND else { throw Failure("no IEND") }
        guard !compressed.isEmpty else { throw Failure("no IDAT") }
        if header.colorType == 3 && palette.isEmpty { throw Failure("palette image without PLTE") }

        let passes = passes(of: header)
        let expectedSize = passes.reduce(0) { total, pass in
            total + (pass.width == 0 || pass.height == 0 ? 0 : pass.height * (1 + header.rowBytes(width: pass.width)))
        }
        let filtered: [UInt8]
        switch inflater {
        case .zlib:
            filtered = try inflate(compressed, expectedSize: expectedSize)
        case .reference:
            filtered = try ReferenceInflater.decompressZlib(compressed)
            guard filtered.count == expectedSize else {
                throw Failure("inflated \(filtered.count) bytes, expected \(expectedSize)")
            }
        }

        var samples = [UInt16](repeating: 0, count: header.width * header.height * header.samplesPerPixel)
        var offset = 0
        for pass in passes where pass.width > 0 && pass.height > 0 {
            let rowBytes = header.rowBytes(width: pass.width)
            let size = pass.height * (1 + rowBytes)
            let rows = try unfilter(Array(filtered[offset..<offset + size]), rowBytes: rowBytes,
                                    height: pass.height, bytesPerPixel: header.filterBytesPerPixel)
            offset += size
            for (row, bytes) in rows.enumerated() {
                let rowSamples = unpack(bytes, count: pass.width * header.samplesPerPixel, bitDepth: header.bitDepth)
                let y = pass.y0 + row * pass.dy
                for column in 0..<pass.width {
                    let x = pass.x0 + column * pass.dx
                    for s in 0..<header.samplesPerPixel {
                        samples[(y * header.width + x) * header.samplesPerPixel + s] =
                            rowSamples[column * header.samplesPerPixel + s]
                    }
                }
            }
        }
        return RawImage(header: header, samples: samples, palette: palette, transparency: transparency)
    }

    // MARK: - 8-bit expansion

    /// A stored grey/colour/alpha sample (not a palette index) brought to 8 bits.
    static func to8Bits(_ value: UInt16, bitDepth: Int) -> UInt8 {
        switch bitDepth {
        case 16: UInt8((UInt32(value) * 255 + 32895) >> 16)
        case 8: UInt8(value)
        default: UInt8(UInt32(value) * 255 / ((1 << UInt32(bitDepth)) - 1))
        }
    }

    /// Applies the decoding contract to stored samples.
    static func expand(_ raw: RawImage) throws -> Image {
        let header = raw.header
        let depth = header.bitDepth
        var pixels: [UInt8] = []
        let channels: Int
        switch header.colorType {
        case 3:
            let alphas = raw.transparency
            channels = alphas == nil ? 3 : 4
            for index in raw.samples.map(Int.init) {
                guard index < raw.palette.count else { throw Failure("palette index \(index) out of range") }
                let entry = raw.palette[index]
                pixels += [entry.r, entry.g, entry.b]
                // Entries past the end of tRNS are opaque.
                if let alphas { pixels.append(index < alphas.count ? UInt8(alphas[index]) : 255) }
            }
        case 0, 2:
            let perPixel = header.samplesPerPixel
            channels = perPixel + (raw.transparency == nil ? 0 : 1)
            for start in stride(from: 0, to: raw.samples.count, by: perPixel) {
                let stored = Array(raw.samples[start..<start + perPixel])
                pixels += stored.map { to8Bits($0, bitDepth: depth) }
                if let key = raw.transparency { pixels.append(stored == key ? 0 : 255) }
            }
        default:  // 4, 6: every sample, alpha included, is scaled alike
            channels = header.samplesPerPixel
            pixels = raw.samples.map { to8Bits($0, bitDepth: depth) }
        }
        return Image(width: header.width, height: header.height, channels: channels, pixels: pixels)
    }

    // MARK: - Chunks

    struct Chunk {
        var type: String
        var data: [UInt8]
    }

    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    static func bigEndian32(_ bytes: [UInt8], at offset: Int) -> Int {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    }

    /// Splits the file into chunks, checking the signature and every CRC, up to IEND.
    static func readChunks(_ bytes: [UInt8]) throws -> [Chunk] {
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { throw Failure("bad signature") }
        var chunks: [Chunk] = []
        var offset = 8
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw Failure("truncated chunk header") }
            let length = bigEndian32(bytes, at: offset)
            guard offset + 12 + length <= bytes.count else { throw Failure("truncated chunk") }
            let typeBytes = Array(bytes[offset + 4..<offset + 8])
            let data = Array(bytes[offset + 8..<offset + 8 + length])
            let storedCRC = bigEndian32(bytes, at: offset + 8 + length)
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard storedCRC == crc(typeBytes + data) else { throw Failure("\(type): CRC error") }
            chunks.append(Chunk(type: type, data: data))
            offset += 12 + length
            if type == "IEND" { break }
        }
        return chunks
    }

    /// The CRC-32 of the chunk type and data (zlib's crc32 is the same CRC as PNG's).
    static func crc(_ bytes: [UInt8]) -> Int {
        let value = bytes.withUnsafeBufferPointer { buffer in
            crc32(0, buffer.baseAddress, uInt(buffer.count))
        }
        return Int(value)
    }

    static func parseHeader(_ data: [UInt8]) throws -> Header {
        guard data.count == 13 else { throw Failure("IHDR length \(data.count)") }
        let header = Header(width: bigEndian32(data, at: 0), height: bigEndian32(data, at: 4),
                            bitDepth: Int(data[8]), colorType: Int(data[9]), interlaced: data[12] == 1)
        let allowedDepths: [Int: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard header.width > 0, header.height > 0,
              allowedDepths[header.colorType]?.contains(header.bitDepth) == true,
              data[10] == 0, data[11] == 0, data[12] <= 1 else {
            throw Failure("invalid IHDR \(data)")
        }
        return header
    }

    static func parseTransparency(_ data: [UInt8], header: Header) throws -> [UInt16]? {
        switch header.colorType {
        case 3:
            return data.map(UInt16.init)
        case 0, 2:
            // One 16-bit big-endian value per sample, whatever the bit depth.
            guard data.count == 2 * header.samplesPerPixel else { throw Failure("tRNS length \(data.count)") }
            return stride(from: 0, to: data.count, by: 2).map { UInt16(data[$0]) << 8 | UInt16(data[$0 + 1]) }
        default:
            throw Failure("tRNS on a colour type with alpha")
        }
    }

    // MARK: - Inflate

    static func inflate(_ compressed: [UInt8], expectedSize: Int) throws -> [UInt8] {
        // One spare byte, so that a stream longer than expected is noticed rather than cut short.
        var output = [UInt8](repeating: 0, count: expectedSize + 1)
        var outputSize = uLongf(output.count)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &outputSize, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK else { throw Failure("zlib uncompress failed with status \(status)") }
        guard Int(outputSize) == expectedSize else {
            throw Failure("inflated \(outputSize) bytes, expected \(expectedSize)")
        }
        return Array(output[0..<expectedSize])
    }

    // MARK: - Filters

    static func paethPredictor(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return a }
        if pb <= pc { return b }
        return c
    }

    /// Undoes the per-row filters of one (sub)image: `data` holds `height` rows of a filter-type byte
    /// followed by `rowBytes` bytes. Returns the reconstructed rows.
    static func unfilter(_ data: [UInt8], rowBytes: Int, height: Int, bytesPerPixel bpp: Int) throws -> [[UInt8]] {
        var rows: [[UInt8]] = []
        var previous = [UInt8](repeating: 0, count: rowBytes)  // the row above the first is zeros
        for row in 0..<height {
            let start = row * (1 + rowBytes)
            let filterType = data[start]
            let filtered = data[start + 1..<start + 1 + rowBytes].map(Int.init)
            var current = [UInt8](repeating: 0, count: rowBytes)
            for i in 0..<rowBytes {
                let a = i >= bpp ? Int(current[i - bpp]) : 0   // left
                let b = Int(previous[i])                       // above
                let c = i >= bpp ? Int(previous[i - bpp]) : 0  // above left
                let predictor: Int
                switch filterType {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4: predictor = paethPredictor(a, b, c)
                default: throw Failure("filter type \(filterType) in row \(row)")
                }
                current[i] = UInt8((filtered[i] + predictor) & 0xFF)
            }
            rows.append(current)
            previous = current
        }
        return rows
    }

    /// The first `count` samples of a row: packed most significant bits first below 8 bits,
    /// big-endian at 16.
    static func unpack(_ bytes: [UInt8], count: Int, bitDepth: Int) -> [UInt16] {
        (0..<count).map { index in
            switch bitDepth {
            case 16:
                return UInt16(bytes[2 * index]) << 8 | UInt16(bytes[2 * index + 1])
            case 8:
                return UInt16(bytes[index])
            default:
                let bit = index * bitDepth
                let shift = 8 - bitDepth - bit % 8
                return UInt16((Int(bytes[bit / 8]) >> shift) & ((1 << bitDepth) - 1))
            }
        }
    }

    // MARK: - Adam7

    struct Pass {
        var x0: Int, y0: Int, dx: Int, dy: Int
        var width: Int, height: Int
    }

    /// The seven Adam7 passes (starting column/row and steps), or one pass covering everything.
    static func passes(of header: Header) -> [Pass] {
        guard header.interlaced else {
            return [Pass(x0: 0, y0: 0, dx: 1, dy: 1, width: header.width, height: header.height)]
        }
        let adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        return adam7.map { x0, y0, dx, dy in
            // Pixels x0, x0 + dx, ... below the width: ceil((width - x0) / dx), or none.
            Pass(x0: x0, y0: y0, dx: dx, dy: dy,
                 width: header.width > x0 ? (header.width - x0 + dx - 1) / dx : 0,
                 height: header.height > y0 ? (header.height - y0 + dy - 1) / dy : 0)
        }
    }
}
