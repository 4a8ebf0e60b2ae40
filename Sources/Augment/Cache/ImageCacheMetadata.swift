/// What a cache records about how it was made, beside its images: the catalog's JSON metadata.
public struct ImageCacheMetadata: Sendable, Equatable {
    /// Where the labels came from.
    public enum Labels: Sendable, Equatable {
        /// No class folders: every label is -1 (a cache for `augment run`).
        case none
        /// A folder per class (`LabelledDataset(folderPerClass:)`); images directly in the root
        /// have no label.
        case folders
        /// A labels CSV, with its size and modification time (ns) when it was read.
        case csv(path: String, size: UInt64, modified: Int64)
    }

    /// How images were resized before they were stored.
    public enum Resize: Sendable, Equatable, CustomStringConvertible {
        /// Stored as decoded.
        case none
        /// Shrunk (never enlarged) so that the longer side is at most this, keeping the aspect ratio.
        case maxSide(Int)
        /// Resized to exactly this size.
        case size(Size)

        public var description: String {
            switch self {
            case .none: "none"
            case .maxSide(let side): "longer side at most \(side)"
            case .size(let size): "\(size)"
            }
        }
    }

    /// `augment --version` of the program that built the cache.
    public var producer: String
    /// The dataset folder, all links resolved.
    public var source: String
    public var labels: Labels
    /// Class names: label `i` is `classes[i]`.
    public var classes: [String]
    public var resize: Resize
    /// The pixel limit the images were decoded under.
    public var maxPixels: Int
    /// The images that could not be decoded, by path, with the reason: kept in the index (so
    /// a run over the cache skips or fails them exactly as a run over the folder does).
    public var failures: [String: String]

    public init(producer: String, source: String, labels: Labels, classes: [String], resize: Resize,
                maxPixels: Int, failures: [String: String]) {
        self.producer = producer
        self.source = source
        self.labels = labels
        self.classes = classes
        self.resize = resize
        self.maxPixels = maxPixels
        self.failures = failures
    }

    /// The JSON object, keys in a fixed order and failures sorted by path, so that the same
    /// dataset gives the same bytes.
    ///
    /// - Complexity: O(classes + failures · log failures).
    var document: DocumentValue {
        typealias Member = DocumentValue.Member
        let labels: DocumentValue = switch self.labels {
        case .none: .string("none")
        case .folders: .string("folders")
        case .csv(let path, let size, let modified):
            .object([Member("csv", .string(path)), Member("size", .number(size)), Member("mtime_ns", .number(modified))])
        }
        let resize: DocumentValue = switch self.resize {
        case .none: .string("none")
        case .maxSide(let side): .object([Member("max_side", .number(side))])
        case .size(let size): .object([Member("width", .number(size.width)), Member("height", .number(size.height))])
        }
        let failures = self.failures.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { path in
            DocumentValue.object([Member("path", .string(path)), Member("reason", .string(self.failures[path]!))])
        }
        return .object([
            Member("producer", .string(producer)), Member("source", .string(source)), Member("labels", labels),
            Member("classes", .array(classes.map { .string($0) })), Member("resize", resize),
            Member("max_pixels", .number(maxPixels)), Member("failures", .array(failures)),
        ])
    }

    /// Reads what `document` writes.
    ///
    /// - Returns: nil for anything else (the catalog checksum has passed by then, so this
    ///   only happens to a file that another program wrote).
    init?(_ document: DocumentValue) {
        func string(_ value: DocumentValue?) -> String? {
            if case .string(let text)? = value { return text }
            return nil
        }
        guard let producer = string(document["producer"]), let source = string(document["source"]),
              let labelsValue = document["labels"], case .array(let classValues)? = document["classes"],
              let resizeValue = document["resize"], let maxPixels = document["max_pixels"]?.integer, maxPixels > 0,
              case .array(let failureValues)? = document["failures"] else { return nil }
        switch labelsValue {
        case .string("none"): labels = .none
        case .string("folders"): labels = .folders
        default:
            guard let path = string(labelsValue["csv"]), let size = labelsValue["size"]?.unsignedInteger,
                  let modified = labelsValue["mtime_ns"]?.integer else { return nil }
            labels = .csv(path: path, size: size, modified: Int64(modified))
        }
        switch resizeValue {
        case .string("none"): resize = .none
        default:
            if let side = resizeValue["max_side"]?.integer, side > 0 {
                resize = .maxSide(side)
            } else if let width = resizeValue["width"]?.integer, let height = resizeValue["height"]?.integer,
                      width > 0, height > 0 {
                resize = .size(Size(width: width, height: height))
            } else {
                return nil
            }
        }
        var classes: [String] = []
        for value in classValues {
            guard let name = string(value) else { return nil }
            classes.append(name)
        }
        var failures: [String: String] = [:]
        for value in failureValues {
            guard let path = string(value["path"]), let reason = string(value["reason"]) else { return nil }
            failures[path] = reason
        }
        self.producer = producer
        self.source = source
        self.classes = classes
        self.maxPixels = maxPixels
        self.failures = failures
    }
}
