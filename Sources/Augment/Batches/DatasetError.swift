/// A labelled dataset that cannot be read: the file (and for a labels CSV, the line) and why.
public struct DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dataset folder or the labels file.
    public var path: String
    /// The 1-based line of a labels file, or nil.
    public var line: Int?
    public var reason: String

    public init(path: String, line: Int? = nil, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `labels.csv:12: train/7/3.png is listed twice (first on line 5)`.
    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}
