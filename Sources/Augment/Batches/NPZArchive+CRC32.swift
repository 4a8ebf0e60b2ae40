extension NPZArchive {
    /// The CRC-32 of ZIP, PNG and zlib (ISO-HDLC): reflected polynomial 0xEDB88320, initial value
    /// and final XOR 0xFFFFFFFF; `crc32("123456789") == 0xCBF43926`. Written here rather than
    /// taken from zlib so the library's only C dependencies stay libpng and OpenBLAS.
    ///
    /// - Complexity: O(bytes.count), one table look-up per byte.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer {
                crc = crcTable[Int(UInt8(truncatingIfNeeded: crc) ^ byte)] ^ (crc >> 8)
            }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// The CRC of each byte value, eight shift-and-XOR steps each.
    static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }
}
