/// Adler-32 (RFC 1950 section 9), the check value at the end of a zlib stream.
enum Adler32 {
    static let modulus: UInt32 = 65_521
    /// Steps of 16 bytes per group, summed in 16-bit lanes: per lane the weighted sum reaches at
    /// most 8 x (16 + 15) x 255 = 63,240 < 2^16.
    private static let stepsPerGroup = 8
    /// Groups per stretch between reductions modulo 65521, so that the 32-bit lanes cannot
    /// overflow: per lane the prefix sums reach about 8 x 8160 x 256^2 / 2 = 2.1 x 10^9 < 2^32.
    private static let groupsPerStretch = 256

    /// The Adler-32 of `count` more bytes after data whose Adler-32 was `adler` (1 to start).
    ///
    /// Sixteen bytes per step, in eight 16-bit lanes (even and odd bytes apart): per step, the
    /// byte sum, the sum weighted by each byte's position (16 down to 1) and, before adding, the
    /// sum so far (whose total times 16 is what s2 gains from s1 over the steps); emptied into
    /// 32-bit lanes every few steps, and reduced modulo 65521 every few thousand.
    ///
    /// - Complexity: O(count).
    static func update(_ adler: UInt32, _ bytes: UnsafePointer<UInt8>, count: Int) -> UInt32 {
        var s1 = adler & 0xFFFF, s2 = adler >> 16
        let raw = UnsafeRawPointer(bytes)
        let evenWeights = SIMD8<UInt16>(16, 14, 12, 10, 8, 6, 4, 2)
        let oddWeights = SIMD8<UInt16>(15, 13, 11, 9, 7, 5, 3, 1)
        var offset = 0
        let groupBytes = 16 * stepsPerGroup
        while count - offset >= groupBytes {
            let groups = min((count - offset) / groupBytes, groupsPerStretch)
            // Over the stretch: bytes summed, weighted sums, and the sum of the running byte sum
            // at the start of each step (relative to the stretch's start).
            var total = SIMD4<UInt32>(repeating: 0)
            var weighted = SIMD4<UInt32>(repeating: 0)
            var prefixes = SIMD4<UInt32>(repeating: 0)
            for _ in 0..<groups {
                var groupSum = SIMD8<UInt16>(repeating: 0)
                var groupWeighted = SIMD8<UInt16>(repeating: 0)
                var groupPrefixes = SIMD8<UInt16>(repeating: 0)
                for step in 0..<stepsPerGroup {
                    let vector = raw.loadUnaligned(fromByteOffset: offset &+ step &* 16, as: SIMD16<UInt8>.self)
                    let pairs = unsafeBitCast(vector, to: SIMD8<UInt16>.self)
                    let even = pairs & 0x00FF, odd = pairs &>> 8
                    groupPrefixes &+= groupSum
                    groupSum &+= even &+ odd
                    groupWeighted &+= even &* evenWeights &+ odd &* oddWeights
                }
                // Each step of this group also starts after all earlier groups' bytes.
                prefixes &+= total &* UInt32(stepsPerGroup) &+ widened(groupPrefixes)
                total &+= widened(groupSum)
                weighted &+= widened(groupWeighted)
                offset &+= groupBytes
            }
            let steps = UInt64(groups * stepsPerGroup)
            let byteSum = sum(total), prefixSum = sum(prefixes)
            // s2 gains 16 x (s1 at each step's start) plus each step's weighted bytes.
            let newS2 = UInt64(s2) + 16 * (steps * UInt64(s1) + prefixSum) + sum(weighted)
            s1 = UInt32((UInt64(s1) + byteSum) % UInt64(modulus))
            s2 = UInt32(newS2 % UInt64(modulus))
        }
        while offset < count {
            s1 += UInt32(bytes[offset])
            s2 += s1
            offset += 1
            if s2 >= 1 << 31 { s1 %= modulus; s2 %= modulus }
        }
        return (s2 % modulus) << 16 | (s1 % modulus)
    }

    /// Adjacent 16-bit lanes added into 32-bit lanes.
    @inline(__always)
    private static func widened(_ lanes: SIMD8<UInt16>) -> SIMD4<UInt32> {
        let pairs = unsafeBitCast(lanes, to: SIMD4<UInt32>.self)
        return (pairs & 0xFFFF) &+ (pairs &>> 16)
    }

    /// The sum of four 32-bit lanes, which may pass 2^32.
    @inline(__always)
    private static func sum(_ lanes: SIMD4<UInt32>) -> UInt64 {
        UInt64(lanes[0]) + UInt64(lanes[1]) + UInt64(lanes[2]) + UInt64(lanes[3])
    }
}
