/// PNG byte streams built from the PNG specification (ISO/IEC 15948, W3C PNG 2nd edition) and
/// RFC 1950/1951, with no libpng and no zlib: the signature, chunks with their CRC-32, IHDR,
/// stored (uncompressed) deflate blocks in a zlib wrapper with its Adler-32, sample packing at
/// every bit depth, the five row filters and Adam7 interlacing. Tests describe an image with
/// `PNGBuilder`, get its chunks as a `PNGStream`, and may then break the stream on purpose.

/// The colour types of the PNG specification (table 11.1), numbered as stored in IHDR.
enum PNGColourType: UInt8, CaseIterable, Sendable {
    case grey = 0, rgb = 2, palette = 3, greyAlpha = 4, rgba = 6

    /// Samples stored per pixel (a palette pixel stores one index).
    var samplesPerPixel: Int {
        switch self {
        case .grey, .palette: 1
        case .greyAlpha: 2
        case .rgb: 3
        case .rgba: 4
        }
    }
}

/// The five filter types of filter method 0 (specification section 9.2).
enum PNGRowFilter: UInt8, CaseIterable, Sendable {
    case none = 0, sub = 1, up = 2, average = 3, paeth = 4
}

// MARK: - Checksums and low-level encodings

enum PNGBytes {
    /// The 8-byte PNG signature (section 5.2).
    static let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]

    /// The CRC-32 table of the specification's annex D: reflected polynomial 0xEDB88320.
    static let crcTable: [UInt32] = (0..<256).map { (index: Int) -> UInt32 in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }

    /// CRC-32 as PNG computes it over a chunk's type and data: start at all ones, invert at the end.
    static func crc32<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// Adler-32 (RFC 1950 section 8.2): two sums modulo 65521, `b` in the high half.
    static func adler32<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func bigEndian16(_ value: UInt16) -> [UInt8] {
        [UInt8(value >> 8), UInt8(value & 0xFF)]
    }

    static func readBigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// A zlib stream (RFC 1950) holding `data` in stored deflate blocks (RFC 1951 section 3.2.4).
    ///
    /// Header 0x78 0x01: deflate with a 32 KiB window, no dictionary, fastest level; 0x7801 is a
    /// multiple of 31 as FCHECK requires. Each block is one byte (BFINAL in bit 0, BTYPE 00, the
    /// rest padding to the byte boundary), LEN and NLEN little-endian, then LEN bytes. Empty data
    /// still gets one final empty block. The trailer is the Adler-32 of `data`, big-endian.
    static func zlibStored(_ data: [UInt8], maxBlockSize: Int = 65535) -> [UInt8] {
        precondition((1...65535).contains(maxBlockSize), "a stored block holds 1 to 65535 bytes")
        var output: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + maxBlockSize, data.count)
            let length = UInt16(end - start)
            output.append(end == data.count ? 0x01 : 0x00)
            output += [UInt8(length & 0xFF), UInt8(length >> 8)]
            output += [UInt8(~length & 0xFF), UInt8(~length >> 8)]
            output += data[start..<end]
            start = end
        } while start < data.count
        output += bigEndian(adler32(data))
        return output
    }

    /// Packs one row of samples at `bitDepth` bits each (section 7.2): below 8 bits, most
    /// significant bits first with the last byte padded by zero bits; 16 bits big-endian.
    static func packRow(_ samples: [UInt16], bitDepth: Int) -> [UInt8] {
        switch bitDepth {
        case 8:
            return samples.map { UInt8($0) }
        case 16:
            return samples.flatMap { bigEndian16($0) }
        case 1, 2, 4:
            let perByte = 8 / bitDepth
            var bytes = [UInt8](repeating: 0, count: (samples.count + perByte - 1) / perByte)
            for (index, sample) in samples.enumerated() {
                precondition(Int(sample) < 1 << bitDepth, "sample \(sample) does not fit \(bitDepth) bits")
                let shift = 8 - bitDepth * (index % perByte + 1)
                bytes[index / perByte] |= UInt8(sample) << UInt8(shift)
            }
            return bytes
        default:
            preconditionFailure("bit depth \(bitDepth) is not a PNG bit depth")
        }
    }

    /// The Paeth predictor of section 9.4.
    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        if pb <= pc { return b }
        return c
    }

    /// Filters one packed row (section 9.2): the filter-type byte then the filtered bytes.
    /// `previous` is the unfiltered row above in the same pass (nil for a pass's first row, as
    /// if all zero); `bytesPerPixel` is the whole bytes per pixel, at least 1.
    static func filterRow(_ row: [UInt8], previous: [UInt8]?, bytesPerPixel: Int,
                          filter: PNGRowFilter) -> [UInt8] {
        var output: [UInt8] = [filter.rawValue]
        output.reserveCapacity(row.count + 1)
        for index in row.indices {
            let x = row[index]
            let a = index >= bytesPerPixel ? row[index - bytesPerPixel] : 0
            let b = previous?[index] ?? 0
            let c = index >= bytesPerPixel ? (previous?[index - bytesPerPixel] ?? 0) : 0
            let predicted: UInt8
            switch filter {
            case .none: predicted = 0
            case .sub: predicted = a
            case .up: predicted = b
            case .average: predicted = UInt8((Int(a) + Int(b)) / 2)
            case .paeth: predicted = paeth(a, b, c)
            }
            output.append(x &- predicted)
        }
        return output
    }

    /// The seven Adam7 passes (section 8.2): first column, first row, column step, row step.
    static let adam7: [(x: Int, y: Int, dx: Int, dy: Int)] = [
        (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2),
    ]
}

// MARK: - Chunks and streams

/// One chunk: length, type, data, CRC (section 5.3). The CRC and length are computed unless
/// overridden, which is how tests break them.
struct PNGChunk: Equatable, Sendable {
    var type: [UInt8]
    var data: [UInt8]
    /// Stored instead of the true CRC when set (a parsed chunk keeps the CRC it was read with).
    var crcOverride: UInt32?
    /// Stored instead of the true length when set.
    var lengthOverride: UInt32?

    init(_ type: String, _ data: [UInt8], crc: UInt32? = nil, length: UInt32? = nil) {
        precondition(type.utf8.count == 4, "a chunk type is four letters")
        self.init(typeBytes: Array(type.utf8), data, crc: crc, length: length)
    }

    init(typeBytes: [UInt8], _ data: [UInt8], crc: UInt32? = nil, length: UInt32? = nil) {
        precondition(typeBytes.count == 4, "a chunk type is four bytes")
        self.type = typeBytes
        self.data = data
        self.crcOverride = crc
        self.lengthOverride = length
    }

    var typeName: String { String(decoding: type, as: UTF8.self) }

    /// The CRC the specification requires: CRC-32 of the type and data bytes.
    var correctCRC: UInt32 { PNGBytes.crc32(type + data) }
    var storedCRC: UInt32 { crcOverride ?? correctCRC }
    var hasCorrectCRC: Bool { storedCRC == correctCRC }

    var bytes: [UInt8] {
        PNGBytes.bigEndian(lengthOverride ?? UInt32(data.count)) + type + data + PNGBytes.bigEndian(storedCRC)
    }
}

/// A signature and a list of chunks, serialised with `bytes`; the methods return broken copies.
struct PNGStream: Sendable {
    var signature: [UInt8] = PNGBytes.signature
    var chunks: [PNGChunk]
    /// Bytes written after the last chunk.
    var trailing: [UInt8] = []

    init(chunks: [PNGChunk]) { self.chunks = chunks }

    /// Splits a PNG file into chunks without checking CRCs (each chunk keeps its stored CRC);
    /// nil when the signature is wrong or a chunk runs past the end.
    init?(parsing bytes: [UInt8]) {
        guard bytes.count >= 8, Array(bytes[0..<8]) == PNGBytes.signature else { return nil }
        var chunks: [PNGChunk] = []
        var offset = 8
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else { return nil }
            let length = Int(PNGBytes.readBigEndian(bytes, at: offset))
            guard bytes.count - offset - 12 >= length else { return nil }
            let type = Array(bytes[offset + 4..<offset + 8])
            let data = Array(bytes[offset + 8..<offset + 8 + length])
            let crc = PNGBytes.readBigEndian(bytes, at: offset + 8 + length)
            chunks.append(PNGChunk(typeBytes: type, data, crc: crc))
            offset += 12 + length
        }
        self.chunks = chunks
    }

    var bytes: [UInt8] { signature + chunks.flatMap(\.bytes) + trailing }

    func chunks(ofType type: String) -> [PNGChunk] { chunks.filter { $0.typeName == type } }

    /// The offset in `bytes` where the first chunk of `type` starts (its length field).
    func offset(ofFirst type: String) -> Int? {
        var offset = signature.count
        for chunk in chunks {
            if chunk.typeName == type { return offset }
            offset += chunk.bytes.count
        }
        return nil
    }

    /// Every chunk of `type` stores a wrong CRC (the right one with its lowest bit flipped).
    func corruptingCRC(of type: String) -> PNGStream {
        var copy = self
        for index in copy.chunks.indices where copy.chunks[index].typeName == type {
            copy.chunks[index].crcOverride = copy.chunks[index].correctCRC ^ 1
        }
        return copy
    }

    /// Changes the data of every chunk of `type`; the CRC stays correct for the new data.
    func modifyingData(of type: String, _ change: (inout [UInt8]) -> Void) -> PNGStream {
        var copy = self
        for index in copy.chunks.indices where copy.chunks[index].typeName == type {
            change(&copy.chunks[index].data)
        }
        return copy
    }

    func removing(_ type: String) -> PNGStream {
        var copy = self
        copy.chunks.removeAll { $0.typeName == type }
        return copy
    }

    func inserting(_ chunk: PNGChunk, before type: String) -> PNGStream {
        var copy = self
        let index = copy.chunks.firstIndex { $0.typeName == type } ?? copy.chunks.endIndex
        copy.chunks.insert(chunk, at: index)
        return copy
    }

    /// The IHDR rewritten with other values (and a correct CRC): e.g. a decompression bomb.
    func withIHDR(width: UInt32? = nil, height: UInt32? = nil, bitDepth: UInt8? = nil,
                  colourType: UInt8? = nil, interlace: UInt8? = nil) -> PNGStream {
        modifyingData(of: "IHDR") { data in
            if let width { data.replaceSubrange(0..<4, with: PNGBytes.bigEndian(width)) }
            if let height { data.replaceSubrange(4..<8, with: PNGBytes.bigEndian(height)) }
            if let bitDepth { data[8] = bitDepth }
            if let colourType { data[9] = colourType }
            if let interlace { data[12] = interlace }
        }
    }

    /// The whole file cut after its first `count` bytes.
    func truncated(at count: Int) -> [UInt8] { Array(bytes.prefix(count)) }

    /// IHDR's 13 data bytes (section 11.2.2): width, height, bit depth, colour type, compression
    /// method 0, filter method 0, interlace method (0 none, 1 Adam7).
    static func ihdrData(width: UInt32, height: UInt32, bitDepth: UInt8, colourType: UInt8,
                         interlace: UInt8 = 0) -> [UInt8] {
        PNGBytes.bigEndian(width) + PNGBytes.bigEndian(height) + [bitDepth, colourType, 0, 0, interlace]
    }
}

// MARK: - Images

/// An image described by its stored samples, turned into a valid PNG stream.
struct PNGBuilder: Sendable {
    var width: Int
    var height: Int
    var bitDepth: Int
    var colourType: PNGColourType
    /// Row-major, interleaved samples as stored: `width * height * samplesPerPixel` values below
    /// `1 << bitDepth` (palette indices for `.palette`).
    var samples: [UInt16]
    /// PLTE: red, green, blue per entry.
    var palette: [[UInt8]] = []
    /// The raw tRNS data, if any (section 11.3.2.1).
    var transparency: [UInt8]?
    /// The filter of each row, cycled: row `i` of each pass uses `rowFilters[i % count]`.
    var rowFilters: [PNGRowFilter] = [.none]
    var interlaced = false
    /// The zlib stream is split across this many IDAT chunks.
    var idatChunks = 1
    /// The largest stored deflate block.
    var maxBlockSize = 65535

    init(width: Int, height: Int, bitDepth: Int, colourType: PNGColourType, samples: [UInt16]) {
        precondition(samples.count == width * height * colourType.samplesPerPixel,
                     "\(samples.count) samples do not fill \(width)x\(height) \(colourType)")
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.colourType = colourType
        self.samples = samples
    }

    // MARK: Convenience

    static func grey(_ width: Int, _ height: Int, bitDepth: Int = 8, _ samples: [UInt16],
                     transparentGrey: UInt16? = nil) -> PNGBuilder {
        var builder = PNGBuilder(width: width, height: height, bitDepth: bitDepth, colourType: .grey,
                                 samples: samples)
        if let transparentGrey { builder.transparency = PNGBytes.bigEndian16(transparentGrey) }
        return builder
    }

    static func greyAlpha(_ width: Int, _ height: Int, bitDepth: Int = 8, _ samples: [UInt16]) -> PNGBuilder {
        PNGBuilder(width: width, height: height, bitDepth: bitDepth, colourType: .greyAlpha, samples: samples)
    }

    static func rgb(_ width: Int, _ height: Int, bitDepth: Int = 8, _ samples: [UInt16],
                    transparentRGB: (UInt16, UInt16, UInt16)? = nil) -> PNGBuilder {
        var builder = PNGBuilder(width: width, height: height, bitDepth: bitDepth, colourType: .rgb,
                                 samples: samples)
        if let (red, green, blue) = transparentRGB {
            builder.transparency = PNGBytes.bigEndian16(red) + PNGBytes.bigEndian16(green)
                + PNGBytes.bigEndian16(blue)
        }
        return builder
    }

    static func rgba(_ width: Int, _ height: Int, bitDepth: Int = 8, _ samples: [UInt16]) -> PNGBuilder {
        PNGBuilder(width: width, height: height, bitDepth: bitDepth, colourType: .rgba, samples: samples)
    }

    /// A palette image: `indices` into `palette` (RGB triples), with tRNS `alphas` if given.
    static func palette(_ width: Int, _ height: Int, bitDepth: Int = 8, indices: [UInt16],
                        palette: [[UInt8]], alphas: [UInt8]? = nil) -> PNGBuilder {
        var builder = PNGBuilder(width: width, height: height, bitDepth: bitDepth, colourType: .palette,
                                 samples: indices)
        builder.palette = palette
        builder.transparency = alphas
        return builder
    }

    func filtered(_ filters: PNGRowFilter...) -> PNGBuilder {
        var copy = self
        copy.rowFilters = filters
        return copy
    }

    func interlacedAdam7(_ on: Bool = true) -> PNGBuilder {
        var copy = self
        copy.interlaced = on
        return copy
    }

    // MARK: Encoding

    var bitsPerPixel: Int { bitDepth * colourType.samplesPerPixel }
    /// Bytes per complete pixel, rounded up to 1: the distance the Sub, Average and Paeth filters look back.
    var filterBytesPerPixel: Int { max(1, bitsPerPixel / 8) }

    /// The samples of pixel (x, y).
    func pixel(_ x: Int, _ y: Int) -> ArraySlice<UInt16> {
        let perPixel = colourType.samplesPerPixel
        let start = (y * width + x) * perPixel
        return samples[start..<start + perPixel]
    }

    /// The filtered scanlines that are compressed into IDAT (sections 7.2, 8 and 9): one
    /// reduced image per Adam7 pass when interlaced, skipping passes with no pixel.
    func scanlines() -> [UInt8] {
        let passes = interlaced ? PNGBytes.adam7 : [(x: 0, y: 0, dx: 1, dy: 1)]
        var output: [UInt8] = []
        for pass in passes {
            let columns = Array(stride(from: pass.x, to: width, by: pass.dx))
            let rows = Array(stride(from: pass.y, to: height, by: pass.dy))
            if columns.isEmpty || rows.isEmpty { continue }
            var previous: [UInt8]?
            for (rowIndex, y) in rows.enumerated() {
                let rowSamples = columns.flatMap { pixel($0, y) }
                let packed = PNGBytes.packRow(rowSamples, bitDepth: bitDepth)
                let filter = rowFilters[rowIndex % rowFilters.count]
                output += PNGBytes.filterRow(packed, previous: previous, bytesPerPixel: filterBytesPerPixel,
                                             filter: filter)
                previous = packed
            }
        }
        return output
    }

    var ihdr: PNGChunk {
        PNGChunk("IHDR", PNGStream.ihdrData(width: UInt32(width), height: UInt32(height),
                                            bitDepth: UInt8(bitDepth), colourType: colourType.rawValue,
                                            interlace: interlaced ? 1 : 0))
    }

    /// IHDR, PLTE (if a palette is set), tRNS (if set), the IDAT chunks, IEND.
    var stream: PNGStream {
        var chunks = [ihdr]
        if !palette.isEmpty { chunks.append(PNGChunk("PLTE", palette.flatMap { $0 })) }
        if let transparency { chunks.append(PNGChunk("tRNS", transparency)) }
        let zlib = PNGBytes.zlibStored(scanlines(), maxBlockSize: maxBlockSize)
        let pieceSize = max(1, (zlib.count + idatChunks - 1) / idatChunks)
        for start in stride(from: 0, to: zlib.count, by: pieceSize) {
            chunks.append(PNGChunk("IDAT", Array(zlib[start..<min(start + pieceSize, zlib.count)])))
        }
        chunks.append(PNGChunk("IEND", []))
        return PNGStream(chunks: chunks)
    }

    var bytes: [UInt8] { stream.bytes }
}

// MARK: - Deterministic test data

/// SplitMix64: a seeded generator, so "random" test images are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(count)
        while output.count < count {
            var word = next()
            for _ in 0..<min(8, count - output.count) {
                output.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return output
    }
}

// MARK: - Expected decoding, from the specification

extension PNGBuilder {
    /// Whether a tRNS chunk marks some pixels transparent (the decoder then adds alpha).
    var hasTransparency: Bool { transparency != nil }

    /// The channels an 8-bit decoder delivers: palette becomes RGB, tRNS adds an alpha.
    var expectedChannels: Int {
        switch colourType {
        case .grey: hasTransparency ? 2 : 1
        case .greyAlpha: 2
        case .rgb, .palette: hasTransparency ? 4 : 3
        case .rgba: 4
        }
    }

    /// One stored sample as 8 bits: low depths scaled by 255 / (2^depth - 1) (exact for 1, 2, 4
    /// bits: x255, x85, x17), 16 bits to the nearest of v / 257 (never a tie, 257 being odd).
    func eightBit(_ sample: UInt16) -> UInt8 {
        let value = Int(sample)
        switch bitDepth {
        case 1, 2, 4: return UInt8(value * 255 / ((1 << bitDepth) - 1))
        case 8: return UInt8(value)
        default: return UInt8((2 * value + 257) / 514)
        }
    }

    /// The pixels an 8-bit decoder must deliver (sections 11.2.3, 11.3.2.1 and 12.5): the stored
    /// samples scaled to 8 bits, palette entries looked up, and tRNS turned into alpha, 0 where
    /// the full-precision stored value equals the tRNS value (for palettes: the tRNS entry,
    /// 255 beyond the tRNS length), 255 elsewhere.
    var expectedPixels: [UInt8] {
        let perPixel = colourType.samplesPerPixel
        var output: [UInt8] = []
        output.reserveCapacity(width * height * expectedChannels)
        let key: [UInt16]? = transparency.flatMap { data in
            colourType == .palette ? nil
                : stride(from: 0, to: data.count, by: 2).map { UInt16(data[$0]) << 8 | UInt16(data[$0 + 1]) }
        }
        for index in 0..<width * height {
            let stored = Array(samples[index * perPixel..<(index + 1) * perPixel])
            if colourType == .palette {
                let entry = Int(stored[0])
                output += palette[entry]
                if let alphas = transparency { output.append(entry < alphas.count ? alphas[entry] : 255) }
            } else {
                output += stored.map(eightBit)
                if let key { output.append(stored == key ? 0 : 255) }
            }
        }
        return output
    }
}

// MARK: - Reading back, without libpng

extension PNGBytes {
    /// Reverses the filters of `height` rows of `rowBytes` bytes each (section 9.2), given the
    /// decompressed IDAT data of a non-interlaced image; nil on a bad filter type or length.
    static func unfilter(_ data: [UInt8], rowBytes: Int, height: Int,
                         bytesPerPixel: Int) -> (rows: [UInt8], filters: [UInt8])? {
        guard data.count == height * (rowBytes + 1) else { return nil }
        var output = [UInt8](repeating: 0, count: rowBytes * height)
        var filters: [UInt8] = []
        for y in 0..<height {
            let filter = data[y * (rowBytes + 1)]
            guard filter <= 4 else { return nil }
            filters.append(filter)
            for i in 0..<rowBytes {
                let x = data[y * (rowBytes + 1) + 1 + i]
                let a = i >= bytesPerPixel ? output[y * rowBytes + i - bytesPerPixel] : 0
                let b = y > 0 ? output[(y - 1) * rowBytes + i] : 0
                let c = i >= bytesPerPixel && y > 0 ? output[(y - 1) * rowBytes + i - bytesPerPixel] : 0
                let predicted: UInt8
                switch filter {
                case 0: predicted = 0
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = UInt8((Int(a) + Int(b)) / 2)
                default: predicted = paeth(a, b, c)
                }
                output[y * rowBytes + i] = x &+ predicted
            }
        }
        return (output, filters)
    }
}
