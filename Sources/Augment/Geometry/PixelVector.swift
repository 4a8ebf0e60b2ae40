/// Helpers that move one pixel's channels (up to 4 bytes) in and out of a `SIMD4<Float>`, so
/// that a kernel blends all channels of a tap in one vector operation.
enum PixelVector {
    /// The 4 bytes at `pointer` as floats. Reads 4 bytes whatever the channel count: callers
    /// make sure they are inside the buffer.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<UInt8>) -> SIMD4<Float> {
        let bytes = unsafeBitCast(UnsafeRawPointer(pointer).loadUnaligned(as: UInt32.self), to: SIMD4<UInt8>.self)
        return SIMD4<Float>(SIMD4<Int32>(truncatingIfNeeded: bytes))
    }

    /// Adding 1.5 · 2^23 leaves round-to-nearest(value) in a float's low mantissa bits: rounding
    /// and conversion without the range checks of `UInt8(_:)`, for values in [-0.5, 255.5].
    @inline(__always)
    static func roundedBytes(_ value: SIMD4<Float>) -> SIMD4<UInt8> {
        SIMD4<UInt8>(truncatingIfNeeded: (value + 12_582_912).bitPattern(as: UInt32.self))
    }

    /// Stores 4 bytes at `pointer`; with fewer than 4 channels the extra bytes land on the next
    /// pixel, which the caller writes afterwards (or must not exist past the buffer's end).
    @inline(__always)
    static func store(_ value: SIMD4<Float>, _ pointer: UnsafeMutablePointer<UInt8>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: unsafeBitCast(roundedBytes(value), to: UInt32.self), as: UInt32.self)
    }
}

extension SIMD4 where Scalar == Float {
    @inline(__always)
    func bitPattern(as: UInt32.Type) -> SIMD4<UInt32> { unsafeBitCast(self, to: SIMD4<UInt32>.self) }
}

extension PixelVector {
    /// The first `count` bytes at `pointer` as floats, reading no further: for the last pixel
    /// of a buffer, where a 4-byte load would run past its end.
    @inline(__always)
    static func loadChannels(_ pointer: UnsafePointer<UInt8>, count: Int) -> SIMD4<Float> {
        var value = SIMD4<Float>(repeating: 0)
        for channel in 0..<count { value[channel] = Float(pointer[channel]) }
        return value
    }
}

extension PixelVector {
    /// floor(value) for |value| < 2^21, without the range checks of `Int32(_:)`: adding
    /// 1.5 · 2^23 to value - 0.5 rounds it to a whole number held in the low mantissa bits. At a
    /// whole `value` the result may be `value - 1` (ties round to even); bilinear weights then
    /// put all the weight on the right-hand tap, which gives the same sample.
    @inline(__always)
    static func floor(_ value: Float) -> Int32 {
        Int32(bitPattern: (value - 0.5 + 12_582_912).bitPattern) &- 0x4B40_0000
    }
}

extension PixelVector {
    /// `floor(_:)` of four values at once.
    @inline(__always)
    static func floor(_ value: SIMD4<Float>) -> SIMD4<Int32> {
        unsafeBitCast(value - 0.5 + 12_582_912, to: SIMD4<Int32>.self) &- 0x4B40_0000
    }
}
