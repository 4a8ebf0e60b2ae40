extension DatasetStatistics {
    /// The JSON object `augment stats --json` writes, keys in this order:
    /// `{"count":…,"images":…,"channels":C,"mean":[…],"std":[…],"covariance":[[…]],"eigenvalues":[…],"eigenvectors":[[…]]}`;
    /// doubles written so that they read back exactly (`DocumentValue.number(_:)`).
    ///
    /// - Complexity: O(channels²).
    public var document: DocumentValue {
        typealias Member = DocumentValue.Member
        func list(_ values: [Double]) -> DocumentValue { .array(values.map { .number($0) }) }
        return .object([
            Member("count", .number(count)), Member("images", .number(images)), Member("channels", .number(channels)),
            Member("mean", list(mean)), Member("std", list(standardDeviation)),
            Member("covariance", .array(covariance.map(list))),
            Member("eigenvalues", list(eigenvalues)), Member("eigenvectors", .array(eigenvectors.map(list))),
        ])
    }

    /// Reads the JSON that `document` writes (every key required, no other; every list the
    /// length `channels` makes it).
    ///
    /// - Parameter name: how messages name the text (its file's path).
    /// - Complexity: O(text length).
    /// - Throws: `PipelineFileError` naming the key and what was expected.
    public init(parsing text: String, name: String = "statistics") throws(PipelineFileError) {
        let document: DocumentValue
        do { document = try DocumentValue(parsingJSON: text) } catch {
            throw PipelineFileError(.syntax, location: name, expected: "invalid JSON: \(error)")
        }
        guard case .object(let members) = document else {
            throw PipelineFileError(.wrongType, location: name, expected: "an object, as augment stats --json writes",
                                    found: document.summary)
        }
        let keys = TransformKeyReader(location: name, members: members)
        let names = ["count", "images", "channels", "mean", "std", "covariance", "eigenvalues", "eigenvectors"]
        try keys.refuseUnknownKeys(allowed: names)
        func integer(_ key: String, _ range: ClosedRange<Int>) throws(PipelineFileError) -> Int {
            let expected = "an integer in \(range.lowerBound)...\(range.upperBound)"
            let value = try keys.required(key, expected: expected)
            guard case .number = value else { throw keys.wrongType(key, expected, value) }
            guard let number = value.integer, range.contains(number) else { throw keys.outOfRange(key, expected, value) }
            return number
        }
        let countExpected = "a non-negative integer"
        let countValue = try keys.required("count", expected: countExpected)
        guard case .number = countValue else { throw keys.wrongType("count", countExpected, countValue) }
        guard let count = countValue.unsignedInteger else { throw keys.outOfRange("count", countExpected, countValue) }
        let images = try integer("images", 0...Int.max)
        let channels = try integer("channels", 1...4)
        let mean = try keys.numberList("mean", count: channels)
        let std = try keys.numberList("std", count: channels, allowed: "non-negative", isAllowed: { $0 >= 0 })
        let covariance = try keys.numberMatrix("covariance", size: channels)
        let eigenvalues = try keys.numberList("eigenvalues", count: channels)
        let eigenvectors = try keys.numberMatrix("eigenvectors", size: channels)
        self.init(count: count, images: images, channels: channels, mean: mean, standardDeviation: std,
                  covariance: covariance, eigenvalues: eigenvalues, eigenvectors: eigenvectors)
    }

    /// Reads a file `augment stats --json` wrote.
    ///
    /// - Throws: `PipelineFileError` whose location is the path.
    public init(contentsOfFile path: String) throws(PipelineFileError) {
        let text = try PipelineFileError.text(ofFile: path)
        try self.init(parsing: text, name: path)
    }
}
