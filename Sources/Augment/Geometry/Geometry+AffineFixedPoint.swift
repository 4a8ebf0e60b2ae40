/// The fixed-point arithmetic of bilinear affine resampling, shared by the interior loop
/// (`Geometry.blendEight`, `Geometry.blendOne`) and the edge path (`EdgeSampler.bilinear`), so
/// that a pixel's value never depends on which path computed it.
///
/// Positions: 64-bit integers with 32 fractional bits, `start + x * step` along an output row
/// (`RowPositions`), the same integers whichever path asks. Weights: the top 16 fractional
/// bits, `w` in [0, 65535], and its complement `~w` = 65535 - w (the pair sums to 65535/65536,
/// not 1: the missing 1/65536 of a level costs less than one unit below).
///
/// Values: a byte `b` held as `b << 8` in 16 bits, so that one `pmulhuw` (the high 16 bits of
/// a 16 x 16-bit product, `mulhi`) weighs a tap. In units of 1/256 level:
///
///     upper = mulhi(topLeft, ~wx) + mulhi(topRight, wx)
///     lower = mulhi(bottomLeft, ~wx) + mulhi(bottomRight, wx)
///     value = (mulhi(upper, ~wy) + mulhi(lower, wy) + 131) >> 8
///
/// Error bound. Let V be 256 x the exact bilinear value at the quantised position. Each `mulhi`
/// floors (loses less than 1 unit) and each weight pair drops 1/65536 of its input (less than 1
/// unit), so `upper` and `lower` lie in (exact - 3, exact] and the sum before rounding in
/// (V - 6, V]. Adding 131 = 128 + 3 centres that interval: the result is V / 256 rounded to
/// nearest except within 3/256 of a half, and is exact when V / 256 is whole (a tap on a
/// pixel, a uniform image). Weights truncated to 16 bits and positions to 32 move V / 256 by
/// less than 2 x 255 / 65536 < 0.008 level. So the value before rounding is within 0.03 level
/// of the exact one. The float reference kernel (`ReferenceAffine` in the tests) computes
/// interior positions in Float, off by up to about 3 half-ulps of the position on each axis:
/// below 0.03 level for sources up to 256 pixels, 0.4 up to 4096. While that stays below
/// 0.97 level the two values before rounding differ by less than 1, so the bytes differ by at
/// most 1 (and only near halves). Every 16-bit sum stays below 65536.
enum FixedPoint {
    /// 1.0 in a position's fractional bits.
    static let one = 4_294_967_296.0

    /// `value` in 32.32 fixed point, rounded to nearest (halves away from zero); for |value| <
    /// 2^31. (A truncating conversion: `rounded()` is a library call without SSE4.1.)
    @inline(__always)
    static func fixed(_ value: Double) -> Int64 {
        let scaled = value * one
        return Int64(scaled + (scaled < 0 ? -0.5 : 0.5))
    }

    /// The high 16 bits of each product: `pmulhuw`.
    ///
    /// The lanes are widened and narrowed one by one rather than with the generic
    /// `init(truncatingIfNeeded:)`: the optimiser may leave that as an out-of-line call (a loop
    /// over the lanes) once enough kernels use it, which made the affine kernel four times
    /// slower; written out, the conversions always fold into the one instruction.
    @inline(__always)
    static func mulhi(_ a: SIMD8<UInt16>, _ b: SIMD8<UInt16>) -> SIMD8<UInt16> {
        @inline(__always) func widened(_ v: SIMD8<UInt16>) -> SIMD8<UInt32> {
            SIMD8(UInt32(v[0]), UInt32(v[1]), UInt32(v[2]), UInt32(v[3]), UInt32(v[4]), UInt32(v[5]), UInt32(v[6]), UInt32(v[7]))
        }
        let products = (widened(a) &* widened(b)) &>> 16
        @inline(__always) func lane(_ index: Int) -> UInt16 { UInt16(truncatingIfNeeded: products[index]) }
        return SIMD8(lane(0), lane(1), lane(2), lane(3), lane(4), lane(5), lane(6), lane(7))
    }

    @inline(__always)
    static func mulhi(_ a: SIMD4<UInt16>, _ b: SIMD4<UInt16>) -> SIMD4<UInt16> {
        @inline(__always) func widened(_ v: SIMD4<UInt16>) -> SIMD4<UInt32> {
            SIMD4(UInt32(v[0]), UInt32(v[1]), UInt32(v[2]), UInt32(v[3]))
        }
        let products = (widened(a) &* widened(b)) &>> 16
        @inline(__always) func lane(_ index: Int) -> UInt16 { UInt16(truncatingIfNeeded: products[index]) }
        return SIMD4(lane(0), lane(1), lane(2), lane(3))
    }

    /// The blend above for eight pixels (a lane each); the result byte is in each lane's high 8 bits.
    @inline(__always)
    static func blend(_ topLeft: SIMD8<UInt16>, _ topRight: SIMD8<UInt16>, _ bottomLeft: SIMD8<UInt16>,
                      _ bottomRight: SIMD8<UInt16>, weightX: SIMD8<UInt16>, weightY: SIMD8<UInt16>) -> SIMD8<UInt16> {
        let upper = mulhi(topLeft, ~weightX) &+ mulhi(topRight, weightX)
        let lower = mulhi(bottomLeft, ~weightX) &+ mulhi(bottomRight, weightX)
        return mulhi(upper, ~weightY) &+ mulhi(lower, weightY) &+ 131
    }

    /// The same blend for one pixel's channels (a lane each).
    @inline(__always)
    static func blend(_ topLeft: SIMD4<UInt16>, _ topRight: SIMD4<UInt16>, _ bottomLeft: SIMD4<UInt16>,
                      _ bottomRight: SIMD4<UInt16>, weightX: UInt16, weightY: UInt16) -> SIMD4<UInt8> {
        let (wx, wy) = (SIMD4<UInt16>(repeating: weightX), SIMD4<UInt16>(repeating: weightY))
        let upper = mulhi(topLeft, ~wx) &+ mulhi(topRight, wx)
        let lower = mulhi(bottomLeft, ~wx) &+ mulhi(bottomRight, wx)
        return SIMD4<UInt8>(truncatingIfNeeded: (mulhi(upper, ~wy) &+ mulhi(lower, wy) &+ 131) &>> 8)
    }

    /// A position's weight: the top 16 of its 32 fractional bits.
    @inline(__always)
    static func weight(_ position: Int64) -> UInt16 { UInt16(truncatingIfNeeded: position &>> 16) }

    /// A position's whole part (its floor).
    @inline(__always)
    static func whole(_ position: Int64) -> Int { Int(position &>> 32) }
}

/// Where the pixels of one output row sample, in 32.32 fixed point.
///
/// When the whole row lies within ±2^30 pixels on both axes, pixel `x` samples at `start +
/// x * step` (exact integer arithmetic: the same for every path and every split of the row).
/// Otherwise (extreme maps only) each pixel's position is taken from its own double position,
/// held to [-2, size + 1] (where every farther position samples the same), and the row goes
/// wholly through the edge path.
struct RowPositions {
    let start: (x: Int64, y: Int64)
    let step: (x: Int64, y: Int64)
    /// False for rows outside ±2^30, whose positions come from doubles.
    let stepped: Bool
    let base: (x: Double, y: Double)
    let slope: (x: Double, y: Double)
    let limits: (x: Double, y: Double)

    init(base: (x: Double, y: Double), slope: (x: Double, y: Double), count: Int, width: Int, height: Int) {
        let last = Double(max(count - 1, 0))
        // Also false for NaN.
        @inline(__always) func small(_ value: Double) -> Bool { abs(value) < 1_073_741_824 }
        stepped = small(base.x) && small(base.y) && small(base.x + slope.x * last) && small(base.y + slope.y * last)
            && small(slope.x) && small(slope.y)
        (self.base, self.slope) = (base, slope)
        limits = (Double(width + 1), Double(height + 1))
        if stepped {
            start = (FixedPoint.fixed(base.x), FixedPoint.fixed(base.y))
            step = (FixedPoint.fixed(slope.x), FixedPoint.fixed(slope.y))
        } else {
            (start, step) = ((0, 0), (0, 0))
        }
    }

    @inline(__always)
    func callAsFunction(_ x: Int) -> (x: Int64, y: Int64) {
        if stepped { return (start.x &+ Int64(x) &* step.x, start.y &+ Int64(x) &* step.y) }
        @inline(__always) func held(_ value: Double, _ limit: Double) -> Int64 {
            FixedPoint.fixed(value > -2 ? min(value, limit) : -2)  // NaN: -2
        }
        let position = Double(x)
        return (held(base.x + slope.x * position, limits.x), held(base.y + slope.y * position, limits.y))
    }
}

extension Geometry {
    /// For `count` (at least 1) output pixels from fixed positions `start` on (`step` apart),
    /// all of whose taps lie inside the source (the caller checks the ends: positions are
    /// monotonic), the byte offset of each top-left tap and the weights of its right and lower
    /// neighbours. Returns the largest offset.
    ///
    /// The scalar loop is the definition; four pixels at a time compute the same values when
    /// `smallStrides` (row stride and height below 2^15: every `left`, `top` and stride fits
    /// in 15 bits, so that the offset `left * C + top * rowStride` is one `pmaddwd`: SSE2 has
    /// no 32-bit multiply of vectors).
    @inline(__always)
    static func locateTaps(start: (Int64, Int64), step: (Int64, Int64), count: Int, strides: (Int32, Int32),
                           smallStrides: Bool, offsets: UnsafeMutablePointer<Int32>,
                           weightsX: UnsafeMutablePointer<UInt16>, weightsY: UnsafeMutablePointer<UInt16>) -> Int {
        @inline(__always) func position(_ index: Int) -> (Int64, Int64) {
            (start.0 &+ Int64(index) &* step.0, start.1 &+ Int64(index) &* step.1)
        }
        @inline(__always) func offset(_ index: Int) -> Int32 {
            let (x, y) = position(index)
            return Int32(truncatingIfNeeded: x &>> 32) &* strides.0 &+ Int32(truncatingIfNeeded: y &>> 32) &* strides.1
        }
        var index = 0
        if smallStrides {
            // The masks tell the compiler that every factor fits in 15 bits (they change nothing).
            let (strideX, strideY) = (SIMD4<Int32>(repeating: strides.0) & 0x7FFF, SIMD4<Int32>(repeating: strides.1) & 0x7FFF)
            // Each position as two 32-bit halves, whole and fraction, so that stepping and
            // splitting them takes no 64-bit lanes or shuffles (as fast as 64-bit lanes, with
            // fewer instructions): the fraction is kept with its top bit flipped, so that a
            // signed compare finds the carry (the unsigned sum wrapping) into the whole part.
            @inline(__always) func halves(_ start: Int64, _ step: Int64) -> (whole: SIMD4<Int32>, fraction: SIMD4<Int32>) {
                var (whole, fraction) = (SIMD4<Int32>(), SIMD4<Int32>())
                for lane in 0..<4 {
                    let position = start &+ Int64(lane) &* step
                    whole[lane] = Int32(truncatingIfNeeded: position &>> 32)
                    fraction[lane] = Int32(truncatingIfNeeded: position) ^ Int32.min
                }
                return (whole, fraction)
            }
            var (wholeX, fractionX) = halves(start.0, step.0)
            var (wholeY, fractionY) = halves(start.1, step.1)
            let (stepX, stepY) = (step.0 &* 4, step.1 &* 4)
            let (wholeStepX, fractionStepX) = (Int32(truncatingIfNeeded: stepX &>> 32), Int32(truncatingIfNeeded: stepX))
            let (wholeStepY, fractionStepY) = (Int32(truncatingIfNeeded: stepY &>> 32), Int32(truncatingIfNeeded: stepY))
            @inline(__always) func advance(_ whole: inout SIMD4<Int32>, _ fraction: inout SIMD4<Int32>,
                                           _ wholeStep: Int32, _ fractionStep: Int32) {
                let next = fraction &+ fractionStep
                // A true lane of the mask is -1: subtracting it adds the carry.
                whole = whole &+ wholeStep &- unsafeBitCast(next .< fraction, to: SIMD4<Int32>.self)
                fraction = next
            }
            while index &+ 4 <= count {
                let offset = (wholeX & 0x7FFF) &* strideX &+ (wholeY & 0x7FFF) &* strideY
                UnsafeMutableRawPointer(offsets + index).storeBytes(of: offset, as: SIMD4<Int32>.self)
                // A weight is the top 16 bits of the fraction: shifted arithmetically they fit
                // Int16 (one `packssdw`), and the flipped top bit flips back.
                let weightX = SIMD4<UInt16>(truncatingIfNeeded: fractionX &>> 16) ^ 0x8000
                let weightY = SIMD4<UInt16>(truncatingIfNeeded: fractionY &>> 16) ^ 0x8000
                UnsafeMutableRawPointer(weightsX + index).storeBytes(of: weightX, as: SIMD4<UInt16>.self)
                UnsafeMutableRawPointer(weightsY + index).storeBytes(of: weightY, as: SIMD4<UInt16>.self)
                advance(&wholeX, &fractionX, wholeStepX, fractionStepX)
                advance(&wholeY, &fractionY, wholeStepY, fractionStepY)
                index &+= 4
            }
        }
        while index < count {
            offsets[index] = offset(index)
            let (x, y) = position(index)
            weightsX[index] = FixedPoint.weight(x)
            weightsY[index] = FixedPoint.weight(y)
            index &+= 1
        }
        // Positions never decrease (or never increase) along a span, nor do lefts and tops, so
        // the largest left and top are at its ends.
        let (first, last) = (position(0), position(count &- 1))
        return Int(max(first.0 &>> 32, last.0 &>> 32)) * Int(strides.0) + Int(max(first.1 &>> 32, last.1 &>> 32)) * Int(strides.1)
    }

    /// One interior pixel from its entry in the tap tables: four 4-byte tap loads, the
    /// channels blended in one vector (`FixedPoint.blend`, as the edge path).
    @inline(__always)
    static func blendOne<C: ChannelCount>(_ source: UnsafePointer<UInt8>, rowStride: Int, offset: Int,
                                          weightX: UInt16, weightY: UInt16, into pixel: UnsafeMutablePointer<UInt8>,
                                          _: C.Type) {
        @inline(__always) func tap(_ offset: Int) -> SIMD4<UInt16> {
            let bytes = UnsafeRawPointer(source).loadUnaligned(fromByteOffset: offset, as: SIMD4<UInt8>.self)
            return SIMD4<UInt16>(truncatingIfNeeded: bytes) &<< 8
        }
        let value = FixedPoint.blend(tap(offset), tap(offset &+ C.count), tap(offset &+ rowStride),
                                     tap(offset &+ rowStride &+ C.count), weightX: weightX, weightY: weightY)
        for channel in 0..<C.count { pixel[channel] = value[channel] }
    }

    /// Eight consecutive interior pixels, each channel blended across the eight pixels in one
    /// vector (a lane per pixel) with `FixedPoint.blend`.
    ///
    /// Each pixel's top-left and top-right taps are 2 x `C` <= 8 adjacent bytes, read in one
    /// 8-byte load (the bottom ones likewise); three rounds of interleaving turn the eight
    /// loads into planes, one per byte position, and a last interleave with zeros puts each
    /// byte in the high half of a 16-bit lane (the `b << 8` of `FixedPoint`). Writes 8 x `C`
    /// bytes, plus 2 more past them for 3 channels (the next pixel's, written later).
    @inline(__always)
    static func blendEight<C: ChannelCount>(_ source: UnsafePointer<UInt8>, rowStride: Int,
                                            offsets: UnsafePointer<Int32>, weightX: SIMD8<UInt16>,
                                            weightY: SIMD8<UInt16>, into pixel: UnsafeMutablePointer<UInt8>,
                                            _: C.Type) {
        let raw = UnsafeRawPointer(source)
        typealias Planes = (SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>, SIMD16<UInt8>)
        // Byte positions 2k and 2k + 1 of the eight pixels' loads in group k.
        @inline(__always) func planes(_ row: Int) -> Planes {
            @inline(__always) func load(_ index: Int) -> SIMD8<UInt8> {
                raw.loadUnaligned(fromByteOffset: Int(offsets[index]) &+ row, as: SIMD8<UInt8>.self)
            }
            let ab = unsafeBitCast(interleave(load(0), load(1)), to: SIMD8<UInt16>.self)
            let cd = unsafeBitCast(interleave(load(2), load(3)), to: SIMD8<UInt16>.self)
            let ef = unsafeBitCast(interleave(load(4), load(5)), to: SIMD8<UInt16>.self)
            let gh = unsafeBitCast(interleave(load(6), load(7)), to: SIMD8<UInt16>.self)
            let abcdLow = unsafeBitCast(interleave(ab.lowHalf, cd.lowHalf), to: SIMD4<UInt32>.self)
            let abcdHigh = unsafeBitCast(interleave(ab.highHalf, cd.highHalf), to: SIMD4<UInt32>.self)
            let efghLow = unsafeBitCast(interleave(ef.lowHalf, gh.lowHalf), to: SIMD4<UInt32>.self)
            let efghHigh = unsafeBitCast(interleave(ef.highHalf, gh.highHalf), to: SIMD4<UInt32>.self)
            return (unsafeBitCast(interleave(abcdLow.lowHalf, efghLow.lowHalf), to: SIMD16<UInt8>.self),
                    unsafeBitCast(interleave(abcdLow.highHalf, efghLow.highHalf), to: SIMD16<UInt8>.self),
                    unsafeBitCast(interleave(abcdHigh.lowHalf, efghHigh.lowHalf), to: SIMD16<UInt8>.self),
                    unsafeBitCast(interleave(abcdHigh.highHalf, efghHigh.highHalf), to: SIMD16<UInt8>.self))
        }
        // Byte position k of the eight pixels, each as byte << 8. (Called with constants, so
        // that every plane index is known when compiling: no loop here.)
        @inline(__always) func plane(_ planes: Planes, _ k: Int) -> SIMD8<UInt16> {
            let group = k < 4 ? (k < 2 ? planes.0 : planes.1) : (k < 6 ? planes.2 : planes.3)
            return unsafeBitCast(interleave(.zero, k & 1 == 0 ? group.lowHalf : group.highHalf), to: SIMD8<UInt16>.self)
        }
        let top = planes(0), bottom = planes(rowStride)
        @inline(__always) func blend(_ channel: Int) -> SIMD8<UInt16> {
            FixedPoint.blend(plane(top, channel), plane(top, channel &+ C.count),
                             plane(bottom, channel), plane(bottom, channel &+ C.count),
                             weightX: weightX, weightY: weightY)
        }
        let target = UnsafeMutableRawPointer(pixel)
        // Two channels' results as byte pairs: the first's byte moved down, the second's kept high.
        @inline(__always) func pair(_ low: SIMD8<UInt16>, _ high: SIMD8<UInt16>) -> SIMD8<UInt16> {
            (low &>> 8) | (high & 0xFF00)
        }
        switch C.count {
        case 1:
            target.storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: blend(0) &>> 8), as: SIMD8<UInt8>.self)
        case 2:
            target.storeBytes(of: pair(blend(0), blend(1)), as: SIMD8<UInt16>.self)
        case 3:
            // Eight 3-byte pixels in 32-bit lanes (widening conversions: lane-by-lane
            // interleaves of computed vectors compile to scalar code), then each pair packed
            // into 6 bytes of a 64-bit lane, which the compiler does in general registers
            // (measured faster than in vectors: the vector units are the busier).
            let redGreen = pair(blend(0), blend(1)), blue = blend(2) & 0xFF00
            @inline(__always) func store(_ redGreen: SIMD4<UInt16>, _ blue: SIMD4<UInt16>, at offset: Int) {
                let pixels = SIMD4<UInt32>(truncatingIfNeeded: redGreen) | SIMD4<UInt32>(truncatingIfNeeded: blue) &<< 8
                let lanes = unsafeBitCast(pixels, to: SIMD2<UInt64>.self)
                let packed = (lanes & 0xFFFF_FFFF) | ((lanes &>> 8) & 0xFFFF_FF00_0000)
                target.storeBytes(of: packed[0], toByteOffset: offset, as: UInt64.self)
                target.storeBytes(of: packed[1], toByteOffset: offset &+ 6, as: UInt64.self)
            }
            store(redGreen.lowHalf, blue.lowHalf, at: 0)
            store(redGreen.highHalf, blue.highHalf, at: 12)
        default:
            let redGreen = pair(blend(0), blend(1)), blueAlpha = pair(blend(2), blend(3))
            @inline(__always) func pixels(_ redGreen: SIMD4<UInt16>, _ blueAlpha: SIMD4<UInt16>) -> SIMD4<UInt32> {
                SIMD4<UInt32>(truncatingIfNeeded: redGreen) | SIMD4<UInt32>(truncatingIfNeeded: blueAlpha) &<< 16
            }
            target.storeBytes(of: pixels(redGreen.lowHalf, blueAlpha.lowHalf), as: SIMD4<UInt32>.self)
            target.storeBytes(of: pixels(redGreen.highHalf, blueAlpha.highHalf), toByteOffset: 16, as: SIMD4<UInt32>.self)
        }
    }

    @inline(__always)
    static func interleave(_ a: SIMD2<UInt32>, _ b: SIMD2<UInt32>) -> SIMD4<UInt32> {
        SIMD4(a[0], b[0], a[1], b[1])
    }
}
