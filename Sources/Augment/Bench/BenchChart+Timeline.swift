extension BenchChart {
    /// Where a timeline's parts go, in SVG user units (pixels). The plot is the rectangle
    /// `plotLeft ... plotRight` × `plotTop ..< plotTop + lanes × laneHeight`; lane 0 is the top
    /// one. Time t (seconds) is at `plotLeft + t / end × (plotRight - plotLeft)`, where `end` is
    /// max(seconds, latest stop), or 1 when that is not above 0.
    enum TimelineGeometry {
        static let width = 1000.0
        /// Room on the left for the lane labels ("worker 16"; a lane name of up to about 12
        /// characters fits) and the rotated y-axis label.
        static let plotLeft = 110.0
        /// Room on the right for half of the last tick label.
        static let plotRight = 970.0
        /// Room above for the title and the subtitle (kept even without a subtitle, so the
        /// plot does not move).
        static let plotTop = 64.0
        /// One lane per worker: 16 lanes make a plot 416 high, and a 64-worker run still fits
        /// a tall screen at lanes whose labels stay 12 px type.
        static let laneHeight = 26.0
        /// Space above and below each bar, inside its lane, so neighbouring lanes' bars never
        /// touch.
        static let barInset = 3.0
        /// Room below for the tick labels and the x-axis label.
        static let marginBottom = 52.0
        /// At most this many tick intervals: about 86 px apart, room for labels like "0.0125".
        static let tickIntervals = 10
        /// A task too short to span a pixel still shows, as a sliver this wide.
        static let minimumBarWidth = 0.5
        /// Bars get a white outline, so that touching tasks stay apart, only when they are on
        /// average at least this wide: on narrower ones it would wash the lane out.
        static let outlineMinimumMeanWidth = 3.0

        static func height(lanes: Int) -> Double { plotTop + Double(lanes) * laneHeight + marginBottom }

        /// The x of `seconds` on an axis from 0 to `end` (> 0).
        static func x(_ seconds: Double, end: Double) -> Double {
            plotLeft + seconds / end * (plotRight - plotLeft)
        }

        /// The top of lane `lane`'s bars.
        static func barTop(lane: Int) -> Double { plotTop + Double(lane) * laneHeight + barInset }
    }

    /// A Gantt-style timeline of one benchmark run: each task a bar from its start to its stop,
    /// on its worker's lane (lane 0 at the top), against seconds since the run began.
    ///
    /// - The x axis runs from 0 to max(`seconds`, the latest stop) (to 1 when both are 0), with
    ///   ticks at a step of 1, 2 or 5 × 10^k, at most `TimelineGeometry.tickIntervals` of them.
    /// - Lanes are labelled "`laneName` 1" ... "`laneName` N" (just `laneName` when there is one
    ///   lane, e.g. "serial"); the y axis is labelled `laneName`. There are `lanes` lanes, more
    ///   if a span's lane is beyond them (so no bar is lost), at least 1.
    /// - Bars alternate between two fills in the order they ran on their lane (not by task
    ///   index: a round-robin schedule gives a lane only even or only odd tasks), so that two
    ///   touching tasks always differ. Each bar has a tooltip, "task 12: 0.153–0.201 s (48.0 ms)".
    /// - Every span is one `<rect>` in `<g class="tasks">`, with only x, y, width, height and a
    ///   class: shared styling is in the `<style>` block, so thousands of spans stay compact
    ///   (about 100 bytes each).
    /// - Degenerate input draws without a non-finite number: a non-finite time counts as 0, a
    ///   start before 0 as 0, a stop before its start as the start (and the axis reaches that
    ///   start); a span with a negative lane is left out.
    ///
    /// - Complexity: O(n log n) for n spans (each lane's spans are sorted by start).
    public static func timeline(
        title: String, subtitle: String? = nil, lanes: Int, laneName: String = "worker",
        spans: [TaskSpan], seconds: Double
    ) -> String {
        typealias G = TimelineGeometry
        let finite = { (t: Double) in t.isFinite ? max(t, 0) : 0 }
        let laneCount = max(lanes, (spans.map(\.lane).max() ?? 0) + 1, 1)
        // A stop before its start is drawn at the start, so the start counts too.
        let latestStop = spans.map { max(finite($0.start), finite($0.stop)) }.max() ?? 0
        let dataEnd = max(finite(seconds), latestStop)
        let end = dataEnd > 0 ? dataEnd : 1
        let ticks = Ticks(upTo: end, intervals: G.tickIntervals, covering: false)
        // Tooltips print two more digits than the ticks: enough to tell neighbours apart.
        let tooltipDecimals = min(ticks.decimals + 2, 12)

        // Each lane's spans in the order they ran.
        var laneSpans = [[TaskSpan]](repeating: [], count: laneCount)
        for span in spans where span.lane >= 0 { laneSpans[span.lane].append(span) }
        for lane in laneSpans.indices {
            laneSpans[lane].sort { ($0.start, $0.task) < ($1.start, $1.task) }
        }
        let clamped = { (span: TaskSpan) -> (start: Double, stop: Double) in
            let start = finite(span.start)
            return (start, max(finite(span.stop), start))
        }
        let plotWidth = G.plotRight - G.plotLeft
        let totalWidth = laneSpans.joined().reduce(0.0) { sum, span in
            let (start, stop) = clamped(span)
            return sum + (stop - start) / end * plotWidth
        }
        let drawn = laneSpans.reduce(0) { $0 + $1.count }
        let outlined = drawn > 0 && totalWidth / Double(drawn) >= G.outlineMinimumMeanWidth

        let height = G.height(lanes: laneCount)
        let plotBottom = G.plotTop + Double(laneCount) * G.laneHeight
        let css = """
            .title{font-size:16px;font-weight:bold}
            .subtitle{fill:#555555}
            .axis{stroke:#333333;stroke-width:1;fill:none}
            .grid{stroke:#dddddd;stroke-width:1}
            .stripe{fill:#f3f3f3}
            .lane{text-anchor:end}
            .tick{text-anchor:middle;font-size:11px}
            .label{text-anchor:middle}
            .tasks rect{\(outlined ? "stroke:#ffffff;stroke-width:0.5" : "stroke:none")}
            .a{fill:#2b6cb0}
            .b{fill:#7fb3e6}
            """
        var svg = documentStart(width: G.width, height: height, title: title, css: css)
        svg.reserveCapacity(svg.utf8.count + 4096 + drawn * 110)

        svg += "<text class=\"title\" x=\"\(coordinate(G.plotLeft))\" y=\"26\">\(escaped(title))</text>\n"
        if let subtitle {
            svg += "<text class=\"subtitle\" x=\"\(coordinate(G.plotLeft))\" y=\"46\">\(escaped(subtitle))</text>\n"
        }

        // Lane stripes and labels: every other lane shaded, so a row is easy to follow.
        svg += "<g>\n"
        for lane in 0..<laneCount {
            let top = G.plotTop + Double(lane) * G.laneHeight
            if lane % 2 == 1 {
                svg += "<rect class=\"stripe\" x=\"\(coordinate(G.plotLeft))\" y=\"\(coordinate(top))\" "
                    + "width=\"\(coordinate(plotWidth))\" height=\"\(coordinate(G.laneHeight))\"/>\n"
            }
            let label = laneCount == 1 ? laneName : "\(laneName) \(lane + 1)"
            // 4 px below the lane's middle: the middle of 12 px type's lower-case letters.
            svg += "<text class=\"lane\" x=\"\(coordinate(G.plotLeft - 8))\" "
                + "y=\"\(coordinate(top + G.laneHeight / 2 + 4))\">\(escaped(label))</text>\n"
        }
        svg += "</g>\n"

        // Ticks: a grid line across the lanes, a mark below the axis and the value.
        svg += "<g>\n"
        for value in ticks.values {
            let x = coordinate(G.x(value, end: end))
            svg += "<line class=\"grid\" x1=\"\(x)\" y1=\"\(coordinate(G.plotTop))\" x2=\"\(x)\" y2=\"\(coordinate(plotBottom))\"/>"
            svg += "<line class=\"axis\" x1=\"\(x)\" y1=\"\(coordinate(plotBottom))\" x2=\"\(x)\" y2=\"\(coordinate(plotBottom + 5))\"/>"
            svg += "<text class=\"tick\" x=\"\(x)\" y=\"\(coordinate(plotBottom + 18))\">"
                + "\(fixed(value, decimals: ticks.decimals))</text>\n"
        }
        svg += "</g>\n"

        svg += "<g class=\"tasks\">\n"
        let barHeight = coordinate(G.laneHeight - 2 * G.barInset)
        for (lane, spans) in laneSpans.enumerated() {
            let y = coordinate(G.barTop(lane: lane))
            for (order, span) in spans.enumerated() {
                let (start, stop) = clamped(span)
                let x = G.x(start, end: end)
                let width = max(G.x(stop, end: end) - x, G.minimumBarWidth)
                let tooltip = "task \(span.task): \(fixed(start, decimals: tooltipDecimals))–"
                    + "\(fixed(stop, decimals: tooltipDecimals)) s "
                    + "(\(fixed((stop - start) * 1000, decimals: max(tooltipDecimals - 3, 1))) ms)"
                svg += "<rect class=\"\(order % 2 == 0 ? "a" : "b")\" x=\"\(coordinate(x))\" y=\"\(y)\" "
                    + "width=\"\(coordinate(width))\" height=\"\(barHeight)\"><title>\(tooltip)</title></rect>\n"
            }
        }
        svg += "</g>\n"

        // Axes last, over the bars' edges.
        svg += "<path class=\"axis\" d=\"M\(coordinate(G.plotLeft)),\(coordinate(G.plotTop))"
            + "V\(coordinate(plotBottom))H\(coordinate(G.plotRight))\"/>\n"
        svg += "<text class=\"label\" x=\"\(coordinate((G.plotLeft + G.plotRight) / 2))\" "
            + "y=\"\(coordinate(plotBottom + 42))\">seconds since the run began</text>\n"
        let middle = coordinate((G.plotTop + plotBottom) / 2)
        svg += "<text class=\"label\" x=\"20\" y=\"\(middle)\" transform=\"rotate(-90 20 \(middle))\">"
            + "\(escaped(laneName))</text>\n"
        svg += "</svg>\n"
        return svg
    }
}
