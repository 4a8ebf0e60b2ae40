/// The five PNG row filters (ISO/IEC 15948 section 9.2), by their filter-type byte.
///
/// Each predicts a byte from its neighbours in the unfiltered image, `a` left (one pixel back),
/// `b` above and `c` above-left (zero outside the image), and stores the difference modulo 256.
enum PNGRowFilter: UInt8, CaseIterable, Sendable {
    case none = 0, sub = 1, up = 2, average = 3, paeth = 4

    /// The filtered byte: `x` minus this filter's prediction, modulo 256.
    @inline(__always)
    func filtered(_ x: UInt8, left a: UInt8, above b: UInt8, aboveLeft c: UInt8) -> UInt8 {
        switch self {
        case .none: x
        case .sub: x &- a
        case .up: x &- b
        case .average: x &- UInt8((UInt16(a) + UInt16(b)) >> 1)
        case .paeth: x &- Self.paethPredictor(a, b, c)
        }
    }

    /// Of a, b and c, the one nearest to a + b - c, preferring a, then b, on ties (section 9.4).
    @inline(__always)
    static func paethPredictor(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// A filtered byte's share of a row's cost for choosing filters: its distance from zero as a
    /// signed byte (the "minimum sum of absolute differences" heuristic of libpng and others).
    @inline(__always)
    static func cost(_ filtered: UInt8) -> Int { Int(min(filtered, 0 &- filtered)) }
}
