/// Why a pipeline file was refused, before any image is read: where (the transform's position),
/// which key, what was expected and what was found.
public struct PipelineFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The file could not be read.
        case unreadable
        /// Not valid JSON or YAML (including a duplicate key).
        case syntax
        /// An `op` that names no transform.
        case unknownOperation
        /// A key the transform (or the top level) does not take.
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A value of the wrong type: a string where a number belongs, a list of three where a
        /// range [lo, hi] belongs.
        case wrongType
        /// A value of the right type outside what the key allows: p above 1, a range with lo > hi,
        /// a zero size, a fill above 255, an interpolation that is not offered.
        case outOfRange
    }

    public var kind: Kind
    /// `pipeline` for the top level, `transforms[2] (rotate)` for a transform, and the nested
    /// path inside `one_of`: `transforms[3] (one_of).transforms[1] (zoom)`.
    public var location: String
    /// The key concerned, if any.
    public var key: String?
    /// What was expected, in words (`a probability in [0, 1]`), or the syntax error.
    public var expected: String
    /// What was found, in words (`1.5`, `the string "thirty"`), if anything.
    public var found: String?

    public init(_ kind: Kind, location: String, key: String? = nil, expected: String, found: String? = nil) {
        self.kind = kind
        self.location = location
        self.key = key
        self.expected = expected
        self.found = found
    }

    /// One line: `transforms[2] (rotate): key "angle": expected a number or a range [lo, hi] of
    /// numbers, found the string "thirty"`.
    public var description: String {
        let subject: String
        switch kind {
        case .unreadable, .syntax: return "\(location): \(expected)"
        case .unknownOperation: subject = "unknown op \"\(key ?? "")\""
        case .unknownKey: subject = "unknown key \"\(key ?? "")\""
        case .missingKey: subject = "missing key \"\(key ?? "")\""
        case .wrongType, .outOfRange: subject = key.map { "key \"\($0)\"" } ?? "value"
        }
        return "\(location): \(subject): expected \(expected)" + (found.map { ", found \($0)" } ?? "")
    }
}

extension PipelineFileError {
    /// The text of a document file (a pipeline, `augment stats` figures).
    ///
    /// - Complexity: O(file size).
    /// - Throws: `PipelineFileError` at `path`: `.unreadable` with the system's reason, or
    ///   `.syntax` for bytes that are not UTF-8.
    public static func text(ofFile path: String) throws(PipelineFileError) -> String {
        let bytes: [UInt8]
        do { bytes = try FileIO.read(path) } catch {
            throw PipelineFileError(.unreadable, location: path, expected: "cannot read it: \(error.reason)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PipelineFileError(.syntax, location: path, expected: "the file is not UTF-8 text")
        }
        return text
    }
}
