/// Compresses bytes into DEFLATE blocks the way PNG's filtered rows suit: every byte is a literal,
/// except that a run of zero bytes (the flat areas, repeated rows and filled corners of images)
/// becomes one literal zero followed by matches at distance 1. Each block gets Huffman codes built
/// from its own symbol counts (optimal Huffman codes, or nearly so where they must be cut to 14
/// bits); a block that would not shrink is stored instead.
///
/// There is no match search: one pass finds the zero runs and counts the symbols, a second writes
/// them with table look-ups. Runs are found where an 8-byte word is all zeros, then extended byte
/// by byte both ways, so every zero run of 15 bytes or more is found and shorter ones may be.
///
/// One instance serves many blocks (it keeps its tables); it is not thread-safe.
final class ZeroRunDeflater {
    /// Symbol counts of the block, in eight tables so that consecutive bytes do not wait on one
    /// another's increments; summed after the scan.
    private let partialCounts: UnsafeMutablePointer<UInt32>
    private static let partialTables = 8
    /// The longest literal/length code made: 14 bits, one under DEFLATE's 15, so that four
    /// literals go to the writer at a time (see `writeLiterals`).
    static let literalCodeLimit = 14
    /// The zero runs of the block: start and length, two entries each.
    private var runs: UnsafeMutablePointer<Int>
    private var runCapacity: Int
    /// Per block: a literal's code as `bits | count << 24`, and a match's (length code, extra bits
    /// and the one-bit distance code) the same way, indexed by match length.
    private let literalCodes: UnsafeMutablePointer<UInt32>
    private let matchCodes: UnsafeMutablePointer<UInt32>

    init() {
        partialCounts = .allocate(capacity: 256 * Self.partialTables)
        runCapacity = 0
        runs = .allocate(capacity: 0)
        literalCodes = .allocate(capacity: 256)
        matchCodes = .allocate(capacity: Deflate.longestMatch + 1)
        matchCodes.initialize(repeating: 0, count: Deflate.longestMatch + 1)
    }

    deinit {
        partialCounts.deallocate()
        runs.deallocate()
        literalCodes.deallocate()
        matchCodes.deallocate()
    }

    /// The most bytes `compress` writes for `count` input bytes given in `blocks` calls: their
    /// stored size (each block's bits are at most that; 42 bits of headers per stored piece of up
    /// to 65,535 bytes, rounded up to 6 bytes), plus one byte for the last partial one; not
    /// counting `DeflateBitWriter.slack`.
    static func bound(count: Int, blocks: Int) -> Int {
        count + 6 * (count / Deflate.largestStoredBlock + blocks) + 1
    }

    /// Compresses `count` bytes as one dynamic block or, if that would be no smaller, stored
    /// blocks; `isFinal` marks the last block of the stream.
    ///
    /// - Complexity: O(count), two passes over the bytes; building the codes adds a constant
    ///   (about 286 x 15 steps).
    /// - Precondition: `count >= 1`; the writer has room for `bound(count:blocks:)` plus slack.
    func compress(_ bytes: UnsafePointer<UInt8>, count: Int, isFinal: Bool, into writer: inout DeflateBitWriter) {
        precondition(count >= 1, "a block holds at least one byte")
        let runCount = findRunsAndCount(bytes, count: count)

        var frequencies = [UInt32](repeating: 0, count: Deflate.literalLengthSymbols)
        for table in 0..<Self.partialTables {
            for value in 0..<256 { frequencies[value] &+= partialCounts[table * 256 + value] }
        }
        var matches = 0
        for run in 0..<runCount {
            // The run's first zero stays a literal; the rest are matches, and a remainder under
            // the shortest match is literal zeros (`writeRun` does exactly the same).
            var remaining = runs[2 * run + 1] - 1
            frequencies[0] &+= 1
            while remaining >= Deflate.shortestMatch {
                let piece = min(remaining, Deflate.longestMatch)
                frequencies[Deflate.firstLengthSymbol + Int(Deflate.lengthCodes[piece] & 0xFF)] += 1
                matches += 1
                remaining -= piece
            }
            frequencies[0] &+= UInt32(remaining)
        }
        frequencies[Deflate.endOfBlock] = 1

        // Every block has a literal (its first byte) and the end of block: two symbols at least,
        // so the code is complete. Distances: codes 0 (distance 1) and 1 (unused), one bit each.
        let literalLengths = Deflate.codeLengths(frequencies: frequencies, limit: Self.literalCodeLimit)
        let distanceLengths: [UInt8] = [1, 1]
        let header = Deflate.DynamicHeader(literalLengths: literalLengths, distanceLengths: distanceLengths)
        var dynamicBits = header.bitCount + matches
        for symbol in 0..<Deflate.literalLengthSymbols where frequencies[symbol] > 0 {
            let extra = symbol > Deflate.endOfBlock ? Deflate.lengthExtraBits[symbol - Deflate.firstLengthSymbol] : 0
            dynamicBits += Int(frequencies[symbol]) * (Int(literalLengths[symbol]) + extra)
        }
        let storedPieces = (count + Deflate.largestStoredBlock - 1) / Deflate.largestStoredBlock
        // Per piece: BFINAL and BTYPE, at most 7 bits of padding, LEN and NLEN.
        let storedBits = storedPieces * (3 + 7 + 32) + 8 * count
        if storedBits <= dynamicBits {
            writeStored(bytes, count: count, isFinal: isFinal, into: &writer)
            return
        }

        let literalLengthCodes = Deflate.canonicalCodes(lengths: literalLengths)
        for value in 0..<256 {
            literalCodes[value] = UInt32(literalLengthCodes[value]) | UInt32(literalLengths[value]) << 24
        }
        for length in Deflate.shortestMatch...Deflate.longestMatch {
            let entry = Deflate.lengthCodes[length]
            let symbol = Deflate.firstLengthSymbol + Int(entry & 0xFF)
            let codeLength = UInt32(literalLengths[symbol])
            let extraCount = entry >> 8 & 0xFF
            // Code, extra bits, then distance code 0 (a single 0 bit, so nothing to set).
            matchCodes[length] = UInt32(literalLengthCodes[symbol]) | (entry >> 16) << codeLength
                | (codeLength + extraCount + 1) << 24
        }

        header.write(isFinal: isFinal, to: &writer)
        var position = 0
        for run in 0..<runCount {
            let start = runs[2 * run], length = runs[2 * run + 1]
            Self.writeLiterals(bytes + position, count: start + 1 - position, codes: literalCodes, into: &writer)
            writeRun(length: length, into: &writer)
            position = start + length
        }
        Self.writeLiterals(bytes + position, count: count - position, codes: literalCodes, into: &writer)
        writer.add(UInt64(literalLengthCodes[Deflate.endOfBlock]), count: Int(literalLengths[Deflate.endOfBlock]))
        writer.flush()
    }

    /// Finds the zero runs (into `runs`) and counts every byte not inside one (into
    /// `partialCounts`; a run's bytes are not counted). Returns the number of runs.
    private func findRunsAndCount(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int {
        // A run is at least 8 bytes and is followed by a nonzero byte or the end.
        let neededRuns = count / 8 + 1
        if runCapacity < neededRuns {
            runs.deallocate()
            runs = .allocate(capacity: 2 * neededRuns)
            runCapacity = neededRuns
        }
        let counts = partialCounts
        counts.initialize(repeating: 0, count: 256 * Self.partialTables)
        let raw = UnsafeRawPointer(bytes)
        var runCount = 0
        var position = 0
        var lastRunEnd = 0
        while position &+ 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            if word != 0 {
                counts[Int(truncatingIfNeeded: word & 0xFF)] &+= 1
                counts[256 &+ Int(truncatingIfNeeded: word &>> 8 & 0xFF)] &+= 1
                counts[512 &+ Int(truncatingIfNeeded: word &>> 16 & 0xFF)] &+= 1
                counts[768 &+ Int(truncatingIfNeeded: word &>> 24 & 0xFF)] &+= 1
                counts[1024 &+ Int(truncatingIfNeeded: word &>> 32 & 0xFF)] &+= 1
                counts[1280 &+ Int(truncatingIfNeeded: word &>> 40 & 0xFF)] &+= 1
                counts[1536 &+ Int(truncatingIfNeeded: word &>> 48 & 0xFF)] &+= 1
                counts[1792 &+ Int(truncatingIfNeeded: word &>> 56)] &+= 1
                position &+= 8
                continue
            }
            // A zero word: extend back over the zeros just counted, and forward.
            var start = position
            while start > lastRunEnd && bytes[start - 1] == 0 { start -= 1 }
            counts[0] &-= UInt32(truncatingIfNeeded: position - start)
            var end = position + 8
            while end + 8 <= count && raw.loadUnaligned(fromByteOffset: end, as: UInt64.self) == 0 { end += 8 }
            while end < count && bytes[end] == 0 { end += 1 }
            runs[2 * runCount] = start
            runs[2 * runCount + 1] = end - start
            runCount += 1
            lastRunEnd = end
            position = end
        }
        while position < count {
            counts[Int(bytes[position])] &+= 1
            position += 1
        }
        return runCount
    }

    /// Writes the run's matches after its first zero (already written as a literal): pieces of
    /// at most 258, then literal zeros for a remainder under 3.
    @inline(__always)
    private func writeRun(length: Int, into writer: inout DeflateBitWriter) {
        var remaining = length - 1
        while remaining >= Deflate.shortestMatch {
            let piece = min(remaining, Deflate.longestMatch)
            writer.add(packed: matchCodes[piece])
            writer.flush()
            remaining -= piece
        }
        for _ in 0..<remaining {
            writer.add(packed: literalCodes[0])
            writer.flush()
        }
    }

    /// Writes `count` literals, four codes per flush: they are joined first, then added to the
    /// writer at once, so that only one addition per four codes waits on the writer's bit count.
    /// Four codes of at most 14 bits (`literalCodeLimit`) and 7 bits pending fit in 64 bits.
    @inline(__always)
    private static func writeLiterals(_ bytes: UnsafePointer<UInt8>, count: Int, codes: UnsafeMutablePointer<UInt32>,
                                      into writer: inout DeflateBitWriter) {
        var index = 0
        while index &+ 4 <= count {
            let first = codes[Int(bytes[index])], second = codes[Int(bytes[index &+ 1])]
            let third = codes[Int(bytes[index &+ 2])], fourth = codes[Int(bytes[index &+ 3])]
            let firstLength = UInt64(first &>> 24), secondLength = UInt64(second &>> 24)
            let thirdLength = UInt64(third &>> 24), fourthLength = UInt64(fourth &>> 24)
            let firstTwo = UInt64(first & 0xFFFF) | UInt64(second & 0xFFFF) &<< firstLength
            let lastTwo = UInt64(third & 0xFFFF) | UInt64(fourth & 0xFFFF) &<< thirdLength
            let firstTwoLength = firstLength &+ secondLength
            writer.add(firstTwo | lastTwo &<< firstTwoLength, count: Int(firstTwoLength &+ thirdLength &+ fourthLength))
            writer.flush()
            index &+= 4
        }
        while index < count {
            writer.add(packed: codes[Int(bytes[index])])
            writer.flush()
            index &+= 1
        }
    }

    /// Stored blocks (BTYPE = 0) of at most 65,535 bytes each.
    private func writeStored(_ bytes: UnsafePointer<UInt8>, count: Int, isFinal: Bool,
                             into writer: inout DeflateBitWriter) {
        var offset = 0
        while offset < count {
            let piece = min(count - offset, Deflate.largestStoredBlock)
            let last = isFinal && offset + piece == count
            writer.add(last ? 1 : 0, count: 3)
            writer.alignToByte()
            writer.add(UInt64(piece) | UInt64(~UInt16(piece)) << 16, count: 32)
            writer.flush()
            writer.append(UnsafeRawBufferPointer(start: bytes + offset, count: piece))
            offset += piece
        }
    }
}
