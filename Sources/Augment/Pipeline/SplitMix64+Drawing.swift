extension SplitMix64 {
    /// A uniform `Double` in [0, 1): the top 53 bits of one output, times 2^-53. Every value is a
    /// multiple of 2^-53, each equally likely.
    ///
    /// - Complexity: O(1); one output consumed.
    public mutating func unitInterval() -> Double {
        Double(next() &>> 11) * 0x1p-53
    }

    /// A uniform `Double` in `range`: `lo + (hi - lo) * u` with `u` from `unitInterval()`, as
    /// torch's `uniform_` computes it, clamped to `hi` against rounding. `range.upperBound -
    /// range.lowerBound` must be finite. A range of one value returns it (still consuming one output,
    /// so the number of draws never depends on the values).
    ///
    /// - Complexity: O(1); one output consumed.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        let u = unitInterval()
        return min(range.lowerBound + (range.upperBound - range.lowerBound) * u, range.upperBound)
    }

    /// A uniform integer in `range`, exact and unbiased, by Lemire's multiply-and-reject method
    /// ("Fast random integer generation in an interval", 2019): the high half of `next() × n`,
    /// redrawn when the low half falls in the `2^64 mod n` values that would bias it.
    ///
    /// - Complexity: O(1) expected; one output, and with probability below n / 2^64 more.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound))
        if span == UInt64.max {
            return Int(truncatingIfNeeded: next())
        }
        let count = span + 1
        var product = next().multipliedFullWidth(by: count)
        if product.low < count {
            let threshold = (0 &- count) % count
            while product.low < threshold {
                product = next().multipliedFullWidth(by: count)
            }
        }
        return range.lowerBound &+ Int(truncatingIfNeeded: product.high)
    }

    /// True with probability `probability` (in [0, 1]): `unitInterval() < probability`, as
    /// albumentations' `random() < p`. Always consumes one output, even for 0 and 1.
    ///
    /// - Complexity: O(1).
    public mutating func chance(_ probability: Double) -> Bool {
        unitInterval() < probability
    }
}
