/// Why a manifest line could not be read.
public struct ManifestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line > 0 ? "line \(line): \(reason)" : reason }
}

extension ManifestEntry {
    /// The entry as one line of JSON (without the newline), keys in this order: `input`,
    /// `output`, `seed`, `copy`, `channels` (null to keep each file's own), `compression`,
    /// `transforms`. The same entry always gives the same bytes, and `init(jsonLine:)` reads it
    /// back equal, doubles included.
    ///
    /// - Complexity: O(line length).
    public var jsonLine: String {
        typealias Member = DocumentValue.Member
        return DocumentValue.object([
            Member("input", .string(input)),
            Member("output", .string(output)),
            Member("seed", .number(seed)),
            Member("copy", .number(copy)),
            Member("channels", channels.map { .number($0) } ?? .null),
            Member("compression", .string(compression.description)),
            Member("transforms", .array(transforms.map(\.document))),
        ]).jsonText
    }

    /// Reads a line written by `jsonLine`. Paths must be relative, without `.` or `..`
    /// components, and the output must end in `.png`, so that a replayed manifest reads only
    /// below the input folder and writes only below the output folder.
    ///
    /// - Complexity: O(line length).
    /// - Throws: `ManifestError` naming the line and what is wrong.
    public init(jsonLine: String, lineNumber: Int) throws(ManifestError) {
        func fail(_ reason: String) -> ManifestError { ManifestError(line: lineNumber, reason: reason) }
        let document: DocumentValue
        do { document = try DocumentValue(parsingJSON: jsonLine) } catch { throw fail("invalid JSON: \(error)") }
        guard case .object(let members) = document else { throw fail("expected a JSON object, found \(document.summary)") }
        let keys = ["input", "output", "seed", "copy", "channels", "compression", "transforms"]
        if let unknown = members.first(where: { !keys.contains($0.key) }) {
            throw fail("unknown key \"\(unknown.key)\": expected \(keys.joined(separator: ", "))")
        }
        if let missing = keys.first(where: { document[$0] == nil }) { throw fail("missing key \"\(missing)\"") }

        guard case .string(let input) = document["input"]!, Self.isSafeRelativePath(input) else {
            throw fail("\"input\" must be a relative path without . or .. components")
        }
        guard case .string(let output) = document["output"]!, Self.isSafeRelativePath(output),
              output.lowercased().hasSuffix(".png") else {
            throw fail("\"output\" must be a relative path ending in .png, without . or .. components")
        }
        guard let seed = document["seed"]!.unsignedInteger else { throw fail("\"seed\" must be an integer 0 to 2^64 - 1") }
        guard let copy = document["copy"]!.integer, copy >= 0 else { throw fail("\"copy\" must be a non-negative integer") }
        var channels: Int?
        if document["channels"]! != .null {
            guard let count = document["channels"]!.integer, [1, 3, 4].contains(count) else {
                throw fail("\"channels\" must be null, 1, 3 or 4")
            }
            channels = count
        }
        guard case .string(let compressionName) = document["compression"]!,
              let compression = PNG.Compression(named: compressionName) else {
            throw fail("\"compression\" must be fast, default, small or a zlib level 0-9")
        }
        guard case .array(let records) = document["transforms"]! else { throw fail("\"transforms\" must be a list") }
        var transforms: [DrawnTransform] = []
        for (index, record) in records.enumerated() {
            do { transforms.append(try DrawnTransform(reading: record, at: "transforms[\(index)]")) } catch {
                throw fail(error.description)
            }
        }
        self.init(input: input, output: output, seed: seed, copy: copy, channels: channels,
                  compression: compression, transforms: transforms)
    }

    /// True for a non-empty relative path whose components are neither empty, `.` nor `..`.
    static func isSafeRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.utf8.contains(0)
            && path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !["", ".", ".."].contains($0) }
    }
}
