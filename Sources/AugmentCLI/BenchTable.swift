import Augment

/// The text `augment bench` prints: a fixed-width table, one row per configuration.
enum BenchTable {
    static let header = pad("workload", 26) + pad("executor", 11) + pad("workers", 8, right: true)
        + pad("seconds", 10, right: true) + pad("min-max", 17, right: true) + pad("speedup", 9, right: true)
        + pad("efficiency", 12, right: true) + "  throughput"

    static func row(_ result: BenchResult) -> String {
        var throughput = fixed(result.throughput, result.throughput >= 100 ? 0 : 1) + " \(result.taskSet.workload.unit)/s"
        if result.taskSet.workload.flopsPerTask > 0 { throughput += ", " + fixed(result.gigaflops, 1) + " GFLOP/s" }
        return pad(result.taskSet.workload.label, 26) + pad(result.executor.rawValue, 11) + pad("\(result.workers)", 8, right: true)
            + pad(fixed(result.seconds, 3), 10, right: true)
            + pad(fixed(result.minimumSeconds, 3) + "-" + fixed(result.maximumSeconds, 3), 17, right: true)
            + pad(fixed(result.speedup, 2), 9, right: true) + pad(fixed(result.efficiency, 2), 12, right: true)
            + "  " + throughput
    }

    static func scalingLine(_ scaling: ArithmeticScaling) -> String {
        "cpu check: \(scaling.factor)x the loop's steps took \(fixed(scaling.ratio, 2))x the time "
            + "(\(fixed(scaling.seconds * 1000, 1)) ms for \(scaling.iterations) steps)"
    }

    /// The timeline file of a result: `dot-1024-blas-default-threads-2.svg`.
    static func fileName(_ result: BenchResult) -> String {
        let label = result.taskSet.workload.label.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        let slug = String(label).split(separator: "-").joined(separator: "-")
        return "\(slug)-\(result.executor.rawValue)-\(result.workers).svg"
    }

    /// `value` with `decimals` digits after the point, or "-" when it is not finite (a
    /// speedup without a serial baseline).
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        value.isFinite ? BenchChart.fixed(value, decimals: decimals) : "-"
    }

    private static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(width - text.count, 1))
        return right ? padding + text : text + padding
    }
}
