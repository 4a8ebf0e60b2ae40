extension Geometry {
    /// Resamples through any affine map (rotations, and whatever they fuse with).
    ///
    /// Each output row is split into the span whose four bilinear taps all lie inside the
    /// source, sampled with no per-tap checks, and the pixels either side of it, sampled tap by
    /// tap with the border rule.
    ///
    /// `edgePathOnly` (for tests) sends every pixel through the edge path, which must give the
    /// same bytes.
    ///
    /// - Complexity: O(output pixels), with no allocation past the output image.
    static func resampleAffine(_ image: Image, map: AffineMap, size: Size,
                               interpolation: Interpolation, border: Border, edgePathOnly: Bool = false) -> Image {
        switch image.channels {
        case 1: resampleAffine(image, map: map, size: size, interpolation: interpolation, border: border, edgePathOnly, OneChannel.self)
        case 2: resampleAffine(image, map: map, size: size, interpolation: interpolation, border: border, edgePathOnly, TwoChannels.self)
        case 3: resampleAffine(image, map: map, size: size, interpolation: interpolation, border: border, edgePathOnly, ThreeChannels.self)
        default: resampleAffine(image, map: map, size: size, interpolation: interpolation, border: border, edgePathOnly, FourChannels.self)
        }
    }

    private static func resampleAffine<C: ChannelCount>(
        _ image: Image, map: AffineMap, size: Size, interpolation: Interpolation, border: Border,
        _ edgePathOnly: Bool, _: C.Type
    ) -> Image {
        let sampler = EdgeSampler<C>(image: image, border: border)
        return Image.make(size, channels: C.count) { output in
            image.pixels.withUnsafeBufferPointer { source in
                let source = source.baseAddress!
                let rowStride = image.width * C.count
                let scratch = TapScratch(width: size.width, height: size.height)
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
                // enough to stay in the first-level cache from one row to the next. (With the
                // fixed-point kernel, 256 measured 2-3% faster than 128 on 224-wide outputs, warm
                // or cold: each strip's row has a fixed cost.)
                let stripWidth = 256
                // The last offset whose top and bottom 4-byte loads (`blendOne`) stay inside the source.
                let lastLoad = image.pixels.count - rowStride - C.count - 4
                // The last offset whose top and bottom 8-byte loads (`blendEight`) stay inside the source.
                let lastWideLoad = image.pixels.count - rowStride - 8
                // Strides and corners within 15 bits (`locateTaps`).
                let smallStrides = rowStride < 1 << 15 && image.height < 1 << 15
                // `blendEight`'s stores for 3 channels spill 2 bytes onto the next pixel, which
                // must be written after it: not so at a row's end, where they are the next row's
                // first (a strip already written) or lie past the output's end. The last pixel
                // of a row is left to exact stores.
                let spilledPixels = C.count == 3 ? 1 : 0
                // Each row's interior span, once for all strips.
                let inverse = (x: 1 / map.xx, y: 1 / map.yx)
                for y in 0..<size.height {
                    let base = (x: map.xy * Double(y) + map.x0, y: map.yy * Double(y) + map.y0)
                    let inside = interiorRange(base: base.x, step: map.xx, inverse: inverse.x, limit: image.width, count: size.width)
                        .clamped(to: interiorRange(base: base.y, step: map.yx, inverse: inverse.y, limit: image.height,
                                                   count: size.width))
                    (scratch.interiors[2 * y], scratch.interiors[2 * y + 1]) = (Int32(inside.lowerBound), Int32(inside.upperBound))
                }
                for stripStart in stride(from: 0, to: size.width, by: stripWidth) {
                    let stripEnd = min(stripStart + stripWidth, size.width)
                    for y in 0..<size.height {
                        let row = output + y * size.width * C.count
                        let base = (x: map.xy * Double(y) + map.x0, y: map.yy * Double(y) + map.y0)
                        let positions = RowPositions(base: base, slope: (map.xx, map.yx), count: size.width,
                                                     width: image.width, height: image.height)
                        // Where floor(x) is in 0...w-2 and floor(y) in 0...h-2, every tap is inside.
                        var inside = (Int(scratch.interiors[2 * y])..<Int(scratch.interiors[2 * y + 1]))
                            .clamped(to: stripStart..<stripEnd)
                        if !positions.stepped || edgePathOnly { inside = stripEnd..<stripEnd }
                        // Exactly the pixels whose fixed-point taps are all inside (the estimate is
                        // off by at most a pixel or so). Positions are monotonic along a row, so
                        // the ends decide.
                        @inline(__always) func tapsInside(_ x: Int) -> Bool {
                            let (sourceX, sourceY) = positions(x)
                            let (left, top) = (FixedPoint.whole(sourceX), FixedPoint.whole(sourceY))
                            return left >= 0 && top >= 0 && left <= image.width - 2 && top <= image.height - 2
                        }
                        while !inside.isEmpty && !tapsInside(inside.lowerBound) {
                            inside = inside.lowerBound + 1..<inside.upperBound
                        }
                        while !inside.isEmpty && !tapsInside(inside.upperBound - 1) {
                            inside = inside.lowerBound..<inside.upperBound - 1
                        }
                        if inside.isEmpty { inside = stripEnd..<stripEnd }
                        // Left edge, interior, right edge, in this order (for the spilling stores).
                        for x in stripStart..<inside.lowerBound {
                            let (sourceX, sourceY) = positions(x)
                            sampler.bilinear(source, x: sourceX, y: sourceY, into: row + x * C.count)
                        }
                        if !inside.isEmpty {
                            // First where every pixel of the span reads (a loop vectorised across
                            // pixels), then the loads and blends, eight pixels at a time.
                            let count = inside.count
                            let offsetBound = locateTaps(
                                start: positions(inside.lowerBound), step: positions.step, count: count,
                                strides: (Int32(C.count), Int32(rowStride)), smallStrides: smallStrides,
                                offsets: scratch.offsets, weightsX: scratch.weightsX, weightsY: scratch.weightsY)
                            let pixels = row + inside.lowerBound * C.count
                            // Eight pixels at a time up to the span's end, the last group
                            // overlapping the one before it (recomputing the same bytes), unless
                            // a bottom tap lies near the source's last byte, where the 8-byte
                            // loads would run past it, or the span is shorter than eight.
                            var wideEnd = inside.upperBound > size.width - spilledPixels ? count - spilledPixels : count
                            if offsetBound > lastWideLoad || wideEnd < 8 { wideEnd = 0 }
                            var index = 0
                            while index < wideEnd {
                                let group = min(index, wideEnd &- 8)
                                @inline(__always) func weights(_ table: UnsafeMutablePointer<UInt16>) -> SIMD8<UInt16> {
                                    UnsafeRawPointer(table + group).loadUnaligned(as: SIMD8<UInt16>.self)
                                }
                                blendEight(source, rowStride: rowStride, offsets: scratch.offsets + group,
                                           weightX: weights(scratch.weightsX), weightY: weights(scratch.weightsY),
                                           into: pixels + group &* C.count, C.self)
                                index &+= 8
                            }
                            // The rest pixel by pixel (with 4-byte loads, or tap by tap where even
                            // those would run past the source's end).
                            index = max(wideEnd, 0)
                            while index < count {
                                let offset = Int(scratch.offsets[index])
                                if offset <= lastLoad {
                                    blendOne(source, rowStride: rowStride, offset: offset, weightX: scratch.weightsX[index],
                                             weightY: scratch.weightsY[index], into: pixels + index &* C.count, C.self)
                                } else {
                                    let (sourceX, sourceY) = positions(inside.lowerBound + index)
                                    sampler.bilinear(source, x: sourceX, y: sourceY, into: pixels + index &* C.count)
                                }
                                index &+= 1
                            }
                        }
                        for x in inside.upperBound..<stripEnd {
                            let (sourceX, sourceY) = positions(x)
                            sampler.bilinear(source, x: sourceX, y: sourceY, into: row + x * C.count)
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

    /// The bytes of `a` and `b` alternately (a0 b0 a1 b1 ...): one unpack instruction.
    @inline(__always)
    static func interleave(_ a: SIMD8<UInt8>, _ b: SIMD8<UInt8>) -> SIMD16<UInt8> {
        SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }

    @inline(__always)
    static func interleave(_ a: SIMD4<UInt16>, _ b: SIMD4<UInt16>) -> SIMD8<UInt16> {
        SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3])
    }

    /// About the `x` in `0..<count` for which `base + step * x` lies inside `[0, limit - 1)`, one
    /// pixel in from each end; `inverse` is 1 / `step`. An estimate, with no library calls
    /// (rounding is one without SSE4.1): the caller makes it exact for the fixed positions.
    static func interiorRange(base: Double, step: Double, inverse: Double, limit: Int, count: Int) -> Range<Int> {
        let upper = Double(limit - 1)
        guard limit >= 2 else { return 0..<0 }
        if abs(step) < 1e-12 { return (0 <= base && base < upper) ? 0..<count : 0..<0 }
        var (low, high) = ((0 - base) * inverse, (upper - base) * inverse)
        if step < 0 { (low, high) = (high, low) }
        // Held to [-1, count + 1] (NaN to the ends) before converting, by truncation.
        let end = Double(count + 1)
        let (heldLow, heldHigh) = (low > -1 ? min(low, end) : -1, high < end ? max(high, -1) : end)
        let (lowWhole, highWhole) = (Int(heldLow), Int(heldHigh))
        let first = max((Double(lowWhole) < heldLow ? lowWhole + 1 : lowWhole) + 1, 0)
        let last = min((Double(highWhole) > heldHigh ? highWhole - 1 : highWhole) - 1, count)
        guard first < last else { return 0..<0 }
        return first..<last
    }
}

/// Scratch space for `locateTaps` (one row's) and the rows' interior spans, allocated once per image.
struct TapScratch {
    let offsets: UnsafeMutablePointer<Int32>
    let weightsX: UnsafeMutablePointer<UInt16>
    let weightsY: UnsafeMutablePointer<UInt16>
    /// Row y's interior span is `interiors[2y]..<interiors[2y + 1]`.
    let interiors: UnsafeMutablePointer<Int32>

    init(width: Int, height: Int) {
        offsets = .allocate(capacity: max(width, 1))
        weightsX = .allocate(capacity: max(width, 1))
        weightsY = .allocate(capacity: max(width, 1))
        interiors = .allocate(capacity: max(2 * height, 1))
    }

    func deallocate() {
        offsets.deallocate()
        weightsX.deallocate()
        weightsY.deallocate()
        interiors.deallocate()
    }
}

/// Samples one output pixel tap by tap, for pixels near or beyond the source's edges.
struct EdgeSampler<C: ChannelCount> {
    let width: Int
    let height: Int
    /// True for a clamped border, false for a constant one.
    let clamps: Bool
    /// The constant border, one lane per channel.
    let fill: SIMD4<UInt8>

    init(image: Image, border: Border) {
        width = image.width
        height = image.height
        var fill = SIMD4<UInt8>(repeating: 0)
        if case .constant(let values) = border {
            for channel in 0..<C.count { fill[channel] = values.value(channel: channel) }
            clamps = false
        } else {
            clamps = true
        }
        self.fill = fill
    }

    /// The channels at integer (`x`, `y`), following the border rule outside.
    @inline(__always)
    func tap(_ source: UnsafePointer<UInt8>, _ x: Int, _ y: Int) -> SIMD4<UInt8> {
        var (column, row) = (x, y)
        if x < 0 || x >= width || y < 0 || y >= height {
            if !clamps { return fill }
            (column, row) = (min(max(x, 0), width - 1), min(max(y, 0), height - 1))
        }
        var value = SIMD4<UInt8>(repeating: 0)
        let pixel = source + (row * width + column) * C.count
        for channel in 0..<C.count { value[channel] = pixel[channel] }
        return value
    }

    /// A whole number for `value`, held to a range where conversion cannot overflow.
    @inline(__always)
    func floorIndex(_ value: Double, limit: Int) -> Int {
        Int(min(max(value.rounded(.down), -2), Double(limit + 1)))
    }

    @inline(__always)
    func write(_ bytes: SIMD4<UInt8>, into pixel: UnsafeMutablePointer<UInt8>) {
        for channel in 0..<C.count { pixel[channel] = bytes[channel] }
    }

    /// The pixel at fixed position (`x`, `y`) (32.32, `RowPositions`), in `FixedPoint`'s
    /// arithmetic, the interior's.
    @inline(__always)
    func bilinear(_ source: UnsafePointer<UInt8>, x: Int64, y: Int64, into pixel: UnsafeMutablePointer<UInt8>) {
        let (left, top) = (FixedPoint.whole(x), FixedPoint.whole(y))
        // Every tap outside a constant border: the fill, without reading anything (the blend of
        // four equal taps gives them back exactly).
        if !clamps && (left < -1 || top < -1 || left >= width || top >= height) {
            write(fill, into: pixel)
            return
        }
        let (weightX, weightY) = (FixedPoint.weight(x), FixedPoint.weight(y))
        if left >= 0 && top >= 0 && left < width - 1 && top < height - 1 {
            // All four taps inside (most edge pixels near the interior): no border rule.
            let topLeft = source + (top * width + left) * C.count, bottomLeft = topLeft + width * C.count
            @inline(__always) func shifted(_ pointer: UnsafePointer<UInt8>) -> SIMD4<UInt16> {
                var value = SIMD4<UInt16>(repeating: 0)
                for channel in 0..<C.count { value[channel] = UInt16(pointer[channel]) &<< 8 }
                return value
            }
            write(FixedPoint.blend(shifted(topLeft), shifted(topLeft + C.count), shifted(bottomLeft),
                                   shifted(bottomLeft + C.count), weightX: weightX, weightY: weightY), into: pixel)
            return
        }
        @inline(__always) func shifted(_ x: Int, _ y: Int) -> SIMD4<UInt16> {
            SIMD4<UInt16>(truncatingIfNeeded: tap(source, x, y)) &<< 8
        }
        write(FixedPoint.blend(shifted(left, top), shifted(left + 1, top), shifted(left, top + 1), shifted(left + 1, top + 1),
                               weightX: weightX, weightY: weightY), into: pixel)
    }

    /// The nearest pixel, rounding halves up (as OpenCV's nearest warp does).
    @inline(__always)
    func nearest(_ source: UnsafePointer<UInt8>, x: Double, y: Double, into pixel: UnsafeMutablePointer<UInt8>) {
        write(tap(source, floorIndex(x + 0.5, limit: width), floorIndex(y + 0.5, limit: height)), into: pixel)
    }
}
