/// The CRC-32 of PNG chunks, zlib and ZIP (ISO-HDLC: reflected polynomial 0xEDB88320, initial
/// value and final XOR 0xFFFFFFFF); `CRC32.checksum("123456789") == 0xCBF43926`.
enum CRC32 {
    /// Sixteen tables of 256 entries: `tables[k][v]` is the CRC register after byte `v` followed
    /// by `k` zero bytes, so sixteen bytes are folded in with sixteen independent look-ups
    /// ("slicing by 16"; the register waits on one round of look-ups per 16 bytes, not per byte).
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 16 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
            tables[index] = value
        }
        for slice in 1..<16 {
            for index in 0..<256 {
                let previous = tables[(slice - 1) * 256 + index]
                tables[slice * 256 + index] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    /// The CRC-32 of `count` more bytes after data whose CRC-32 was `crc` (0 to start).
    ///
    /// - Complexity: O(count), one table look-up per byte.
    static func update(_ crc: UInt32, _ bytes: UnsafePointer<UInt8>, count: Int) -> UInt32 {
        var register = ~crc
        let raw = UnsafeRawPointer(bytes)
        var offset = 0
        tables.withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            while offset &+ 16 <= count {
                let low = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    ^ UInt64(register)
                let high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self))
                register = t[15 * 256 + Int(truncatingIfNeeded: low & 0xFF)]
                    ^ t[14 * 256 + Int(truncatingIfNeeded: low &>> 8 & 0xFF)]
                    ^ t[13 * 256 + Int(truncatingIfNeeded: low &>> 16 & 0xFF)]
                    ^ t[12 * 256 + Int(truncatingIfNeeded: low &>> 24 & 0xFF)]
                    ^ t[11 * 256 + Int(truncatingIfNeeded: low &>> 32 & 0xFF)]
                    ^ t[10 * 256 + Int(truncatingIfNeeded: low &>> 40 & 0xFF)]
                    ^ t[9 * 256 + Int(truncatingIfNeeded: low &>> 48 & 0xFF)]
                    ^ t[8 * 256 + Int(truncatingIfNeeded: low &>> 56)]
                    ^ t[7 * 256 + Int(truncatingIfNeeded: high & 0xFF)]
                    ^ t[6 * 256 + Int(truncatingIfNeeded: high &>> 8 & 0xFF)]
                    ^ t[5 * 256 + Int(truncatingIfNeeded: high &>> 16 & 0xFF)]
                    ^ t[4 * 256 + Int(truncatingIfNeeded: high &>> 24 & 0xFF)]
                    ^ t[3 * 256 + Int(truncatingIfNeeded: high &>> 32 & 0xFF)]
                    ^ t[2 * 256 + Int(truncatingIfNeeded: high &>> 40 & 0xFF)]
                    ^ t[1 * 256 + Int(truncatingIfNeeded: high &>> 48 & 0xFF)]
                    ^ t[Int(truncatingIfNeeded: high &>> 56)]
                offset &+= 16
            }
            while offset < count {
                register = t[Int((register ^ UInt32(bytes[offset])) & 0xFF)] ^ (register >> 8)
                offset &+= 1
            }
        }
        return ~register
    }

    /// The CRC-32 of a whole byte array.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            return update(0, base, count: buffer.count)
        }
    }
}
