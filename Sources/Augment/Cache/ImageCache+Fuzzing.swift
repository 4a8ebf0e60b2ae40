extension ImageCache {
    /// `bytes` with every checksum of the layout recomputed (the header's, the catalog's and,
    /// where a record's range fits the bytes, its pixels'): for a fuzzer, which would otherwise
    /// stop at the first checksum and never reach the index, record and metadata checks behind
    /// it. Bytes too short for a header are returned as they are.
    ///
    /// - Complexity: O(bytes).
    @_spi(Fuzzing)
    public static func withChecksumsRecomputed(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= Layout.headerChecksummed + 8 else { return bytes }
        var bytes = bytes
        func u64(_ offset: Int) -> UInt64 {
            (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
        }
        func store(_ value: UInt64, at offset: Int) {
            for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        }
        let count = u64(16), indexOffset = u64(24)
        if indexOffset <= UInt64(bytes.count) {
            // Each record's pixels first: they are not part of the catalog's checksum.
            let records = min(count, (UInt64(bytes.count) - indexOffset) / UInt64(Layout.recordSize))
            for record in 0..<Int(records) {
                let base = Int(indexOffset) + record * Layout.recordSize
                let parsed = bytes.withUnsafeBytes { Layout.Record(at: $0.baseAddress! + base) }
                guard let parsed, parsed.status == .decoded, (1...4).contains(parsed.channels),
                      parsed.fits(before: UInt64(bytes.count)) else { continue }
                let start = Int(parsed.dataOffset)
                store(XXHash64.hash(Array(bytes[start..<start + parsed.dataLength])), at: base + 24)
            }
            store(XXHash64.hash(Array(bytes[Int(indexOffset)...])), at: 72)
        }
        store(XXHash64.hash(Array(bytes[..<Layout.headerChecksummed])), at: Layout.headerChecksummed)
        return bytes
    }
}
