/// XXH64 (Yann Collet's xxHash, 64-bit), the checksum of the image cache's blocks: fast enough
/// (several GB/s) to verify every image each time it is read, and a published algorithm, so a
/// cache can be checked by any language's `xxhash` package.
///
/// - Complexity: O(bytes); no allocation.
enum XXHash64 {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The XXH64 digest of `bytes` with `seed`.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return finish(seed &+ prime5, base: nil, from: 0, count: 0) }
        var offset = 0
        var accumulator: UInt64
        if count >= 32 {
            var lanes = (seed &+ prime1 &+ prime2, seed &+ prime2, seed, seed &- prime1)
            while offset + 32 <= count {
                lanes.0 = round(lanes.0, word(base, offset))
                lanes.1 = round(lanes.1, word(base, offset + 8))
                lanes.2 = round(lanes.2, word(base, offset + 16))
                lanes.3 = round(lanes.3, word(base, offset + 24))
                offset += 32
            }
            accumulator = rotate(lanes.0, 1) &+ rotate(lanes.1, 7) &+ rotate(lanes.2, 12) &+ rotate(lanes.3, 18)
            accumulator = merge(accumulator, lanes.0)
            accumulator = merge(accumulator, lanes.1)
            accumulator = merge(accumulator, lanes.2)
            accumulator = merge(accumulator, lanes.3)
        } else {
            accumulator = seed &+ prime5
        }
        return finish(accumulator &+ UInt64(count), base: base, from: offset, count: count)
    }

    /// The XXH64 digest of `bytes` with `seed`.
    static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    private static func finish(_ start: UInt64, base: UnsafeRawPointer?, from first: Int, count: Int) -> UInt64 {
        var accumulator = start
        var offset = first
        if let base {
            while offset + 8 <= count {
                accumulator ^= round(0, word(base, offset))
                accumulator = rotate(accumulator, 27) &* prime1 &+ prime4
                offset += 8
            }
            if offset + 4 <= count {
                accumulator ^= UInt64(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) &* prime1
                accumulator = rotate(accumulator, 23) &* prime2 &+ prime3
                offset += 4
            }
            while offset < count {
                accumulator ^= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) &* prime5
                accumulator = rotate(accumulator, 11) &* prime1
                offset += 1
            }
        }
        accumulator ^= accumulator >> 33
        accumulator = accumulator &* prime2
        accumulator ^= accumulator >> 29
        accumulator = accumulator &* prime3
        accumulator ^= accumulator >> 32
        return accumulator
    }

    @inline(__always)
    private static func word(_ base: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    private static func rotate(_ value: UInt64, _ bits: UInt64) -> UInt64 { (value << bits) | (value >> (64 - bits)) }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* prime2, 31) &* prime1
    }

    @inline(__always)
    private static func merge(_ accumulator: UInt64, _ lane: UInt64) -> UInt64 {
        (accumulator ^ round(0, lane)) &* prime1 &+ prime4
    }
}
