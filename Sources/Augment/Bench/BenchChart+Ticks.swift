extension BenchChart {
    /// Evenly spaced axis values at a "nice" step, 1, 2 or 5 × 10^k, starting at zero.
    struct Ticks: Equatable {
        /// The step: `mantissa` × 10^`exponent`.
        var step: Double
        var mantissa: Int
        var exponent: Int
        /// 0, step, 2 × step, ...; computed as i × step, so no error accumulates.
        var values: [Double]

        /// Digits after the point that print every tick exactly (a step of 0.25 never occurs).
        var decimals: Int { max(-exponent, 0) }

        /// Ticks over 0 ... `end` at the smallest nice step that makes at most `intervals`
        /// intervals. With `covering`, the last tick is the first at or beyond `end` (an axis
        /// that ends on a tick: bar charts); without, the last at or before it (an axis whose
        /// end is the data's: timelines). A non-finite or non-positive `end` is taken as 1.
        ///
        /// - Complexity: O(intervals).
        init(upTo end: Double, intervals: Int, covering: Bool) {
            let end = end.isFinite && end > 0 ? end : 1
            let intervals = max(intervals, 1)
            (mantissa, exponent) = Ticks.niceStep(atLeast: end / Double(intervals))
            step = Double(mantissa) * BenchChart.powerOfTen(exponent)
            // A relative slack, so that an end of 0.3 is not missed because 3 × 0.1 > 0.3.
            let slack = 1e-9
            let count = covering
                ? max(Int((end / step * (1 - slack)).rounded(.up)), 1)
                : Int((end / step * (1 + slack)).rounded(.down))
            let step = step
            values = (0...count).map { Double($0) * step }
        }

        /// The smallest 1, 2 or 5 × 10^k that is at least `raw` (> 0, finite), as (m, k).
        ///
        /// - Complexity: O(|k|²) multiplications, a few hundred at most.
        static func niceStep(atLeast raw: Double) -> (mantissa: Int, exponent: Int) {
            guard raw.isFinite && raw > 0 else { return (1, 0) }
            let exponent = BenchChart.decimalExponent(of: raw)
            // 1 ≤ fraction < 10, up to rounding; the slack keeps an exact 0.2 from becoming 0.5.
            let fraction = raw / BenchChart.powerOfTen(exponent)
            let slack = 1e-9
            if fraction <= 1 + slack { return (1, exponent) }
            if fraction <= 2 + slack { return (2, exponent) }
            if fraction <= 5 + slack { return (5, exponent) }
            return (1, exponent + 1)
        }
    }
}
