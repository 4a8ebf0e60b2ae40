/// Helpers that move one pixel's channels (up to 4 bytes) into a `SIMD4<Float>`, so that a
/// kernel blends all channels of a tap in one vector operation.
enum PixelVector {
    /// The 4 bytes at `pointer` as floats. Reads 4 bytes whatever the channel count: callers
    /// make sure they are inside the buffer.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<UInt8>) -> SIMD4<Float> {
        let bytes = unsafeBitCast(UnsafeRawPointer(pointer).loadUnaligned(as: UInt32.self), to: SIMD4<UInt8>.self)
        return SIMD4<Float>(SIMD4<Int32>(truncatingIfNeeded: bytes))
    }

    /// The first `count` bytes at `pointer` as floats, reading no further: for the last pixel
    /// of a buffer, where a 4-byte load would run past its end.
    @inline(__always)
    static func loadChannels(_ pointer: UnsafePointer<UInt8>, count: Int) -> SIMD4<Float> {
        var value = SIMD4<Float>(repeating: 0)
        for channel in 0..<count { value[channel] = Float(pointer[channel]) }
        return value
    }
}
