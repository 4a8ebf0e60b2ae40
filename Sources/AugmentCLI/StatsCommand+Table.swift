import Augment
import Foundation

extension StatsCommand {
    /// The channels' names in the table: grey, grey + alpha, RGB, RGBA.
    static func channelNames(_ channels: Int) -> [String] {
        switch channels {
        case 1: ["grey"]
        case 2: ["grey", "alpha"]
        case 3: ["R", "G", "B"]
        default: ["R", "G", "B", "A"]
        }
    }

    /// The figures as `augment stats` prints them: counts, then per channel mean and std, the
    /// covariance, and each eigenvalue with its eigenvector, four decimals.
    static func table(_ statistics: DatasetStatistics) -> String {
        let names = channelNames(statistics.channels)
        func cell(_ value: Double) -> String { String(format: "%12.4f", value) }
        func label(_ text: String) -> String { text + String(repeating: " ", count: max(12 - text.count, 1)) }
        func right(_ text: String) -> String { String(repeating: " ", count: max(12 - text.count, 1)) + text }
        let digits = Array(String(statistics.count))
        let pixels = digits.enumerated().map { index, digit in
            (index > 0 && (digits.count - index) % 3 == 0 ? "," : "") + String(digit)
        }.joined()
        var lines = ["\(statistics.images) image\(statistics.images == 1 ? "" : "s"), \(pixels) pixels, "
            + "\(statistics.channels) channel\(statistics.channels == 1 ? "" : "s") (values 0-255)", ""]
        lines.append(label("channel") + right("mean") + right("std"))
        for (index, name) in names.enumerated() {
            lines.append(label(name) + cell(statistics.mean[index]) + cell(statistics.standardDeviation[index]))
        }
        lines.append("")
        lines.append(label("covariance") + names.map(right).joined())
        for (index, name) in names.enumerated() {
            lines.append(label(name) + statistics.covariance[index].map(cell).joined())
        }
        lines.append("")
        lines.append(label("eigenvalue") + "  eigenvector (" + names.joined(separator: ", ") + ")")
        for (value, vector) in zip(statistics.eigenvalues, statistics.eigenvectors) {
            lines.append(cell(value) + vector.map(cell).joined())
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
