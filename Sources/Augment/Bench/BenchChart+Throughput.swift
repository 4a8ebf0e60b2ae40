extension BenchChart {
    /// Where a throughput chart's parts go, in SVG user units (pixels). Panels sit in a grid of
    /// equal cells, `columns` across, below a header of `headerHeight`; a cell is as wide as
    /// the group with the most bars needs. In a panel, value v is at height
    /// `v / top × plotHeight` above the plot's bottom, `top` being the panel's last y tick.
    enum ThroughputGeometry {
        /// The grid gets as many columns as fit in this width (at least one).
        static let maximumWidth = 1200.0
        static let margin = 16.0
        /// Title, then the legend.
        static let headerHeight = 72.0
        /// Left of a panel's plot: the rotated unit label and the y tick labels ("12.5k").
        static let plotLeft = 64.0
        static let plotRight = 14.0
        /// Above a panel's plot: the group's label, then room for a value printed over a bar
        /// as high as the axis.
        static let plotTop = 44.0
        static let plotHeight = 180.0
        /// Below a panel's plot: configuration labels, rotated 40° ("processes ×16").
        static let plotBottom = 84.0
        static let barWidth = 26.0
        /// Between bars, and between the outer bars and the plot's sides: room for the value
        /// labels ("12.3k" at 10 px) over neighbouring bars.
        static let barGap = 14.0
        /// So that a panel of one bar still holds a workload's label.
        static let minimumCellWidth = 240.0
        /// At most this many y tick intervals.
        static let tickIntervals = 5

        static var cellHeight: Double { plotTop + plotHeight + plotBottom }

        static func cellWidth(bars: Int) -> Double {
            max(plotLeft + Double(max(bars, 1)) * (barWidth + barGap) + barGap + plotRight, minimumCellWidth)
        }
    }

    /// A throughput chart: one small bar chart (panel) per workload, one bar per
    /// configuration, laid out in a grid.
    ///
    /// Design: small multiples rather than one axis. Workloads differ in unit (tasks/s,
    /// images/s, GFLOP/s) and by orders of magnitude, so each panel has its own y scale,
    /// starting at zero, with its unit (`group.unit`, else `unit`) on the y axis; a bar's value
    /// is printed above it, so nothing needs reading off a scale. Absolute values are kept,
    /// rather than speed-up over serial, because a run may have no serial configuration and a
    /// speed-up hides whether the serial figure itself is sound. The colour tells the executor
    /// kind, the same in every panel (`Kind`, read from the start of the bar's label:
    /// serial grey, threads blue, processes orange, anything else green), with a legend of the
    /// kinds present; each bar's own label is written below it.
    ///
    /// - Whiskers from `low` to `high` show the spread of repeated runs.
    /// - Bars are `<rect class="bar KIND">` in one `<g class="panel">` per group.
    /// - A negative value draws as zero height (its label still tells it); a non-finite one
    ///   draws no bar and is labelled "n/a"; a group without bars and a chart without groups
    ///   say "no data". No non-finite number reaches the document.
    ///
    /// - Complexity: O(total bars).
    public static func throughput(title: String, unit: String, groups: [BarGroup]) -> String {
        typealias G = ThroughputGeometry
        let cellWidth = G.cellWidth(bars: groups.map(\.bars.count).max() ?? 1)
        let columns = max(min(groups.count, Int((G.maximumWidth - 2 * G.margin) / cellWidth)), 1)
        let rows = max((groups.count + columns - 1) / columns, 1)
        let width = max(2 * G.margin + Double(columns) * cellWidth, G.minimumCellWidth + 2 * G.margin)
        let height = G.headerHeight + Double(rows) * G.cellHeight + G.margin

        var css = """
            .title{font-size:16px;font-weight:bold}
            .group{font-weight:bold;text-anchor:middle}
            .axis{stroke:#333333;stroke-width:1;fill:none}
            .grid{stroke:#e3e3e3;stroke-width:1}
            .tick{text-anchor:end;font-size:10px}
            .unit{text-anchor:middle;font-size:11px}
            .value{text-anchor:middle;font-size:10px}
            .config{text-anchor:end;font-size:11px}
            .empty{text-anchor:middle;fill:#777777}
            .whisker{stroke:#222222;stroke-width:1.2;fill:none}
            """
        for kind in Kind.allCases { css += "\n.\(kind.cssClass){fill:\(kind.colour)}" }
        var svg = documentStart(width: width, height: height, title: title, css: css)
        svg += "<text class=\"title\" x=\"\(coordinate(G.margin))\" y=\"28\">\(escaped(title))</text>\n"

        // Legend: the kinds present, in a fixed order.
        let present = Set(groups.flatMap { $0.bars.map { Kind(label: $0.label) } })
        var legendX = G.margin
        svg += "<g class=\"legend\">\n"
        for kind in Kind.allCases where present.contains(kind) {
            svg += "<rect class=\"\(kind.cssClass)\" x=\"\(coordinate(legendX))\" y=\"44\" width=\"12\" height=\"12\"/>"
            svg += "<text x=\"\(coordinate(legendX + 17))\" y=\"54\">\(kind.cssClass)</text>\n"
            legendX += 110
        }
        svg += "</g>\n"

        if groups.isEmpty {
            svg += "<text class=\"empty\" x=\"\(coordinate(width / 2))\" "
                + "y=\"\(coordinate(G.headerHeight + G.cellHeight / 2))\">no data</text>\n"
        }
        for (index, group) in groups.enumerated() {
            let left = G.margin + Double(index % columns) * cellWidth
            let top = G.headerHeight + Double(index / columns) * G.cellHeight
            svg += panel(group, unit: group.unit ?? unit, left: left, top: top, cellWidth: cellWidth)
        }
        svg += "</svg>\n"
        return svg
    }

    /// One group's panel, its cell's top-left corner at (`left`, `top`).
    ///
    /// - Complexity: O(bars).
    private static func panel(_ group: BarGroup, unit: String, left: Double, top: Double, cellWidth: Double) -> String {
        typealias G = ThroughputGeometry
        let plotLeft = left + G.plotLeft
        let plotRight = left + cellWidth - G.plotRight
        let plotTop = top + G.plotTop
        let plotBottom = plotTop + G.plotHeight
        let plotWidth = plotRight - plotLeft
        // The label's room, at about 7.5 px per character of 12 px bold type.
        let labelLimit = max(Int((cellWidth - 8) / 7.5), 4)

        var svg = "<g class=\"panel\">\n"
        svg += "<text class=\"group\" x=\"\(coordinate((plotLeft + plotRight) / 2))\" y=\"\(coordinate(top + 18))\">"
            + "\(escaped(truncated(group.label, limit: labelLimit)))<title>\(escaped(group.label))</title></text>\n"

        let highest = group.bars.flatMap { [$0.value, $0.low ?? 0, $0.high ?? 0] }
            .filter(\.isFinite).max() ?? 0
        let ticks = Ticks(upTo: highest, intervals: G.tickIntervals, covering: true)
        let axisTop = ticks.values.last ?? 1
        let y = { (value: Double) in plotBottom - max(value, 0) / axisTop * G.plotHeight }
        // Tick labels share one SI scale, so "12.5k" sits beside "10k", not "10000".
        let (scale, suffix, scaleExponent): (Double, String, Int) = switch axisTop {
        case 1e9...: (1e9, "G", 9)
        case 1e6...: (1e6, "M", 6)
        case 1e4...: (1e3, "k", 3)
        default: (1, "", 0)
        }
        for value in ticks.values {
            let tickY = coordinate(y(value))
            svg += "<line class=\"grid\" x1=\"\(coordinate(plotLeft))\" y1=\"\(tickY)\" x2=\"\(coordinate(plotRight))\" y2=\"\(tickY)\"/>"
            svg += "<text class=\"tick\" x=\"\(coordinate(plotLeft - 5))\" y=\"\(coordinate(y(value) + 3.5))\">"
                + (value == 0 ? "0" : fixed(value / scale, decimals: max(scaleExponent - ticks.exponent, 0)) + suffix)
                + "</text>\n"
        }
        let middle = coordinate((plotTop + plotBottom) / 2)
        let unitX = coordinate(left + 14)
        svg += "<text class=\"unit\" x=\"\(unitX)\" y=\"\(middle)\" transform=\"rotate(-90 \(unitX) \(middle))\">"
            + "\(escaped(unit))</text>\n"

        if group.bars.isEmpty {
            svg += "<text class=\"empty\" x=\"\(coordinate((plotLeft + plotRight) / 2))\" y=\"\(middle)\">no data</text>\n"
        }
        // The bars, centred in the plot.
        let slot = G.barWidth + G.barGap
        let firstX = plotLeft + (plotWidth - (Double(group.bars.count) * slot - G.barGap)) / 2
        for (index, bar) in group.bars.enumerated() {
            let x = firstX + Double(index) * slot
            let centre = x + G.barWidth / 2
            let kind = Kind(label: bar.label)
            var labelTop = plotBottom
            if bar.value.isFinite {
                let barTop = y(bar.value)
                labelTop = barTop
                svg += "<rect class=\"bar \(kind.cssClass)\" x=\"\(coordinate(x))\" y=\"\(coordinate(barTop))\" "
                    + "width=\"\(coordinate(G.barWidth))\" height=\"\(coordinate(plotBottom - barTop))\">"
                    + "<title>\(escaped(bar.label)): \(compact(bar.value)) \(escaped(unit))</title></rect>\n"
            }
            if bar.low != nil || bar.high != nil {
                let low = bar.low ?? bar.value, high = bar.high ?? bar.value
                if low.isFinite && high.isFinite {
                    let (lowY, highY) = (y(min(low, high)), y(max(low, high)))
                    labelTop = min(labelTop, highY)
                    let c = coordinate(centre)
                    let (capLeft, capRight) = (coordinate(centre - 5), coordinate(centre + 5))
                    svg += "<path class=\"whisker\" d=\"M\(c),\(coordinate(lowY))V\(coordinate(highY))"
                        + "M\(capLeft),\(coordinate(lowY))H\(capRight)M\(capLeft),\(coordinate(highY))H\(capRight)\"/>\n"
                }
            }
            svg += "<text class=\"value\" x=\"\(coordinate(centre))\" y=\"\(coordinate(labelTop - 4))\">"
                + "\(compact(bar.value))</text>\n"
            // Rotated 40°, ending under the bar's centre: long labels do not collide.
            let labelX = coordinate(centre + 4), labelY = coordinate(plotBottom + 14)
            svg += "<text class=\"config\" x=\"\(labelX)\" y=\"\(labelY)\" transform=\"rotate(-40 \(labelX) \(labelY))\">"
                + "\(escaped(truncated(bar.label, limit: 16)))</text>\n"
        }
        svg += "<path class=\"axis\" d=\"M\(coordinate(plotLeft)),\(coordinate(plotTop))"
            + "V\(coordinate(plotBottom))H\(coordinate(plotRight))\"/>\n"
        svg += "</g>\n"
        return svg
    }
}
