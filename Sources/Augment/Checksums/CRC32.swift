/// The CRC-32 of PNG chunks, zlib and ZIP (ISO-HDLC: reflected polynomial 0xEDB88320, initial
/// value and final XOR 0xFFFFFFFF); `CRC32.checksum("123456789") == 0xCBF43926`.
enum CRC32 {
    static let polynomial: UInt32 = 0xEDB8_8320

    /// Sixteen tables of 256 entries: `tables[k][v]` is the CRC register after byte `v` followed
    /// by `k` zero bytes, so sixteen bytes are folded in with sixteen independent look-ups
    /// ("slicing by 16"; the register waits on one round of look-ups per 16 bytes, not per byte).
    private static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 16 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ polynomial : value >> 1 }
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
    /// Above a few kilobytes the bytes are done as two halves at once, whose registers do not
    /// wait on each other, and the two CRCs are then joined (`combine`): about 1.5 times as fast.
    ///
    /// - Complexity: O(count), one table look-up per byte, plus O(log count) to join the halves.
    static func update(_ crc: UInt32, _ bytes: UnsafePointer<UInt8>, count: Int) -> UInt32 {
        tables.withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            guard count >= 4096 else { return ~fold(~crc, bytes, count: count, table: t) }
            // The first half continues `crc`; the second starts afresh and is joined after.
            let half = count / 2 & ~15
            var first = ~crc, second = ~UInt32(0)
            let raw = UnsafeRawPointer(bytes)
            var offset = 0
            while offset < half {
                first = step(first, raw, offset, table: t)
                second = step(second, raw, half &+ offset, table: t)
                offset &+= 16
            }
            second = fold(second, bytes + 2 * half, count: count - 2 * half, table: t)
            return combine(~first, ~second, secondCount: count - half)
        }
    }

    /// Folds 16 bytes at `offset` into a CRC register.
    @inline(__always)
    private static func step(_ register: UInt32, _ raw: UnsafeRawPointer, _ offset: Int,
                             table t: UnsafePointer<UInt32>) -> UInt32 {
        let low = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) ^ UInt64(register)
        let high = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self))
        return t[15 * 256 + Int(truncatingIfNeeded: low & 0xFF)]
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
    }

    /// Folds `count` bytes into a CRC register (not inverted): 16 at a time, then one at a time.
    private static func fold(_ register: UInt32, _ bytes: UnsafePointer<UInt8>, count: Int,
                             table t: UnsafePointer<UInt32>) -> UInt32 {
        var register = register
        let raw = UnsafeRawPointer(bytes)
        var offset = 0
        while offset &+ 16 <= count {
            register = step(register, raw, offset, table: t)
            offset &+= 16
        }
        while offset < count {
            register = t[Int((register ^ UInt32(bytes[offset])) & 0xFF)] ^ (register >> 8)
            offset &+= 1
        }
        return register
    }

    /// The CRC of A followed by B from the CRCs of A and of B alone and B's length: A's CRC
    /// multiplied by x^(8 x length of B) modulo the polynomial, plus B's (zlib's crc32_combine).
    ///
    /// - Complexity: O(log secondCount) products of 32-bit polynomials.
    static func combine(_ first: UInt32, _ second: UInt32, secondCount: Int) -> UInt32 {
        multiplyModulo(xToThePowerOfTwoTimes(secondCount, plus: 3), first) ^ second
    }

    /// a x b modulo the polynomial, in the reflected bit order (bit 31 is x^0).
    private static func multiplyModulo(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var mask: UInt32 = 1 << 31, product: UInt32 = 0, b = b
        while mask != 0 {
            if a & mask != 0 { product ^= b }
            mask >>= 1
            b = b & 1 == 1 ? (b >> 1) ^ polynomial : b >> 1
        }
        return product
    }

    /// x^(n x 2^k) modulo the polynomial: x^(8n) for k = 3, by squaring.
    private static func xToThePowerOfTwoTimes(_ n: Int, plus k: Int) -> UInt32 {
        var result: UInt32 = 1 << 31  // x^0
        var power: UInt32 = 1 << 30  // x^1
        for _ in 0..<k { power = multiplyModulo(power, power) }
        var n = n
        while n > 0 {
            if n & 1 == 1 { result = multiplyModulo(power, result) }
            power = multiplyModulo(power, power)
            n >>= 1
        }
        return result
    }

    /// The CRC-32 of a whole byte array.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            return update(0, base, count: buffer.count)
        }
    }
}
