/// DEFLATE (RFC 1951) and its zlib wrapper (RFC 1950), as far as the fast PNG encoder writes them:
/// dynamic-Huffman blocks of literals and distance-1 matches over runs of zero bytes, and stored
/// blocks for data that does not compress.
enum Deflate {
    /// The longest literal/length or distance code DEFLATE allows.
    static let maximumCodeLength = 15
    /// The longest code-length code (their lengths are sent in 3 bits).
    static let maximumCodeLengthCodeLength = 7
    /// Literal/length symbols: 256 literals, end of block (256), lengths 3-258 (257-285).
    static let literalLengthSymbols = 286
    static let endOfBlock = 256
    static let firstLengthSymbol = 257
    /// The shortest and longest match a length symbol can say.
    static let shortestMatch = 3
    static let longestMatch = 258
    /// The most bytes one stored block holds (its length field is 16 bits).
    static let largestStoredBlock = 65_535

    /// zlib's two header bytes: deflate with a 32 KB window (0x78), "fastest" level, no
    /// dictionary, and the check bits that make the pair a multiple of 31.
    static let zlibHeader: [UInt8] = [0x78, 0x01]

    /// The shortest length of each length symbol 257...285, indexed by `symbol - 257`.
    static let lengthBases: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                     35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    /// The extra bits after each length symbol 257...285, indexed by `symbol - 257`.
    static let lengthExtraBits: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                         3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]

    /// For each match length 3...258 (the index): its symbol's offset from 257 in the low byte,
    /// the number of extra bits in the next byte, and the extra bits' value from bit 16 on.
    static let lengthCodes: [UInt32] = {
        var table = [UInt32](repeating: 0, count: longestMatch + 1)
        for length in shortestMatch...longestMatch {
            // The last symbol whose base is at or below the length (258 has a symbol of its own,
            // which 227 + 31 must not take).
            let index = length == longestMatch ? lengthBases.count - 1
                : lengthBases.lastIndex { $0 <= length && $0 != longestMatch }!
            table[length] = UInt32(index) | UInt32(lengthExtraBits[index]) << 8
                | UInt32(length - lengthBases[index]) << 16
        }
        return table
    }()
}
