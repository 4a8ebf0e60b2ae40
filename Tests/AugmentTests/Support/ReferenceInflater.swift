/// A zlib (RFC 1950) and DEFLATE (RFC 1951) decoder written for the tests from the RFCs alone,
/// in the manner of zlib's `puff.c`, so that streams the product writes are also checked by code
/// that shares nothing with zlib.
///
/// It is strict where zlib is lenient or where the RFCs leave room: it requires the zlib header's
/// check bits, no preset dictionary, the Adler-32 trailer, no bytes after it; a complete Huffman
/// code for the code lengths; complete literal/length and distance codes except DEFLATE's one
/// allowed case (a single code of length 1); a codable end-of-block; lengths and distances
/// within range and within the output; stored blocks' LEN and NLEN to agree.
///
/// Plain and slow on purpose (one bit at a time): a test oracle for small and medium streams.
enum ReferenceInflater {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// What a stream was made of, for tests that check how the encoder chose to write it.
    struct Statistics: Equatable {
        var storedBlocks = 0
        var fixedBlocks = 0
        var dynamicBlocks = 0
        var literals = 0
        var matches = 0
        /// The distances used by matches.
        var distances: Set<Int> = []
        /// The longest literal/length code of any dynamic block.
        var longestLiteralLengthCode = 0
    }

    /// Decompresses a whole zlib stream and returns its data.
    static func decompressZlib(_ stream: [UInt8]) throws -> [UInt8] {
        try decompressZlibWithStatistics(stream).data
    }

    static func decompressZlibWithStatistics(_ stream: [UInt8]) throws -> (data: [UInt8], statistics: Statistics) {
        guard stream.count >= 6 else { throw Failure("a zlib stream has at least 6 bytes, not \(stream.count)") }
        let cmf = Int(stream[0]), flg = Int(stream[1])
        guard cmf & 0x0F == 8, cmf >> 4 <= 7 else { throw Failure("CMF \(cmf): not deflate with a window of 32 KB or less") }
        guard (cmf << 8 | flg) % 31 == 0 else { throw Failure("FCHECK: CMF-FLG \(cmf << 8 | flg) is not a multiple of 31") }
        guard flg & 0x20 == 0 else { throw Failure("a preset dictionary is not allowed in PNG") }
        var reader = BitReader(bytes: stream, byteOffset: 2)
        var statistics = Statistics()
        let data = try inflate(&reader, statistics: &statistics)
        var offset = reader.byteOffsetAfterAligning()
        guard offset + 4 <= stream.count else { throw Failure("no room for the Adler-32 trailer") }
        let stored = stream[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        offset += 4
        guard stored == adler32(data) else { throw Failure("Adler-32 \(stored) stored, \(adler32(data)) computed") }
        guard offset == stream.count else { throw Failure("\(stream.count - offset) bytes after the zlib stream") }
        return (data, statistics)
    }

    /// Adler-32 from its definition (RFC 1950 section 9).
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    // MARK: - Bits

    struct BitReader {
        let bytes: [UInt8]
        var byteOffset: Int
        var bitOffset = 0  // within bytes[byteOffset], least significant first

        init(bytes: [UInt8], byteOffset: Int) {
            self.bytes = bytes
            self.byteOffset = byteOffset
        }

        mutating func bit() throws -> Int {
            guard byteOffset < bytes.count else { throw Failure("the stream ends inside a block") }
            let value = Int(bytes[byteOffset] >> UInt8(bitOffset)) & 1
            bitOffset += 1
            if bitOffset == 8 {
                bitOffset = 0
                byteOffset += 1
            }
            return value
        }

        /// `count` bits, the first read as the least significant.
        mutating func bits(_ count: Int) throws -> Int {
            var value = 0
            for index in 0..<count { value |= try bit() << index }
            return value
        }

        /// Skips to the next byte boundary; returns the offset of that byte.
        mutating func byteOffsetAfterAligning() -> Int {
            if bitOffset != 0 {
                bitOffset = 0
                byteOffset += 1
            }
            return byteOffset
        }
    }

    // MARK: - Huffman codes

    /// A canonical Huffman code (RFC 1951 3.2.2), decoded bit by bit as `puff.c` does.
    struct Code {
        var counts = [Int](repeating: 0, count: 16)  // codes of each length
        var symbols: [Int] = []  // by code length, then symbol number
        /// 0 complete, above 0 incomplete, below 0 over-subscribed.
        var left = 1

        init(lengths: [Int]) throws {
            for length in lengths {
                guard (0...15).contains(length) else { throw Failure("code length \(length)") }
                counts[length] += 1
            }
            counts[0] = 0
            for length in 1...15 {
                left = left * 2 - counts[length]
                if left < 0 { return }
            }
            for length in 1...15 {
                for (symbol, symbolLength) in lengths.enumerated() where symbolLength == length { symbols.append(symbol) }
            }
        }

        var usedCount: Int { counts.reduce(0, +) }

        func decode(_ reader: inout BitReader) throws -> Int {
            var code = 0, first = 0, index = 0
            for length in 1...15 {
                code |= try reader.bit()
                let count = counts[length]
                if code - first < count { return symbols[index + code - first] }
                index += count
                first = (first + count) << 1
                code <<= 1
            }
            throw Failure("no symbol has this code")
        }
    }

    static let lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                              35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBases = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    // MARK: - Blocks

    static func inflate(_ reader: inout BitReader, statistics: inout Statistics) throws -> [UInt8] {
        var output: [UInt8] = []
        var isFinal = false
        while !isFinal {
            isFinal = try reader.bit() == 1
            switch try reader.bits(2) {
            case 0:
                statistics.storedBlocks += 1
                var offset = reader.byteOffsetAfterAligning()
                guard offset + 4 <= reader.bytes.count else { throw Failure("stored block header cut short") }
                let length = Int(reader.bytes[offset]) | Int(reader.bytes[offset + 1]) << 8
                let complement = Int(reader.bytes[offset + 2]) | Int(reader.bytes[offset + 3]) << 8
                guard length == complement ^ 0xFFFF else { throw Failure("stored block LEN \(length), NLEN \(complement)") }
                offset += 4
                guard offset + length <= reader.bytes.count else { throw Failure("stored block cut short") }
                output += reader.bytes[offset..<offset + length]
                reader.byteOffset = offset + length
            case 1:
                statistics.fixedBlocks += 1
                let literal = try Code(lengths: Array(repeating: 8, count: 144) + Array(repeating: 9, count: 112)
                                       + Array(repeating: 7, count: 24) + Array(repeating: 8, count: 8))
                let distance = try Code(lengths: Array(repeating: 5, count: 30))
                try decodeSymbols(&reader, literal: literal, distance: distance, into: &output, statistics: &statistics)
            case 2:
                statistics.dynamicBlocks += 1
                let (literal, distance, longest) = try readDynamicCodes(&reader)
                statistics.longestLiteralLengthCode = max(statistics.longestLiteralLengthCode, longest)
                try decodeSymbols(&reader, literal: literal, distance: distance, into: &output, statistics: &statistics)
            default:
                throw Failure("block type 3 is reserved")
            }
        }
        return output
    }

    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    static func readDynamicCodes(_ reader: inout BitReader) throws -> (Code, Code, Int) {
        let literalCount = try reader.bits(5) + 257
        let distanceCount = try reader.bits(5) + 1
        let codeLengthCount = try reader.bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw Failure("HLIT \(literalCount), HDIST \(distanceCount)") }
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengthLengths[codeLengthOrder[index]] = try reader.bits(3) }
        let codeLengthCode = try Code(lengths: codeLengthLengths)
        guard codeLengthCode.left == 0 else { throw Failure("the code-length code is not complete (\(codeLengthCode.left))") }

        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try codeLengthCode.decode(&reader)
            switch symbol {
            case 0...15:
                lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw Failure("repeat with no previous length") }
                lengths += Array(repeating: previous, count: 3 + (try reader.bits(2)))
            case 17:
                lengths += Array(repeating: 0, count: 3 + (try reader.bits(3)))
            default:
                lengths += Array(repeating: 0, count: 11 + (try reader.bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw Failure("code lengths overrun HLIT + HDIST") }
        let literalLengths = Array(lengths[0..<literalCount])
        guard literalLengths[256] > 0 else { throw Failure("the end of block has no code") }
        let literal = try Code(lengths: literalLengths)
        let distance = try Code(lengths: Array(lengths[literalCount...]))
        // Incomplete codes are allowed only as a single code of one bit.
        for (name, code) in [("literal/length", literal), ("distance", distance)] {
            guard code.left >= 0 else { throw Failure("the \(name) code is over-subscribed") }
            guard code.left == 0 || (code.usedCount == 1 && code.counts[1] == 1) || code.usedCount == 0 else {
                throw Failure("the \(name) code is incomplete")
            }
        }
        return (literal, distance, literalLengths.max() ?? 0)
    }

    static func decodeSymbols(_ reader: inout BitReader, literal: Code, distance: Code, into output: inout [UInt8],
                              statistics: inout Statistics) throws {
        while true {
            let symbol = try literal.decode(&reader)
            if symbol < 256 {
                output.append(UInt8(symbol))
                statistics.literals += 1
                continue
            }
            if symbol == 256 { return }
            guard symbol <= 285 else { throw Failure("length symbol \(symbol)") }
            let length = lengthBases[symbol - 257] + (try reader.bits(lengthExtra[symbol - 257]))
            guard distance.usedCount > 0 else { throw Failure("a match in a block without distance codes") }
            let distanceSymbol = try distance.decode(&reader)
            guard distanceSymbol <= 29 else { throw Failure("distance symbol \(distanceSymbol)") }
            let backwards = distanceBases[distanceSymbol] + (try reader.bits(distanceExtra[distanceSymbol]))
            guard backwards <= output.count else { throw Failure("distance \(backwards) before the start") }
            for _ in 0..<length { output.append(output[output.count - backwards]) }
            statistics.matches += 1
            statistics.distances.insert(backwards)
        }
    }
}
