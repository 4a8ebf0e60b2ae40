import Dispatch
import Foundation

/// Progress of a run on standard error: a bar redrawn in place when standard error is a
/// terminal, a plain line every few seconds when it is not (a log file, a pipe), nothing when
/// quiet. Called on one thread only (the executors report on the calling thread).
struct RunProgress {
    enum Style { case bar, lines, none }

    let total: Int
    let style: Style
    private let start = DispatchTime.now().uptimeNanoseconds
    private var lastDrawn: UInt64 = 0
    private var barShown = false

    /// Seconds between plain lines.
    static let lineInterval = 1.0
    /// Seconds between redraws of the bar.
    static let barInterval = 0.1

    init(total: Int, quiet: Bool) {
        self.total = total
        self.style = quiet ? .none : (isatty(2) != 0 ? .bar : .lines)
    }

    private var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Shows `done` images of `total`, at most once per interval (and always for the last).
    mutating func update(done: Int) {
        guard style != .none else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let interval = style == .bar ? Self.barInterval : Self.lineInterval
        guard Double(now - max(lastDrawn, start)) / 1e9 >= interval || (done == total && style == .bar) else { return }
        lastDrawn = now
        let seconds = elapsed
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let percent = total > 0 ? 100 * done / total : 100
        let figures = "\(done)/\(total) images (\(percent)%), " + String(format: "%.1f images/s", rate)
            + ", elapsed \(Self.clock(seconds)), ETA \(Self.clock(eta))"
        switch style {
        case .bar:
            let width = 24, filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            writeError("\r[\(bar)] \(figures)\u{1B}[K")
            barShown = true
        case .lines:
            printError("progress: \(figures)")
        case .none:
            break
        }
    }

    /// Prints a line (an error) above the bar, which is redrawn at the next update.
    mutating func print(_ line: String) {
        clear()
        printError(line)
    }

    /// Removes the bar, before the summary.
    mutating func clear() {
        if barShown {
            writeError("\r\u{1B}[K")
            barShown = false
            lastDrawn = 0
        }
    }

    /// `h:mm:ss` or `m:ss`.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }
}
