/// One row filter's arithmetic on sixteen bytes at once, as a type, so that the row loop
/// (`PNGRowFilter.apply`) is specialised and inlined for each filter rather than testing which
/// filter it runs at every step.
protocol PNGRowFilterKernel {
    static var filter: PNGRowFilter { get }
    /// The same values as `PNGRowFilter.filtered(_:left:above:aboveLeft:)`, lane by lane.
    static func filtered(_ x: SIMD16<UInt8>, left a: SIMD16<UInt8>, above b: SIMD16<UInt8>,
                         aboveLeft c: SIMD16<UInt8>) -> SIMD16<UInt8>
}

extension PNGRowFilter {
    enum NoneKernel: PNGRowFilterKernel {
        static var filter: PNGRowFilter { .none }
        @inline(__always)
        static func filtered(_ x: SIMD16<UInt8>, left a: SIMD16<UInt8>, above b: SIMD16<UInt8>,
                             aboveLeft c: SIMD16<UInt8>) -> SIMD16<UInt8> { x }
    }

    enum SubKernel: PNGRowFilterKernel {
        static var filter: PNGRowFilter { .sub }
        @inline(__always)
        static func filtered(_ x: SIMD16<UInt8>, left a: SIMD16<UInt8>, above b: SIMD16<UInt8>,
                             aboveLeft c: SIMD16<UInt8>) -> SIMD16<UInt8> { x &- a }
    }

    enum UpKernel: PNGRowFilterKernel {
        static var filter: PNGRowFilter { .up }
        @inline(__always)
        static func filtered(_ x: SIMD16<UInt8>, left a: SIMD16<UInt8>, above b: SIMD16<UInt8>,
                             aboveLeft c: SIMD16<UInt8>) -> SIMD16<UInt8> { x &- b }
    }

    enum AverageKernel: PNGRowFilterKernel {
        static var filter: PNGRowFilter { .average }
        /// floor((a + b) / 2) without leaving 8 bits: the common bits plus half the others.
        @inline(__always)
        static func filtered(_ x: SIMD16<UInt8>, left a: SIMD16<UInt8>, above b: SIMD16<UInt8>,
                             aboveLeft c: SIMD16<UInt8>) -> SIMD16<UInt8> {
            x &- ((a & b) &+ ((a ^ b) &>> 1))
        }
    }

    enum PaethKernel: PNGRowFilterKernel {
        static var filter: PNGRowFilter { .paeth }
        @inline(__always)
        static func filtered(_ x: SIMD16<UInt8>, left a: SIMD16<UInt8>, above b: SIMD16<UInt8>,
                             aboveLeft c: SIMD16<UInt8>) -> SIMD16<UInt8> {
            x &- predictor(a, b, c)
        }

        /// The Paeth predictor in 8-bit lanes. With p = a + b - c: |p - a| = |b - c| and
        /// |p - b| = |a - c| fit in a byte; |p - c| = |(a - c) + (b - c)| is their sum when the
        /// two differences have the same sign, else the difference of the two. The sum may pass
        /// 255; it saturates, which changes no comparison (it is only compared with the other
        /// two, which are at most 255 and no larger than it).
        @inline(__always)
        static func predictor(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>, _ c: SIMD16<UInt8>) -> SIMD16<UInt8> {
            let pa = distance(b, c)
            let pb = distance(a, c)
            let saturatedSum = pa &+ minimum(pb, ~pa)
            let pc = saturatedSum.replacing(with: distance(pa, pb), where: (b .< c) .^ (a .< c))
            var prediction = c
            prediction.replace(with: b, where: pb .<= pc)
            prediction.replace(with: a, where: (pa .<= pb) .& (pa .<= pc))
            return prediction
        }
    }

    /// Lane-wise minimum and distance, written with comparisons and selects, which compile to
    /// vector instructions (the standard library's `pointwiseMin` is a loop over lanes).
    @inline(__always)
    static func minimum(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        a.replacing(with: b, where: b .< a)
    }

    @inline(__always)
    static func distance(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        let aIsLarger = b .< a
        return b.replacing(with: a, where: aIsLarger) &- a.replacing(with: b, where: aIsLarger)
    }

    /// Sixteen bytes' costs (see `cost(_:)`): each at most 128.
    @inline(__always)
    static func cost(_ filtered: SIMD16<UInt8>) -> SIMD16<UInt8> {
        minimum(filtered, 0 &- filtered)
    }
}
