/// The lines of a manifest: one entry per output, sorted by input path then copy.
public struct Manifest: Sendable, Equatable {
    /// The entries, in the manifest's order (`ManifestEntry.precedes`).
    public let entries: [ManifestEntry]

    /// Sorts `entries` into the manifest's order.
    ///
    /// - Complexity: O(n log n).
    public init(_ entries: [ManifestEntry]) {
        self.entries = entries.sorted(by: ManifestEntry.precedes)
    }

    /// The manifest file's text: one JSON line per entry, each ending in a newline. The same
    /// entries always give the same bytes, whatever order they were collected in.
    ///
    /// - Complexity: O(total size).
    public var text: String {
        var text = ""
        for entry in entries {
            text += entry.jsonLine
            text += "\n"
        }
        return text
    }

    /// Reads a manifest file's text: one JSON line per entry (blank lines are passed over).
    /// Two entries with the same output are refused: replaying them would write one file twice.
    ///
    /// - Complexity: O(text length + n log n).
    /// - Throws: `ManifestError` naming the first bad line.
    public init(parsing text: String) throws(ManifestError) {
        var entries: [ManifestEntry] = []
        var lineOfOutput: [String: Int] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            let entry = try ManifestEntry(jsonLine: String(line), lineNumber: index + 1)
            if let first = lineOfOutput[entry.output] {
                throw ManifestError(line: index + 1, reason: "the output \(entry.output) is already made by line \(first)")
            }
            lineOfOutput[entry.output] = index + 1
            entries.append(entry)
        }
        self.init(entries)
    }

    /// Reads a manifest file.
    ///
    /// - Throws: `ManifestError` (line 0 when the file cannot be read or is not UTF-8).
    public init(contentsOfFile path: String) throws(ManifestError) {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch { throw ManifestError(line: 0, reason: error.description) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ManifestError(line: 0, reason: "\(path) is not UTF-8 text")
        }
        try self.init(parsing: text)
    }

    /// The entries of each input path, in copy order.
    ///
    /// - Complexity: O(n).
    public var entriesByInput: [String: [ManifestEntry]] {
        Dictionary(grouping: entries, by: \.input)
    }

    /// The distinct input paths, in the manifest's order.
    public var inputs: [String] {
        var seen: Set<String> = []
        return entries.map(\.input).filter { seen.insert($0).inserted }
    }
}
