extension Deflate {
    /// The order in which a dynamic block sends the code-length code's lengths (RFC 1951 3.2.7).
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// The header of a dynamic-Huffman block (RFC 1951 3.2.7): the literal/length and distance
    /// code lengths, run-length coded with symbols 0-18 and sent with a Huffman code of their own.
    ///
    /// Built once per block; O(symbols) to build and to write.
    struct DynamicHeader {
        /// HLIT + 257 and HDIST + 1: how many lengths are sent of each code.
        let literalLengthCount: Int
        let distanceCount: Int
        /// The code-length symbols in order, each with the value of its extra bits.
        private(set) var symbols: [(symbol: UInt8, extra: UInt8)] = []
        /// The code-length code: lengths (at most 7) and bit-reversed codes, for symbols 0-18.
        let codeLengthLengths: [UInt8]
        let codeLengthCodes: [UInt16]
        /// HCLEN + 4: the code-length lengths sent, in `codeLengthOrder`.
        let codeLengthCount: Int
        /// The header's size in bits, BFINAL and BTYPE included.
        let bitCount: Int

        /// Extra bits after code-length symbols 16 (repeat the last length 3-6 times), 17 (3-10
        /// zeros) and 18 (11-138 zeros).
        static let extraBits: [Int] = [Int](repeating: 0, count: 16) + [2, 3, 7]

        /// - Precondition: 257 to 286 literal/length lengths and 1 to 30 distance lengths, each a
        ///   valid code; trailing zero lengths beyond those minimums are trimmed here.
        init(literalLengths: [UInt8], distanceLengths: [UInt8]) {
            let literalLengthCount = max(257, (literalLengths.lastIndex { $0 != 0 } ?? 0) + 1)
            let distanceCount = max(1, (distanceLengths.lastIndex { $0 != 0 } ?? 0) + 1)
            self.literalLengthCount = literalLengthCount
            self.distanceCount = distanceCount
            // One sequence: repeats may run from the literal/length lengths into the distance ones.
            let sequence = Array(literalLengths[0..<literalLengthCount]) + Array(distanceLengths[0..<distanceCount])

            var symbols: [(symbol: UInt8, extra: UInt8)] = []
            var index = 0
            while index < sequence.count {
                let length = sequence[index]
                var run = 1
                while index + run < sequence.count && sequence[index + run] == length { run += 1 }
                index += run
                if length == 0 {
                    while run >= 11 {
                        let part = min(run, 138)
                        symbols.append((18, UInt8(part - 11)))
                        run -= part
                    }
                    if run >= 3 {
                        symbols.append((17, UInt8(run - 3)))
                        run = 0
                    }
                } else {
                    symbols.append((length, 0))
                    run -= 1
                    while run >= 3 {
                        let part = min(run, 6)
                        symbols.append((16, UInt8(part - 3)))
                        run -= part
                    }
                }
                for _ in 0..<run { symbols.append((length, 0)) }
            }
            self.symbols = symbols

            var frequencies = [UInt32](repeating: 0, count: 19)
            for entry in symbols { frequencies[Int(entry.symbol)] += 1 }
            // zlib's inflate refuses an incomplete code-length code, so at least two symbols get a
            // code (a code for an unused symbol is allowed).
            if frequencies.lazy.filter({ $0 > 0 }).count < 2 {
                frequencies[frequencies[0] == 0 ? 0 : 1] = 1
            }
            let lengths = Deflate.codeLengths(frequencies: frequencies, limit: Deflate.maximumCodeLengthCodeLength)
            codeLengthLengths = lengths
            codeLengthCodes = Deflate.canonicalCodes(lengths: lengths)
            codeLengthCount = max(4, (Deflate.codeLengthOrder.lastIndex { lengths[$0] != 0 } ?? 0) + 1)

            var bits = 3 + 5 + 5 + 4 + 3 * codeLengthCount
            for entry in symbols {
                bits += Int(lengths[Int(entry.symbol)]) + Self.extraBits[Int(entry.symbol)]
            }
            bitCount = bits
        }

        /// Writes BFINAL, BTYPE = 2 (dynamic) and the code lengths.
        func write(isFinal: Bool, to writer: inout DeflateBitWriter) {
            writer.add(UInt64(isFinal ? 1 : 0) | 2 << 1, count: 3)
            writer.add(UInt64(literalLengthCount - 257), count: 5)
            writer.add(UInt64(distanceCount - 1), count: 5)
            writer.add(UInt64(codeLengthCount - 4), count: 4)
            writer.flush()
            for symbol in Deflate.codeLengthOrder[0..<codeLengthCount] {
                writer.add(UInt64(codeLengthLengths[symbol]), count: 3)
                writer.flush()
            }
            for entry in symbols {
                let symbol = Int(entry.symbol)
                writer.add(UInt64(codeLengthCodes[symbol]), count: Int(codeLengthLengths[symbol]))
                writer.add(UInt64(entry.extra), count: Self.extraBits[symbol])
                writer.flush()
            }
        }
    }
}
