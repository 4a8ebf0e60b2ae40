extension BenchChart {
    /// One workload's panel of a throughput chart: one bar per executor configuration.
    public struct BarGroup: Sendable, Equatable {
        /// The workload, e.g. "augment" or "dot 1024 (BLAS default)".
        public var label: String
        /// The unit of this group's values, e.g. "GFLOP/s"; nil for the chart's.
        public var unit: String?
        public var bars: [Bar]

        public init(label: String, unit: String? = nil, bars: [Bar]) {
            self.label = label
            self.unit = unit
            self.bars = bars
        }
    }

    /// One configuration's result, e.g. "threads ×2" at 812.5 tasks/s.
    public struct Bar: Sendable, Equatable {
        /// The configuration. Its start picks the colour (`Kind`): "serial...", "thread...",
        /// "process..." (in any case), anything else a fourth colour.
        public var label: String
        public var value: Double
        /// The lowest and highest of repeated runs, drawn as a whisker; nil for none. When only
        /// one is given, the whisker runs from it to `value`.
        public var low: Double?
        public var high: Double?

        public init(label: String, value: Double, low: Double? = nil, high: Double? = nil) {
            self.label = label
            self.value = value
            self.low = low
            self.high = high
        }
    }

    /// The executor kind a bar's label names, which decides its colour in every panel.
    /// Read from the label rather than passed in, so callers name a configuration once.
    enum Kind: CaseIterable {
        case serial, threads, processes, other

        init(label: String) {
            let label = label.lowercased()
            if label.hasPrefix("serial") {
                self = .serial
            } else if label.hasPrefix("thread") {
                self = .threads
            } else if label.hasPrefix("process") {
                self = .processes
            } else {
                self = .other
            }
        }

        /// The CSS class of its bars and legend swatch.
        var cssClass: String {
            switch self {
            case .serial: "serial"
            case .threads: "threads"
            case .processes: "processes"
            case .other: "other"
            }
        }

        /// Okabe–Ito colours, told apart with any common colour-vision deficiency; serial, the
        /// baseline, is grey.
        var colour: String {
            switch self {
            case .serial: "#999999"
            case .threads: "#0072b2"
            case .processes: "#e69f00"
            case .other: "#009e73"
            }
        }
    }
}
