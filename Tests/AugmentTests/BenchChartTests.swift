import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Augment

/// `BenchChart`: the SVG timeline and throughput charts of `augment bench`, read back with an
/// XML parser and checked against geometry computed here from the documented constants.
@Suite("BenchChart")
struct BenchChartTests {
    typealias Timeline = BenchChart.TimelineGeometry
    typealias Throughput = BenchChart.ThroughputGeometry

    // MARK: Timeline

    @Test("a timeline is well-formed SVG 1.1 whose size matches its lanes")
    func timelineDocument() throws {
        let svg = BenchChart.timeline(title: "augment, threads ×2", lanes: 2, spans: Self.spans(lanes: 2, perLane: 40), seconds: 4)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
        let document = try SVGDocument(svg)
        let root = try #require(document.elements.first)
        #expect(root.name == "svg")
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["version"] == "1.1")
        // 64 above, two lanes of 26, 52 below.
        #expect(root["width"] == "1000")
        #expect(root["height"] == "168")
        #expect(root["viewBox"] == "0 0 1000 168")
    }

    @Test("one rect per span, each with a tooltip", arguments: [(1, 0), (2, 40), (16, 125)])
    func oneRectPerSpan(lanes: Int, perLane: Int) throws {
        let spans = Self.spans(lanes: lanes, perLane: perLane)
        let document = try SVGDocument(BenchChart.timeline(title: "t", lanes: lanes, spans: spans, seconds: 1))
        let tasks = document.taskRects
        #expect(tasks.count == spans.count)
        #expect(document.elements.filter { $0.name == "title" && $0.parentName == "rect" }.count == spans.count)
    }

    @Test("a span's rect sits where the documented axis scale puts it")
    func spanGeometry() throws {
        let spans = [
            TaskSpan(task: 0, lane: 0, start: 0, stop: 0.5),
            TaskSpan(task: 7, lane: 1, start: 1.0, stop: 2.5),
        ]
        // seconds (4) is beyond the latest stop (2.5): the axis runs 0 ... 4.
        let document = try SVGDocument(BenchChart.timeline(title: "t", lanes: 2, spans: spans, seconds: 4))
        let rect = try #require(document.taskRects.first { $0.text.hasPrefix("task 7:") })
        let plotWidth = Timeline.plotRight - Timeline.plotLeft
        #expect(abs(try rect.number("x") - (Timeline.plotLeft + 1.0 / 4 * plotWidth)) <= 0.005)
        #expect(abs(try rect.number("width") - 1.5 / 4 * plotWidth) <= 0.01)
        #expect(try rect.number("y") == Timeline.plotTop + Timeline.laneHeight + Timeline.barInset)
        #expect(try rect.number("height") == Timeline.laneHeight - 2 * Timeline.barInset)
        #expect(rect.text == "task 7: 1.000–2.500 s (1500.0 ms)")
    }

    @Test("the axis ends at the latest stop when it is after `seconds`")
    func axisEndsAtLatestStop() throws {
        let spans = [TaskSpan(task: 0, lane: 0, start: 2, stop: 8)]
        let document = try SVGDocument(BenchChart.timeline(title: "t", lanes: 1, spans: spans, seconds: 5))
        let rect = try #require(document.taskRects.first)
        // From x(2) to x(8) = plotRight on an axis 0 ... 8.
        #expect(abs(try rect.number("x") + rect.number("width") - Timeline.plotRight) <= 0.01)
        #expect(abs(try rect.number("x") - (Timeline.plotLeft + 2.0 / 8 * (Timeline.plotRight - Timeline.plotLeft))) <= 0.005)
    }

    @Test("lanes: lane 0 on top, one y per lane, distinct lanes apart")
    func laneRows() throws {
        let lanes = 16
        let spans = Self.spans(lanes: lanes, perLane: 5)
        let document = try SVGDocument(BenchChart.timeline(title: "t", lanes: lanes, spans: spans, seconds: 1))
        let laneOfTask = Dictionary(uniqueKeysWithValues: spans.map { ($0.task, $0.lane) })
        var ys = [Int: Set<Double>]()
        for rect in document.taskRects {
            // The tooltip names the task: "task 12: ...".
            let task = try #require(Int(rect.text.dropFirst("task ".count).prefix { $0 != ":" }))
            ys[try #require(laneOfTask[task]), default: []].insert(try rect.number("y"))
        }
        #expect(ys.count == lanes)
        for lane in 0..<lanes {
            #expect(ys[lane] == [Timeline.plotTop + Double(lane) * Timeline.laneHeight + Timeline.barInset])
        }
        let labels = document.texts(class: "lane")
        #expect(labels == (1...lanes).map { "worker \($0)" })
    }

    @Test("neighbouring tasks on a lane alternate fills, whatever their task numbers")
    func alternatingFills() throws {
        // Round-robin over 2 workers: lane 0 runs only even tasks.
        let spans = (0..<10).map { TaskSpan(task: $0, lane: $0 % 2, start: Double($0 / 2), stop: Double($0 / 2) + 1) }
        let document = try SVGDocument(BenchChart.timeline(title: "t", lanes: 2, spans: spans, seconds: 5))
        for lane in 0..<2 {
            let row = try document.taskRects
                .filter { try $0.number("y") == Timeline.barTop(lane: lane) }
                .sorted { try $0.number("x") < $1.number("x") }
            #expect(row.count == 5)
            #expect(row.map { $0["class"] } == ["a", "b", "a", "b", "a"])
        }
    }

    @Test("one lane is labelled by the lane name alone")
    func serialLane() throws {
        let spans = [TaskSpan(task: 0, lane: 0, start: 0, stop: 1)]
        let document = try SVGDocument(BenchChart.timeline(title: "t", lanes: 1, laneName: "serial", spans: spans, seconds: 1))
        #expect(document.texts(class: "lane") == ["serial"])
        #expect(document.texts(class: "label") == ["seconds since the run began", "serial"])
    }

    @Test("tick labels: 0, then a 1, 2 or 5 × 10^k step, through the axis's end", arguments: [
        0.37, 1, 2.5, 7.3, 10, 123, 0.0042, 58.9,
    ])
    func niceTicks(end: Double) throws {
        let spans = [TaskSpan(task: 0, lane: 0, start: 0, stop: end)]
        let document = try SVGDocument(BenchChart.timeline(title: "t", lanes: 1, spans: spans, seconds: 0))
        let ticks = try document.texts(class: "tick").map { try #require(Double($0)) }
        try #require(ticks.count >= 2)
        #expect(ticks.first == 0)
        let step = ticks[1]
        for (index, tick) in ticks.enumerated() {
            #expect(abs(tick - Double(index) * step) <= step * 1e-6)
        }
        // step = m × 10^k with m in {1, 2, 5}.
        var mantissa = step
        while mantissa >= 10 { mantissa /= 10 }
        while mantissa < 1 { mantissa *= 10 }
        #expect([1.0, 2.0, 5.0].contains { abs(mantissa - $0) < 1e-6 })
        // The ticks reach the end: the next one would be beyond it. At most 10 intervals.
        #expect(ticks.last! <= end * (1 + 1e-9))
        #expect(ticks.last! + step > end)
        #expect(ticks.count <= Timeline.tickIntervals + 1)
        // A tick's label is at its x on the axis.
        let xs = try document.elements.filter { $0["class"] == "tick" }.map { try $0.number("x") }
        for (tick, x) in zip(ticks, xs) {
            #expect(abs(x - Timeline.x(tick, end: end)) <= 0.005)
            #expect(abs(x - (Timeline.plotLeft + tick / end * (Timeline.plotRight - Timeline.plotLeft))) <= 0.005)
        }
    }

    @Test("text from the caller is escaped, and reads back unchanged")
    func escaping() throws {
        let title = "<&> \"dot\" 'x' ]]> a&amp;b"
        let svg = BenchChart.timeline(
            title: title, subtitle: "</text><b>", lanes: 2, laneName: "w<1>",
            spans: [TaskSpan(task: 0, lane: 1, start: 0, stop: 1)], seconds: 1)
        let document = try SVGDocument(svg)
        #expect(document.texts(class: "title") == [title])
        #expect(document.texts(class: "subtitle") == ["</text><b>"])
        #expect(document.texts(class: "lane") == ["w<1> 1", "w<1> 2"])
        #expect(document.elements.first { $0.name == "title" && $0.parentName == "svg" }?.text == title)
        // Characters XML 1.0 forbids are replaced, not written.
        let controls = try SVGDocument(BenchChart.timeline(title: "a\u{1}b\u{FFFF}", lanes: 1, spans: [], seconds: 1))
        #expect(controls.texts(class: "title") == ["a\u{FFFD}b\u{FFFD}"])
    }

    @Test("degenerate timelines draw without a non-finite number", arguments: [
        ([], 0.0, 0),
        ([], 0.0, 1),
        ([], Double.nan, 3),
        ([], Double.infinity, 2),
        ([TaskSpan(task: 0, lane: 0, start: 0, stop: 0)], 0.0, 1),
        ([TaskSpan(task: 0, lane: 0, start: .nan, stop: .infinity)], 1.0, 1),
        ([TaskSpan(task: 0, lane: 0, start: -1, stop: -0.5), TaskSpan(task: 1, lane: 3, start: 2, stop: 1)], 1.0, 2),
    ] as [([TaskSpan], Double, Int)])
    func degenerateTimeline(spans: [TaskSpan], seconds: Double, lanes: Int) throws {
        let svg = BenchChart.timeline(title: "t", lanes: lanes, spans: spans, seconds: seconds)
        Self.expectFinite(svg)
        let document = try SVGDocument(svg)
        #expect(document.taskRects.count == spans.count)
        for rect in document.taskRects {
            #expect(try rect.number("width") >= Timeline.minimumBarWidth)
            #expect(try rect.number("x") >= Timeline.plotLeft)
            #expect(try rect.number("x") + rect.number("width") <= Timeline.plotRight + Timeline.minimumBarWidth)
        }
        // A span's lane beyond `lanes` adds lanes rather than losing the bar.
        let expectedLanes = max(lanes, (spans.map(\.lane).max() ?? 0) + 1, 1)
        #expect(document.texts(class: "lane").count == expectedLanes)
    }

    @Test("2,000 spans on 16 lanes stay compact")
    func compactness() {
        let spans = Self.spans(lanes: 16, perLane: 125)
        let svg = BenchChart.timeline(title: "t", lanes: 16, spans: spans, seconds: 10)
        #expect(svg.utf8.count < 2_000 * 130)
    }

    // MARK: Throughput

    @Test("throughput: bars proportional to values, from a zero baseline, within each panel")
    func proportionalBars() throws {
        let groups = [
            BenchChart.BarGroup(label: "augment", bars: [
                .init(label: "serial", value: 100), .init(label: "threads ×2", value: 190),
                .init(label: "processes ×2", value: 180, low: 170, high: 185),
            ]),
            BenchChart.BarGroup(label: "dot 1024", unit: "GFLOP/s", bars: [
                .init(label: "serial", value: 0.5), .init(label: "threads ×2", value: 0.9),
                .init(label: "processes ×2", value: 0),
            ]),
        ]
        let document = try SVGDocument(BenchChart.throughput(title: "augment bench", unit: "images/s", groups: groups))
        let panels = document.panels
        try #require(panels.count == 2)
        for (group, panel) in zip(groups, panels) {
            let bars = panel.filter { $0.name == "rect" && ($0["class"] ?? "").hasPrefix("bar ") }
            try #require(bars.count == group.bars.count)
            let heights = try bars.map { try $0.number("height") }
            let bottoms = try bars.map { try $0.number("y") + $0.number("height") }
            // One baseline: value 0 is at the plot's bottom for every bar.
            #expect(Set(bottoms.map { ($0 * 100).rounded() }).count == 1)
            let reference = try #require(zip(group.bars, heights).first { $0.0.value > 0 })
            for (bar, height) in zip(group.bars, heights) {
                #expect(abs(height - bar.value / reference.0.value * reference.1) <= 0.02)
                #expect(height <= Throughput.plotHeight + 1e-9)
            }
        }
        // The y axis of "augment" runs to the first nice tick at or above 190: 200.
        let augmentBars = panels[0].filter { ($0["class"] ?? "").hasPrefix("bar ") }
        #expect(abs(try augmentBars[1].number("height") - 190.0 / 200 * Throughput.plotHeight) <= 0.01)
        #expect(panels[0].filter { $0["class"] == "tick" }.map(\.text) == ["0", "50", "100", "150", "200"])
        // Each panel's own unit, on its y axis.
        #expect(document.texts(class: "unit") == ["images/s", "GFLOP/s"])
        #expect(document.texts(class: "value") == ["100", "190", "180", "0.500", "0.900", "0"])
        #expect(document.elements.filter { $0["class"] == "whisker" }.count == 1)
    }

    @Test("throughput: one colour class per executor kind, the same in every panel")
    func kindColours() throws {
        let labels = ["serial", "threads ×2", "threads ×16", "processes ×4", "Processes ×8", "dask"]
        let bars = labels.enumerated().map { BenchChart.Bar(label: $1, value: Double($0 + 1)) }
        let groups = (0..<3).map { BenchChart.BarGroup(label: "w\($0)", bars: bars) }
        let document = try SVGDocument(BenchChart.throughput(title: "t", unit: "tasks/s", groups: groups))
        for panel in document.panels {
            let classes = panel.filter { ($0["class"] ?? "").hasPrefix("bar ") }.map { $0["class"]! }
            #expect(classes == ["bar serial", "bar threads", "bar threads", "bar processes", "bar processes", "bar other"])
        }
        #expect(document.elements.filter { $0.parentClass == "legend" && $0.name == "text" }.map(\.text)
            == ["serial", "threads", "processes", "other"])
    }

    @Test("throughput: large values get one SI suffix on the axis and a compact label")
    func siLabels() throws {
        let group = BenchChart.BarGroup(label: "latency", bars: [.init(label: "threads ×2", value: 123_456)])
        let document = try SVGDocument(BenchChart.throughput(title: "t", unit: "tasks/s", groups: [group]))
        #expect(document.texts(class: "value") == ["123k"])
        #expect(document.texts(class: "tick") == ["0", "50k", "100k", "150k"])
    }

    @Test("degenerate throughput charts draw without a non-finite number", arguments: [
        [],
        [BenchChart.BarGroup(label: "empty", bars: [])],
        [BenchChart.BarGroup(label: "one", bars: [.init(label: "serial", value: 3)])],
        [BenchChart.BarGroup(label: "zeros", bars: [.init(label: "serial", value: 0), .init(label: "threads", value: 0, low: 0, high: 0)])],
        [BenchChart.BarGroup(label: "odd", bars: [
            .init(label: "serial", value: .nan), .init(label: "threads", value: .infinity),
            .init(label: "processes", value: -5, low: .nan, high: 2), .init(label: "x", value: 1e300),
        ])],
    ])
    func degenerateThroughput(groups: [BenchChart.BarGroup]) throws {
        let svg = BenchChart.throughput(title: "<t>", unit: "a&b", groups: groups)
        Self.expectFinite(svg)
        let document = try SVGDocument(svg)
        #expect(document.panels.count == groups.count)
        for rect in document.elements where rect.name == "rect" {
            #expect(try rect.number("height") >= 0)
        }
        if groups.isEmpty || groups.contains(where: \.bars.isEmpty) {
            #expect(document.texts(class: "empty") == ["no data"])
        }
    }

    // MARK: Number formatting

    @Test("fixed decimals: rounding, no exponent, no negative zero, no nan", arguments: [
        (12.345, 1, "12.3"), (0.5, 0, "1"), (-0.5, 0, "-1"), (-0.001, 2, "0.00"), (0.0042, 4, "0.0042"),
        (3, 2, "3.00"), (0.000001, 3, "0.000"), (Double.nan, 1, "0.0"), (-Double.infinity, 0, "0"),
        (123_456_789, 0, "123456789"), (1e30, 2, "9000000000000000000"),
    ])
    func fixed(value: Double, decimals: Int, text: String) {
        #expect(BenchChart.fixed(value, decimals: decimals) == text)
    }

    @Test("nice steps are the smallest 1, 2 or 5 × 10^k at least the request", arguments: [
        (0.3, 5, -1), (1, 1, 0), (1.01, 2, 0), (0.2, 2, -1), (7.3, 1, 1), (0.00042, 5, -4), (250, 5, 2),
    ])
    func niceStep(raw: Double, mantissa: Int, exponent: Int) {
        let step = BenchChart.Ticks.niceStep(atLeast: raw)
        #expect(step.mantissa == mantissa && step.exponent == exponent)
    }

    // MARK: Helpers

    /// `perLane` back-to-back spans of 0.01 s on each of `lanes` lanes, tasks numbered in
    /// start order across lanes.
    static func spans(lanes: Int, perLane: Int) -> [TaskSpan] {
        (0..<perLane).flatMap { slot in
            (0..<lanes).map { lane in
                TaskSpan(task: slot * lanes + lane, lane: lane, start: Double(slot) * 0.01, stop: Double(slot + 1) * 0.01)
            }
        }
    }

    static func expectFinite(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lower = svg.lowercased()
        #expect(!lower.contains("nan"), sourceLocation: sourceLocation)
        #expect(!lower.contains("inf"), sourceLocation: sourceLocation)
    }
}

/// An SVG document read by `XMLParser`, flattened: every element in document order with its
/// attributes, its parent's name and class, its panel (the `g class="panel"` it is in) and its
/// own text.
private struct SVGDocument {
    struct Element {
        var name: String
        var attributes: [String: String]
        var parentName: String?
        var parentClass: String?
        var panel: Int?
        var text = ""

        subscript(attribute: String) -> String? { attributes[attribute] }

        func number(_ attribute: String) throws -> Double {
            try #require(attributes[attribute].flatMap(Double.init))
        }
    }

    var elements: [Element]

    init(_ text: String) throws {
        let parser = XMLParser(data: Data(text.utf8))
        let reader = Reader()
        parser.delegate = reader
        let parsed = parser.parse()
        #expect(parsed, "XML error: \(String(describing: parser.parserError))")
        try #require(parsed)
        elements = reader.elements
    }

    /// The task bars: the rects in `g class="tasks"`, their text being their tooltip's.
    var taskRects: [Element] {
        elements.filter { $0.name == "rect" && $0.parentClass == "tasks" }
    }

    /// Each throughput panel's elements.
    var panels: [[Element]] {
        let count = (elements.compactMap(\.panel).max() ?? -1) + 1
        return (0..<count).map { panel in elements.filter { $0.panel == panel } }
    }

    func texts(class name: String) -> [String] {
        elements.filter { $0.name == "text" && $0["class"] == name }.map(\.text)
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        /// Indices into `elements` of the open elements.
        var open: [Int] = []
        var panels = 0

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let parent = open.last.map { elements[$0] }
            var panel = parent?.panel
            if name == "g" && attributes["class"] == "panel" {
                panel = panels
                panels += 1
            }
            elements.append(Element(name: name, attributes: attributes, parentName: parent?.name,
                                    parentClass: parent?["class"], panel: panel))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard let current = open.last else { return }
            elements[current].text += string
            // A rect's tooltip is its text; a text's <title> (a truncated label's full text)
            // is not part of the label.
            if elements[current].name == "title", open.count >= 2, elements[open[open.count - 2]].name == "rect" {
                elements[open[open.count - 2]].text += string
            }
        }
    }
}
