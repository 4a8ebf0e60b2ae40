// The float affine kernel as it was before the 4-pixel rewrite (commit 870ab18), kept verbatim
// (types renamed) as the reference the fixed-point kernel must stay within 1 level of.
@testable import Augment

enum ReferenceAffine {
    /// Resamples through any affine map (rotations, and whatever they fuse with).
    ///
    /// Each output row is split into the span whose four bilinear taps all lie inside the
    /// source, sampled with no per-tap checks, and the pixels either side of it, sampled tap by
    /// tap with the border rule.
    ///
    /// - Complexity: O(output pixels), with no allocation past the output image.
    static func resampleAffine(_ image: Image, map: AffineMap, size: Size,
                               interpolation: Interpolation, border: Border) -> Image {
        switch image.channels {
        case 1: resampleAffine(image, map: map, size: size, interpolation: interpolation, border: border, OneChannel.self)
        case 2: resampleAffine(image, map: map, size: size, interpolation: interpolation, border: border, TwoChannels.self)
        case 3: resampleAffine(image, map: map, size: size, interpolation: interpolation, border: border, ThreeChannels.self)
        default: resampleAffine(image, map: map, size: size, interpolation: interpolation, border: border, FourChannels.self)
        }
    }

    static func resampleAffine<C: ChannelCount>(
        _ image: Image, map: AffineMap, size: Size, interpolation: Interpolation, border: Border, _: C.Type
    ) -> Image {
        let sampler = RefEdgeSampler<C>(image: image, border: border)
        return Image.make(size, channels: C.count) { output in
            image.pixels.withUnsafeBufferPointer { source in
                let source = source.baseAddress!
                let rowStride = image.width * C.count
                let scratch = RefTapScratch(capacity: size.width)
                defer { scratch.deallocate() }
                if interpolation == .nearest {
                    for y in 0..<size.height {
                        let row = output + y * size.width * C.count
                        let (baseX, baseY) = (map.xy * Double(y) + map.x0, map.yy * Double(y) + map.y0)
                        for x in 0..<size.width {
                            sampler.nearest(source, x: baseX + map.xx * Double(x), y: baseY + map.yx * Double(x),
                                            into: row + x * C.count)
                        }
                    }
                    return
                }
                // The output goes in strips of `stripWidth` columns, top to bottom: a rotated row
                // walks diagonally across many source rows, and a strip keeps what it reads small
                // enough to stay in the first-level cache from one row to the next. (128 measured
                // best: 10-15% faster than whole rows once the source is not in L2, no slower when it is.)
                let stripWidth = 128
                let lastLoad = image.pixels.count - 4
                for stripStart in stride(from: 0, to: size.width, by: stripWidth) {
                    let stripEnd = min(stripStart + stripWidth, size.width)
                    for y in 0..<size.height {
                        let row = output + y * size.width * C.count
                        let (baseX, baseY) = (map.xy * Double(y) + map.x0, map.yy * Double(y) + map.y0)
                        // Where floor(x) is in 0...w-2 and floor(y) in 0...h-2, every tap is inside.
                        var inside = interiorRange(base: baseX, step: map.xx, limit: image.width, count: size.width)
                            .clamped(to: interiorRange(base: baseY, step: map.yx, limit: image.height, count: size.width))
                            .clamped(to: stripStart..<stripEnd)
                        // An interior pixel's 4-byte store spills onto the next pixels (three of them
                        // for grey, one for 2 or 3 channels), which must be written after it: not so at
                        // a row's end, where they are the next row's first (a strip already written)
                        // or lie past the output's end. The pixels there take exact stores.
                        let spilledPixels = (4 - C.count + C.count - 1) / C.count
                        if inside.upperBound > size.width - spilledPixels {
                            inside = inside.lowerBound..<max(inside.lowerBound, size.width - spilledPixels)
                        }
                        if inside.isEmpty { inside = stripEnd..<stripEnd }
                        // Left edge, interior, right edge, in this order (for the spilling stores).
                        for x in stripStart..<inside.lowerBound {
                            sampler.bilinear(source, x: baseX + map.xx * Double(x), y: baseY + map.yx * Double(x),
                                             into: row + x * C.count)
                        }
                        if !inside.isEmpty {
                            // First where every pixel of the span reads (a loop the compiler
                            // vectorises across pixels), then the loads and blends.
                            let count = inside.count
                            locateTaps(base: (Float(baseX), Float(baseY)), step: (Float(map.xx), Float(map.yx)),
                                       first: inside.lowerBound, count: count,
                                       lastCorner: (Int32(image.width - 2), Int32(image.height - 2)),
                                       strides: (Int32(C.count), Int32(rowStride)),
                                       offsets: scratch.offsets, weightsX: scratch.weightsX, weightsY: scratch.weightsY)
                            var pixel = row + inside.lowerBound * C.count
                            for index in 0..<count {
                                let offset = Int(scratch.offsets[index])
                                if C.count < 4 && offset &+ rowStride &+ C.count > lastLoad {
                                    // The bottom-right tap is the source's last pixel: a 4-byte load would run past it.
                                    let x = inside.lowerBound + index
                                    sampler.bilinear(source, x: baseX + map.xx * Double(x), y: baseY + map.yx * Double(x), into: pixel)
                                } else {
                                    let (weightX, weightY) = (scratch.weightsX[index], scratch.weightsY[index])
                                    let pointer = source + offset
                                    let topLeft = RefPixelVector.load(pointer), topRight = RefPixelVector.load(pointer + C.count)
                                    let bottomLeft = RefPixelVector.load(pointer + rowStride)
                                    let bottomRight = RefPixelVector.load(pointer + rowStride + C.count)
                                    let upper = topLeft + weightX * (topRight - topLeft)
                                    let lower = bottomLeft + weightX * (bottomRight - bottomLeft)
                                    RefPixelVector.store(upper + weightY * (lower - upper), pixel)
                                }
                                pixel += C.count
                            }
                        }
                        for x in inside.upperBound..<stripEnd {
                            sampler.bilinear(source, x: baseX + map.xx * Double(x), y: baseY + map.yx * Double(x),
                                             into: row + x * C.count)
                        }
                    }
                }
            }
        }
    }

    /// For `count` output pixels from `first` on, the byte offset of each top-left tap and the
    /// weights of its right and lower neighbours. Plain arithmetic on whole arrays, with no
    /// checks that could trap, so that it vectorises; offsets are clamped into the source.
    @inline(__always)
    static func locateTaps(base: (Float, Float), step: (Float, Float), first: Int, count: Int,
                           lastCorner: (Int32, Int32), strides: (Int32, Int32),
                           offsets: UnsafeMutablePointer<Int32>, weightsX: UnsafeMutablePointer<Float>,
                           weightsY: UnsafeMutablePointer<Float>) {
        for index in 0..<count {
            let position = Float(first &+ index)
            let x = base.0 + step.0 * position, y = base.1 + step.1 * position
            let left = min(max(RefPixelVector.floor(x), 0), lastCorner.0)
            let top = min(max(RefPixelVector.floor(y), 0), lastCorner.1)
            offsets[index] = left &* strides.0 &+ top &* strides.1
            weightsX[index] = x - Float(left)
            weightsY[index] = y - Float(top)
        }
    }

    /// The `x` in `0..<count` for which `base + step * x` lies safely inside `[0, limit - 1)`,
    /// one pixel in from each end so that float rounding in the interior loop cannot matter.
    static func interiorRange(base: Double, step: Double, limit: Int, count: Int) -> Range<Int> {
        let upper = Double(limit - 1)
        guard limit >= 2 else { return 0..<0 }
        if abs(step) < 1e-12 { return (0 <= base && base < upper) ? 0..<count : 0..<0 }
        var (low, high) = ((0 - base) / step, (upper - base) / step)
        if step < 0 { (low, high) = (high, low) }
        let first = max(low.rounded(.up) + 1, 0)
        let last = min(high.rounded(.down) - 1, Double(count))
        guard first < last else { return 0..<0 }
        return Int(first)..<Int(last)
    }
}

/// Per-row scratch space for `locateTaps`, allocated once per image.
struct RefTapScratch {
    let offsets: UnsafeMutablePointer<Int32>
    let weightsX: UnsafeMutablePointer<Float>
    let weightsY: UnsafeMutablePointer<Float>

    init(capacity: Int) {
        offsets = .allocate(capacity: max(capacity, 1))
        weightsX = .allocate(capacity: max(capacity, 1))
        weightsY = .allocate(capacity: max(capacity, 1))
    }

    func deallocate() {
        offsets.deallocate()
        weightsX.deallocate()
        weightsY.deallocate()
    }
}

/// Samples one output pixel tap by tap, for pixels near or beyond the source's edges.
struct RefEdgeSampler<C: ChannelCount> {
    let width: Int
    let height: Int
    /// True for a clamped border, false for a constant one.
    let clamps: Bool
    /// The constant border, one lane per channel.
    let fill: SIMD4<Float>

    init(image: Image, border: Border) {
        width = image.width
        height = image.height
        var fill = SIMD4<Float>(repeating: 0)
        if case .constant(let values) = border {
            for channel in 0..<C.count { fill[channel] = Float(values.value(channel: channel)) }
            clamps = false
        } else {
            clamps = true
        }
        self.fill = fill
    }

    /// The channels at integer (`x`, `y`), following the border rule outside.
    @inline(__always)
    func tap(_ source: UnsafePointer<UInt8>, _ x: Int, _ y: Int) -> SIMD4<Float> {
        var (column, row) = (x, y)
        if x < 0 || x >= width || y < 0 || y >= height {
            if !clamps { return fill }
            (column, row) = (min(max(x, 0), width - 1), min(max(y, 0), height - 1))
        }
        var value = SIMD4<Float>(repeating: 0)
        let pixel = source + (row * width + column) * C.count
        for channel in 0..<C.count { value[channel] = Float(pixel[channel]) }
        return value
    }

    /// A whole number for `value`, held to a range where conversion cannot overflow.
    @inline(__always)
    func floorIndex(_ value: Double, limit: Int) -> Int {
        Int(min(max(value.rounded(.down), -2), Double(limit + 1)))
    }

    @inline(__always)
    func write(_ value: SIMD4<Float>, into pixel: UnsafeMutablePointer<UInt8>) {
        let bytes = RefPixelVector.roundedBytes(value)
        for channel in 0..<C.count { pixel[channel] = bytes[channel] }
    }

    @inline(__always)
    func bilinear(_ source: UnsafePointer<UInt8>, x: Double, y: Double, into pixel: UnsafeMutablePointer<UInt8>) {
        // Every tap outside a constant border: the fill, without reading anything.
        if !clamps && (x <= -1 || y <= -1 || x >= Double(width) || y >= Double(height)) {
            write(fill, into: pixel)
            return
        }
        let (left, top) = (floorIndex(x, limit: width), floorIndex(y, limit: height))
        let weightX = Float(min(max(x - Double(left), 0), 1)), weightY = Float(min(max(y - Double(top), 0), 1))
        // The same arithmetic as the interior loop, so a pixel's value never depends on the path.
        let topLeft = tap(source, left, top), topRight = tap(source, left + 1, top)
        let bottomLeft = tap(source, left, top + 1), bottomRight = tap(source, left + 1, top + 1)
        let upper = topLeft + weightX * (topRight - topLeft)
        let lower = bottomLeft + weightX * (bottomRight - bottomLeft)
        write(upper + weightY * (lower - upper), into: pixel)
    }

    /// The nearest pixel, rounding halves up (as OpenCV's nearest warp does).
    @inline(__always)
    func nearest(_ source: UnsafePointer<UInt8>, x: Double, y: Double, into pixel: UnsafeMutablePointer<UInt8>) {
        write(tap(source, floorIndex(x + 0.5, limit: width), floorIndex(y + 0.5, limit: height)), into: pixel)
    }
}

/// Helpers that move one pixel's channels (up to 4 bytes) in and out of a `SIMD4<Float>`, so
/// that a kernel blends all channels of a tap in one vector operation.
enum RefPixelVector {
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


extension RefPixelVector {
    /// The first `count` bytes at `pointer` as floats, reading no further: for the last pixel
    /// of a buffer, where a 4-byte load would run past its end.
    @inline(__always)
    static func loadChannels(_ pointer: UnsafePointer<UInt8>, count: Int) -> SIMD4<Float> {
        var value = SIMD4<Float>(repeating: 0)
        for channel in 0..<count { value[channel] = Float(pointer[channel]) }
        return value
    }
}

extension RefPixelVector {
    /// floor(value) for |value| < 2^21, without the range checks of `Int32(_:)`: adding
    /// 1.5 · 2^23 to value - 0.5 rounds it to a whole number held in the low mantissa bits. At a
    /// whole `value` the result may be `value - 1` (ties round to even); bilinear weights then
    /// put all the weight on the right-hand tap, which gives the same sample.
    @inline(__always)
    static func floor(_ value: Float) -> Int32 {
        Int32(bitPattern: (value - 0.5 + 12_582_912).bitPattern) &- 0x4B40_0000
    }
}

// Formerly in the library (PixelVector.swift), which no longer uses it.
extension SIMD4 where Scalar == Float {
    @inline(__always)
    func bitPattern(as: UInt32.Type) -> SIMD4<UInt32> { unsafeBitCast(self, to: SIMD4<UInt32>.self) }
}
