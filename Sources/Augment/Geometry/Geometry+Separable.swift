extension Geometry {
    /// Resamples through an axis-aligned map (resizes, zooms, crops, flips and their
    /// combinations) in two passes, as OpenCV's resize: each source row that some output row
    /// needs is blended horizontally once, into a row of 16-bit values at the output's width,
    /// and each output row is a vertical blend of two such rows.
    ///
    /// The arithmetic is `FixedPoint`'s (the horizontal blends are its `upper` and `lower`,
    /// the vertical blend its `value`), at the positions the affine kernel uses, and samples
    /// outside the source follow the border rule tap by tap as its edge path does: for a map
    /// with no shear terms (within ±2^30 pixels) the bytes are exactly `resampleAffine`'s,
    /// within 0.03 level of the exact bilinear value (exact where that is whole, as for a
    /// nearest sample, a uniform image or taps on pixels).
    ///
    /// - Complexity: O(output pixels + source rows read × output width); no allocation past
    ///   the output image and one scratch buffer.
    static func resampleSeparable(_ image: Image, map: AffineMap, size: Size,
                                  interpolation: Interpolation, border: Border) -> Image {
        switch image.channels {
        case 1: resampleSeparable(image, map: map, size: size, interpolation: interpolation, border: border, OneChannel.self)
        case 2: resampleSeparable(image, map: map, size: size, interpolation: interpolation, border: border, TwoChannels.self)
        case 3: resampleSeparable(image, map: map, size: size, interpolation: interpolation, border: border, ThreeChannels.self)
        default: resampleSeparable(image, map: map, size: size, interpolation: interpolation, border: border, FourChannels.self)
        }
    }

    private static func resampleSeparable<C: ChannelCount>(
        _ image: Image, map: AffineMap, size: Size, interpolation: Interpolation, border: Border, _: C.Type
    ) -> Image {
        // An empty source has no pixel to clamp to: every sample is then the fill (zero when clamping).
        let sampler = EdgeSampler<C>(image: image, border: image.pixels.isEmpty ? .constant(.zero) : border)
        let nearest = interpolation == .nearest
        let rowLength = size.width * C.count
        // Three horizontal rows (two source rows and the fill row), each with 8 values of slack
        // for the spilling stores, then the column tables.
        let rowCapacity = rowLength + 8
        let layout = SeparableScratch(rowCapacity: rowCapacity, columns: size.width)
        return Image.make(size, channels: C.count) { output in
            image.pixels.withUnsafeBufferPointer { sourceBuffer in
                withUnsafeTemporaryAllocation(byteCount: layout.byteCount, alignment: 16) { scratch in
                    let base = scratch.baseAddress!
                    let rows = base.bindMemory(to: UInt16.self, capacity: 3 * rowCapacity)
                    let columns = SeparableColumns(
                        lefts: (base + layout.leftsOffset).bindMemory(to: Int.self, capacity: size.width),
                        weights: (base + layout.weightsOffset).bindMemory(to: UInt16.self, capacity: size.width),
                        leftWeights: (base + layout.leftWeightsOffset).bindMemory(to: SIMD8<UInt16>.self, capacity: size.width),
                        rightWeights: (base + layout.rightWeightsOffset).bindMemory(to: SIMD8<UInt16>.self, capacity: size.width),
                        map: map, size: size, sourceWidth: image.width, sourceHeight: image.height,
                        nearest: nearest)
                    // Nil only for an empty source, whose rows are all the fill.
                    let source = sourceBuffer.baseAddress
                    let sourceStride = image.width * C.count
                    // The rows held in the three buffers: a source row index, or none yet.
                    let noRow = Int.min
                    var held = (noRow, noRow)
                    var fillRowReady = false
                    let slots = (rows, rows + rowCapacity)
                    let fillRow = rows + 2 * rowCapacity
                    /// The horizontal pass of row `row` (after the border rule), reused if a buffer
                    /// holds it, else computed into the buffer that does not hold row `kept`.
                    func horizontal(_ row: Int, keeping kept: Int) -> UnsafeMutablePointer<UInt16> {
                        guard let sourceRow = sampler.rowIndex(row), let source else {
                            if !fillRowReady {
                                blendRow(nil, into: fillRow, columns: columns, sampler: sampler, wideLoads: false, C.self)
                                fillRowReady = true
                            }
                            return fillRow
                        }
                        if held.0 == sourceRow { return slots.0 }
                        if held.1 == sourceRow { return slots.1 }
                        let useFirst = held.0 != sampler.rowIndex(kept)
                        let buffer = useFirst ? slots.0 : slots.1
                        // The vector loads read up to 5 bytes past a row's last tap: not past the image.
                        blendRow(source + sourceRow * sourceStride, into: buffer, columns: columns, sampler: sampler,
                                 wideLoads: (image.height - 1 - sourceRow) * sourceStride >= 8, C.self)
                        if useFirst { held.0 = sourceRow } else { held.1 = sourceRow }
                        return buffer
                    }
                    for y in 0..<size.height {
                        let top: Int, weight: UInt16
                        if nearest {
                            (top, weight) = (sampler.floorIndex(map.yy * Double(y) + map.y0 + 0.5, limit: image.height), 0)
                        } else {
                            // The affine kernel's row position: fixed(yy * y + y0), held when far out.
                            let position = RowPositions(base: (0, map.yy * Double(y) + map.y0), slope: (0, 0), count: 1,
                                                        width: image.width, height: image.height)(0).y
                            (top, weight) = (FixedPoint.whole(position), FixedPoint.weight(position))
                        }
                        let upper = horizontal(top, keeping: top + 1)
                        // A zero weight ignores the lower row (any row gives the same bytes).
                        let lower = weight == 0 ? upper : horizontal(top + 1, keeping: top)
                        blendRows(upper, lower, weight: weight, count: rowLength, into: output + y * rowLength)
                    }
                }
            }
        }
    }

    /// One output row: `upper` and `lower` blended with `weight` (`FixedPoint`'s vertical
    /// step), sixteen values at a time.
    @inline(__always)
    static func blendRows(_ upper: UnsafePointer<UInt16>, _ lower: UnsafePointer<UInt16>, weight: UInt16, count: Int,
                          into output: UnsafeMutablePointer<UInt8>) {
        let (upperWeight, lowerWeight) = (SIMD8<UInt16>(repeating: ~weight), SIMD8<UInt16>(repeating: weight))
        let (top, bottom, target) = (UnsafeRawPointer(upper), UnsafeRawPointer(lower), UnsafeMutableRawPointer(output))
        @inline(__always) func blend(_ offset: Int) -> SIMD8<UInt16> {
            let above = top.loadUnaligned(fromByteOffset: offset &* 2, as: SIMD8<UInt16>.self)
            let below = bottom.loadUnaligned(fromByteOffset: offset &* 2, as: SIMD8<UInt16>.self)
            return (FixedPoint.mulhi(above, upperWeight) &+ FixedPoint.mulhi(below, lowerWeight) &+ 131) &>> 8
        }
        var index = 0
        while index &+ 16 <= count {
            let bytes = SIMD16<UInt8>(truncatingIfNeeded: SIMD16<UInt16>(lowHalf: blend(index), highHalf: blend(index &+ 8)))
            target.storeBytes(of: bytes, toByteOffset: index, as: SIMD16<UInt8>.self)
            index &+= 16
        }
        while index < count {
            let value = FixedPoint.mulhi(upper[index], ~weight) &+ FixedPoint.mulhi(lower[index], weight) &+ 131
            output[index] = UInt8(truncatingIfNeeded: value &>> 8)
            index &+= 1
        }
    }

    /// One horizontal pass: for every output column, its two taps in `row` (nil: the fill row,
    /// every sample the fill) blended with the column's weight (`FixedPoint`'s horizontal
    /// step), `C.count` values per column. Interior columns (both taps inside) blend all their
    /// channels in one vector; `wideLoads` says 8 bytes may be read past a row's end. The other
    /// columns go tap by tap with the border rule.
    @inline(__always)
    static func blendRow<C: ChannelCount>(
        _ row: UnsafePointer<UInt8>?, into values: UnsafeMutablePointer<UInt16>, columns: SeparableColumns,
        sampler: EdgeSampler<C>, wideLoads: Bool, _: C.Type
    ) {
        let interior = row != nil && wideLoads ? columns.interior : columns.interior.upperBound..<columns.interior.upperBound
        for x in 0..<interior.lowerBound {
            blendColumn(row, x, into: values, columns: columns, sampler: sampler)
        }
        if let row, !interior.isEmpty {
            let pixels = UnsafeRawPointer(row), target = UnsafeMutableRawPointer(values)
            for x in interior {
                let offset = columns.lefts[x] &* C.count
                // Each byte b as b << 8: the left tap's channels, and in a second load the right
                // tap's (moving lanes after the multiply would turn the `pmulhuw` into 32-bit
                // multiplies; two columns per vector measured no faster).
                @inline(__always) func taps(_ offset: Int) -> SIMD8<UInt16> {
                    let bytes: SIMD8<UInt8>
                    switch C.count {
                    case 1: bytes = SIMD8(lowHalf: unsafeBitCast(pixels.loadUnaligned(fromByteOffset: offset, as: UInt32.self),
                                                                 to: SIMD4<UInt8>.self), highHalf: .zero)
                    case 2: bytes = SIMD8(lowHalf: pixels.loadUnaligned(fromByteOffset: offset, as: SIMD4<UInt8>.self), highHalf: .zero)
                    default: bytes = pixels.loadUnaligned(fromByteOffset: offset, as: SIMD8<UInt8>.self)
                    }
                    return unsafeBitCast(interleave(.zero, bytes), to: SIMD8<UInt16>.self)
                }
                let sums = FixedPoint.mulhi(taps(offset), columns.leftWeights[x])
                    &+ FixedPoint.mulhi(taps(offset &+ C.count), columns.rightWeights[x])
                // All 8 lanes stored (a narrower store also narrows the multiply): the first
                // `C.count` are this column's, the rest spill onto later columns, written after it,
                // or onto the row's slack.
                target.storeBytes(of: sums, toByteOffset: x &* C.count &* 2, as: SIMD8<UInt16>.self)
            }
        }
        for x in interior.upperBound..<columns.count {
            blendColumn(row, x, into: values, columns: columns, sampler: sampler)
        }
    }

    /// Column `x` of `blendRow`, tap by tap with the border rule.
    @inline(__always)
    static func blendColumn<C: ChannelCount>(
        _ row: UnsafePointer<UInt8>?, _ x: Int, into values: UnsafeMutablePointer<UInt16>,
        columns: SeparableColumns, sampler: EdgeSampler<C>
    ) {
        let (left, weight) = (columns.lefts[x], columns.weights[x])
        let (first, second) = (sampler.columnTap(row, left), sampler.columnTap(row, left + 1))
        for channel in 0..<C.count {
            @inline(__always) func sample(_ tap: UnsafePointer<UInt8>?) -> UInt16 {
                UInt16(tap.map { $0[channel] } ?? sampler.fill[channel]) &<< 8
            }
            values[x * C.count + channel] = FixedPoint.mulhi(sample(first), ~weight) &+ FixedPoint.mulhi(sample(second), weight)
        }
    }
}

extension EdgeSampler {
    /// The source row that row `y` reads under the border rule, or nil for the fill.
    @inline(__always)
    func rowIndex(_ y: Int) -> Int? {
        if y >= 0 && y < height { return y }
        return clamps ? min(max(y, 0), height - 1) : nil
    }

    /// Where column `x` of `row` is under the border rule, or nil for the fill.
    @inline(__always)
    func columnTap(_ row: UnsafePointer<UInt8>?, _ x: Int) -> UnsafePointer<UInt8>? {
        guard let row else { return nil }
        if x >= 0 && x < width { return row + x * C.count }
        return clamps ? row + min(max(x, 0), width - 1) * C.count : nil
    }
}

/// Where the separable kernel's scratch buffer keeps what: three rows of `rowCapacity` 16-bit
/// values, then per output column its left tap, weight and the weights as vectors.
struct SeparableScratch {
    let leftsOffset: Int
    let weightsOffset: Int
    let leftWeightsOffset: Int
    let rightWeightsOffset: Int
    let byteCount: Int

    init(rowCapacity: Int, columns: Int) {
        @inline(__always) func aligned(_ offset: Int) -> Int { (offset + 15) & ~15 }
        leftsOffset = aligned(3 * rowCapacity * 2)
        weightsOffset = aligned(leftsOffset + columns * MemoryLayout<Int>.stride)
        leftWeightsOffset = aligned(weightsOffset + columns * 2)
        rightWeightsOffset = leftWeightsOffset + columns * MemoryLayout<SIMD8<UInt16>>.stride
        byteCount = rightWeightsOffset + columns * MemoryLayout<SIMD8<UInt16>>.stride
    }
}

/// The taps of every output column: the left tap's source column (the right one is the next)
/// and the right tap's weight, at `FixedPoint` positions (the affine kernel's for the same map:
/// fixed(x0) + x · fixed(xx), or held positions far out), or for nearest sampling the nearest
/// column with weight 0 (which gives that column's value exactly).
struct SeparableColumns {
    let lefts: UnsafeMutablePointer<Int>
    let weights: UnsafeMutablePointer<UInt16>
    /// Per column, ~weight and weight in every lane, for the vector blend.
    let leftWeights: UnsafeMutablePointer<SIMD8<UInt16>>
    let rightWeights: UnsafeMutablePointer<SIMD8<UInt16>>
    let count: Int
    /// The columns whose two taps both lie inside the source (a range: positions are monotonic).
    let interior: Range<Int>

    init(lefts: UnsafeMutablePointer<Int>, weights: UnsafeMutablePointer<UInt16>,
         leftWeights: UnsafeMutablePointer<SIMD8<UInt16>>, rightWeights: UnsafeMutablePointer<SIMD8<UInt16>>,
         map: AffineMap, size: Size, sourceWidth: Int, sourceHeight: Int, nearest: Bool) {
        (self.lefts, self.weights, count) = (lefts, weights, size.width)
        (self.leftWeights, self.rightWeights) = (leftWeights, rightWeights)
        let positions = RowPositions(base: (map.x0, 0), slope: (map.xx, 0), count: size.width,
                                     width: sourceWidth, height: sourceHeight)
        var (first, last) = (size.width, -1)
        for x in 0..<size.width {
            let left: Int, weight: UInt16
            if nearest {
                left = Int(min(max((map.xx * Double(x) + map.x0 + 0.5).rounded(.down), -2), Double(sourceWidth + 1)))
                weight = 0
            } else {
                let position = positions(x).x
                (left, weight) = (FixedPoint.whole(position), FixedPoint.weight(position))
            }
            lefts[x] = left
            weights[x] = weight
            leftWeights[x] = SIMD8(repeating: ~weight)
            rightWeights[x] = SIMD8(repeating: weight)
            if left >= 0 && left <= sourceWidth - 2 { (first, last) = (min(first, x), max(last, x)) }
        }
        interior = first <= last ? first..<last + 1 : 0..<0
    }
}

extension FixedPoint {
    /// The high 16 bits of the product: `mulhi` for one value.
    @inline(__always)
    static func mulhi(_ a: UInt16, _ b: UInt16) -> UInt16 {
        UInt16(truncatingIfNeeded: (UInt32(a) &* UInt32(b)) &>> 16)
    }
}
