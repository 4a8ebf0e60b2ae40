extension Geometry {
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

    private static func resampleAffine<C: ChannelCount>(
        _ image: Image, map: AffineMap, size: Size, interpolation: Interpolation, border: Border, _: C.Type
    ) -> Image {
        let sampler = EdgeSampler<C>(image: image, border: border)
        return Image.make(size, channels: C.count) { output in
            image.pixels.withUnsafeBufferPointer { source in
                let source = source.baseAddress!
                let rowStride = image.width * C.count
                let scratch = TapScratch(capacity: size.width)
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
                if size.width > 0 && size.height > 0 {
                    // Stored where a pixel is written later, so that the compiler keeps the reads.
                    output[0] = warmCache(source, width: image.width, height: image.height, channels: C.count,
                                          map: map, size: size)
                }
                // The output goes in strips of `stripWidth` columns, top to bottom: a rotated row
                // walks diagonally across many source rows, and a strip keeps what it reads small
                // enough to stay in the first-level cache from one row to the next. (128 measured
                // best: 10-15% faster than whole rows once the source is not in L2, no slower when it is.)
                let stripWidth = 128
                let lastLoad = image.pixels.count - 4
                // The last offset whose top and bottom 8-byte loads (`blendFour`) stay inside the source.
                let lastWideLoad = image.pixels.count - rowStride - 8
                // Below 2^23 bytes, offsets are whole floats held exactly (`locateTaps`).
                let exactInFloat = image.pixels.count < 1 << 23
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
                        // for grey, one for 2 or 3 channels; `blendFour`'s 2 bytes for 3 channels stay
                        // within one), which must be written after it: not so at
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
                            // First where every pixel of the span reads (a loop vectorised across
                            // pixels), then the loads and blends, four pixels at a time.
                            let count = inside.count
                            let offsetBound = locateTaps(
                                base: (Float(baseX), Float(baseY)), step: (Float(map.xx), Float(map.yx)),
                                first: inside.lowerBound, count: count,
                                lastCorner: (Int32(image.width - 2), Int32(image.height - 2)),
                                strides: (Int32(C.count), Int32(rowStride)), exactInFloat: exactInFloat,
                                offsets: scratch.offsets, weightsX: scratch.weightsX, weightsY: scratch.weightsY)
                            let pixels = row + inside.lowerBound * C.count
                            var index = 0
                            // Unless a bottom tap lies near the source's last byte, where the 8-byte
                            // loads would run past it (then pixel by pixel, with 4-byte loads).
                            if offsetBound <= lastWideLoad {
                                while index &+ 4 <= count {
                                    let offsets = scratch.offsets + index
                                    blendFour(source, rowStride: rowStride,
                                              offsets: (Int(offsets[0]), Int(offsets[1]), Int(offsets[2]), Int(offsets[3])),
                                              weightsX: UnsafeRawPointer(scratch.weightsX + index).loadUnaligned(as: SIMD4<Float>.self),
                                              weightsY: UnsafeRawPointer(scratch.weightsY + index).loadUnaligned(as: SIMD4<Float>.self),
                                              into: pixels + index &* C.count, C.self)
                                    index &+= 4
                                }
                            }
                            while index < count {
                                blendOne(source, rowStride: rowStride, lastLoad: lastLoad, scratch: scratch, index: index,
                                         x: inside.lowerBound + index, baseX: baseX, baseY: baseY, map: map,
                                         sampler: sampler, into: pixels + index &* C.count)
                                index &+= 1
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

    /// Reads one byte of every cache line of the source region the map reads from (its bounding
    /// box), in address order, and returns their wrapping sum, which means nothing.
    ///
    /// A rotated output row reads across many source rows, an order the hardware prefetchers
    /// do not follow: a source not already in cache (a batch's next image) is fetched a line at
    /// a time, each at the memory's latency. Read in order first, it streams into the
    /// second-level cache. Skipped when the region is too large to stay there.
    static func warmCache(_ source: UnsafePointer<UInt8>, width: Int, height: Int, channels: Int,
                          map: AffineMap, size: Size) -> UInt8 {
        let (right, bottom) = (Double(size.width - 1), Double(size.height - 1))
        let xs = (map.x0, map.xx * right + map.x0, map.xy * bottom + map.x0, map.xx * right + map.xy * bottom + map.x0)
        let ys = (map.y0, map.yx * right + map.y0, map.yy * bottom + map.y0, map.yx * right + map.yy * bottom + map.y0)
        let (lowX, highX) = (min(min(xs.0, xs.1), min(xs.2, xs.3)) - 1, max(max(xs.0, xs.1), max(xs.2, xs.3)) + 1)
        let (lowY, highY) = (min(min(ys.0, ys.1), min(ys.2, ys.3)) - 1, max(max(ys.0, ys.1), max(ys.2, ys.3)) + 1)
        // Also false for NaN.
        guard lowX < Double(width), highX >= 0, lowY < Double(height), highY >= 0 else { return 0 }
        let (first, last) = (Int(max(lowX, 0)), Int(min(highX, Double(width - 1))))
        let (top, end) = (Int(max(lowY, 0)), Int(min(highY, Double(height - 1))))
        let rowBytes = (last - first + 1) * channels
        guard rowBytes * (end - top + 1) <= 512 * 1024 else { return 0 }
        var sum: UInt8 = 0
        for row in top...end {
            let start = source + (row * width + first) * channels
            var offset = 0
            while offset < rowBytes {
                sum &+= start[offset]
                offset &+= 64
            }
            sum &+= start[rowBytes - 1]
        }
        return sum
    }

    /// One interior pixel from its entry in `scratch`: four 4-byte tap loads, the channels blended
    /// in one vector. The arithmetic `blendFour` repeats lane for lane.
    @inline(__always)
    static func blendOne<C: ChannelCount>(_ source: UnsafePointer<UInt8>, rowStride: Int, lastLoad: Int,
                                          scratch: TapScratch, index: Int, x: Int, baseX: Double, baseY: Double,
                                          map: AffineMap, sampler: EdgeSampler<C>, into pixel: UnsafeMutablePointer<UInt8>) {
        let offset = Int(scratch.offsets[index])
        if C.count < 4 && offset &+ rowStride &+ C.count > lastLoad {
            // The bottom-right tap is the source's last pixel: a 4-byte load would run past it.
            sampler.bilinear(source, x: baseX + map.xx * Double(x), y: baseY + map.yx * Double(x), into: pixel)
            return
        }
        let (weightX, weightY) = (scratch.weightsX[index], scratch.weightsY[index])
        let pointer = source + offset
        let topLeft = PixelVector.load(pointer), topRight = PixelVector.load(pointer + C.count)
        let bottomLeft = PixelVector.load(pointer + rowStride)
        let bottomRight = PixelVector.load(pointer + rowStride + C.count)
        let upper = topLeft + weightX * (topRight - topLeft)
        let lower = bottomLeft + weightX * (bottomRight - bottomLeft)
        PixelVector.store(upper + weightY * (lower - upper), pixel)
    }

    /// Four consecutive interior pixels, each channel blended across the four pixels in one
    /// vector (a lane per pixel) with exactly `blendOne`'s operations, so the bytes are the same.
    ///
    /// Each pixel's top-left and top-right taps are 2 x `C` <= 8 adjacent bytes, read in one 8-byte
    /// load (the bottom ones likewise); two rounds of interleaving turn the four pixels' loads into
    /// one 4-byte group per byte position. A byte b becomes the float 2^23 + b by setting the
    /// exponent bits (no conversion instruction); subtracting 2^23 gives b exactly, and the
    /// difference of two such floats is the exact difference of the bytes, as in `blendOne`.
    /// Writes 4 x `C` bytes, plus 2 more past them for 3 channels (the next pixel's, written later).
    @inline(__always)
    static func blendFour<C: ChannelCount>(_ source: UnsafePointer<UInt8>, rowStride: Int, offsets: (Int, Int, Int, Int),
                                           weightsX: SIMD4<Float>, weightsY: SIMD4<Float>,
                                           into pixel: UnsafeMutablePointer<UInt8>, _: C.Type) {
        let raw = UnsafeRawPointer(source)
        @inline(__always) func planes(_ row: Int) -> (SIMD16<UInt8>, SIMD16<UInt8>) {
            let a = raw.loadUnaligned(fromByteOffset: offsets.0 &+ row, as: SIMD8<UInt8>.self)
            let b = raw.loadUnaligned(fromByteOffset: offsets.1 &+ row, as: SIMD8<UInt8>.self)
            let c = raw.loadUnaligned(fromByteOffset: offsets.2 &+ row, as: SIMD8<UInt8>.self)
            let d = raw.loadUnaligned(fromByteOffset: offsets.3 &+ row, as: SIMD8<UInt8>.self)
            let ab = unsafeBitCast(interleave(a, b), to: SIMD8<UInt16>.self)
            let cd = unsafeBitCast(interleave(c, d), to: SIMD8<UInt16>.self)
            return (unsafeBitCast(interleave(ab.lowHalf, cd.lowHalf), to: SIMD16<UInt8>.self),
                    unsafeBitCast(interleave(ab.highHalf, cd.highHalf), to: SIMD16<UInt8>.self))
        }
        // Byte position k of the four pixels' loads as floats 2^23 + byte, one lane per pixel:
        // bytes widened to 16 bits with zeros, then to 32 bits with 0x4B00 above (2^23's exponent).
        @inline(__always) func biased(_ planes: (SIMD16<UInt8>, SIMD16<UInt8>), _ k: Int) -> SIMD4<Float> {
            let group = k < 4 ? planes.0 : planes.1
            let words = unsafeBitCast(interleave(k & 2 == 0 ? group.lowHalf : group.highHalf, .zero), to: SIMD8<UInt16>.self)
            let exponent = SIMD4<UInt16>(repeating: 0x4B00)
            return unsafeBitCast(interleave(k & 1 == 0 ? words.lowHalf : words.highHalf, exponent), to: SIMD4<Float>.self)
        }
        let top = planes(0), bottom = planes(rowStride)
        // Channel `channel` of the four pixels, rounded: the byte is in the low 8 bits. (Called
        // with constants, so that every plane index is known when compiling: no loop here.)
        @inline(__always) func blend(_ channel: Int) -> SIMD4<UInt32> {
            let topLeft = biased(top, channel), topRight = biased(top, channel &+ C.count)
            let bottomLeft = biased(bottom, channel), bottomRight = biased(bottom, channel &+ C.count)
            let upper = (topLeft - 8_388_608) + weightsX * (topRight - topLeft)
            let lower = (bottomLeft - 8_388_608) + weightsX * (bottomRight - bottomLeft)
            // The rounding of `PixelVector.roundedBytes`.
            return (upper + weightsY * (lower - upper) + 12_582_912).bitPattern(as: UInt32.self) & 0xFF
        }
        let target = UnsafeMutableRawPointer(pixel)
        switch C.count {
        case 1:
            target.storeBytes(of: SIMD4<UInt8>(truncatingIfNeeded: blend(0)), as: SIMD4<UInt8>.self)
        case 2:
            target.storeBytes(of: SIMD4<UInt16>(truncatingIfNeeded: blend(0) | blend(1) &<< 8), as: SIMD4<UInt16>.self)
        case 3:
            // Four 3-byte pixels in 32-bit lanes, then each pair packed into 6 bytes of a 64-bit lane.
            let lanes = unsafeBitCast(blend(0) | blend(1) &<< 8 | blend(2) &<< 16, to: SIMD2<UInt64>.self)
            let packed = unsafeBitCast((lanes & 0xFFFF_FFFF) | ((lanes &>> 8) & 0xFFFF_FF00_0000), to: SIMD4<UInt32>.self)
            target.storeBytes(of: packed.lowHalf, as: SIMD2<UInt32>.self)
            target.storeBytes(of: packed.highHalf, toByteOffset: 6, as: SIMD2<UInt32>.self)
        default:
            target.storeBytes(of: blend(0) | blend(1) &<< 8 | blend(2) &<< 16 | blend(3) &<< 24, as: SIMD4<UInt32>.self)
        }
    }

    /// The bytes of `a` and `b` alternately (a0 b0 a1 b1 ...): one unpack instruction.
    @inline(__always)
    static func interleave(_ a: SIMD8<UInt8>, _ b: SIMD8<UInt8>) -> SIMD16<UInt8> {
        SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }

    @inline(__always)
    static func interleave(_ a: SIMD4<UInt16>, _ b: SIMD4<UInt16>) -> SIMD8<UInt16> {
        SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3])
    }

    /// `value` held to [0, `upper`] lane by lane, for `upper` >= 0, in integer operations that
    /// SSE2 has (it has no 32-bit min or max); no step can overflow.
    @inline(__always)
    static func clamp(_ value: SIMD4<Int32>, upper: SIMD4<Int32>) -> SIMD4<Int32> {
        let positive = value & ~(value &>> 31)
        let excess = positive &- upper
        return upper &+ (excess & (excess &>> 31))
    }

    /// For `count` (at least 1) output pixels from `first` on, the byte offset of each top-left
    /// tap and the weights of its right and lower neighbours; offsets are clamped into the
    /// source. Returns a bound on the offsets.
    ///
    /// The scalar loop is the definition; four pixels at a time compute the same values when
    /// `exactInFloat` (the source's size below 2^23, so that the offset `left * C + top *
    /// rowStride`, whole numbers below 2^23 in every step, is exact in float: SSE2 has no 32-bit
    /// integer multiply of vectors) and positions are below 2^24 (exact floats, as `Float(Int)`).
    @inline(__always)
    static func locateTaps(base: (Float, Float), step: (Float, Float), first: Int, count: Int,
                           lastCorner: (Int32, Int32), strides: (Int32, Int32), exactInFloat: Bool,
                           offsets: UnsafeMutablePointer<Int32>, weightsX: UnsafeMutablePointer<Float>,
                           weightsY: UnsafeMutablePointer<Float>) -> Int {
        @inline(__always) func floors(_ index: Int) -> (left: Int32, top: Int32) {
            let position = Float(first &+ index)
            return (PixelVector.floor(base.0 + step.0 * position), PixelVector.floor(base.1 + step.1 * position))
        }
        @inline(__always) func corner(_ index: Int) -> (left: Int32, top: Int32) {
            let (left, top) = floors(index)
            return (min(max(left, 0), lastCorner.0), min(max(top, 0), lastCorner.1))
        }
        var index = 0
        if exactInFloat && first &+ count < 1 << 24 {
            let (lastX, lastY) = (SIMD4<Int32>(repeating: lastCorner.0), SIMD4<Int32>(repeating: lastCorner.1))
            let (strideX, strideY) = (Float(strides.0), Float(strides.1))
            @inline(__always) func run(clamping: Bool) {
                var position = SIMD4<Float>(0, 1, 2, 3) + Float(first)
                while index &+ 4 <= count {
                    let x = base.0 + step.0 * position, y = base.1 + step.1 * position
                    let (floorX, floorY) = (PixelVector.floor(x), PixelVector.floor(y))
                    let left = SIMD4<Float>(clamping ? clamp(floorX, upper: lastX) : floorX)
                    let top = SIMD4<Float>(clamping ? clamp(floorY, upper: lastY) : floorY)
                    // Adding 2^23 to a whole number below 2^23 leaves it in the low mantissa bits.
                    let offset = unsafeBitCast(left * strideX + top * strideY + 8_388_608, to: SIMD4<Int32>.self) &- 0x4B00_0000
                    UnsafeMutableRawPointer(offsets + index).storeBytes(of: offset, as: SIMD4<Int32>.self)
                    UnsafeMutableRawPointer(weightsX + index).storeBytes(of: x - left, as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(weightsY + index).storeBytes(of: y - top, as: SIMD4<Float>.self)
                    position += 4
                    index &+= 4
                }
            }
            // Floors never decrease (or never increase) along a span: when both ends need no
            // clamping, no pixel between them does, and the clamps can go.
            let (start, end) = (floors(0), floors(count &- 1))
            if min(start.left, end.left) >= 0 && max(start.left, end.left) <= lastCorner.0
                && min(start.top, end.top) >= 0 && max(start.top, end.top) <= lastCorner.1 {
                run(clamping: false)
            } else {
                run(clamping: true)
            }
        }
        while index < count {
            let (left, top) = corner(index)
            offsets[index] = left &* strides.0 &+ top &* strides.1
            let position = Float(first &+ index)
            weightsX[index] = base.0 + step.0 * position - Float(left)
            weightsY[index] = base.1 + step.1 * position - Float(top)
            index &+= 1
        }
        // Positions, floors and clamps never decrease (or never increase) along a span, so the
        // largest left and top are at its ends.
        let (start, end) = (corner(0), corner(count &- 1))
        return Int(max(start.left, end.left)) * Int(strides.0) + Int(max(start.top, end.top)) * Int(strides.1)
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
struct TapScratch {
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
struct EdgeSampler<C: ChannelCount> {
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
        let bytes = PixelVector.roundedBytes(value)
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
