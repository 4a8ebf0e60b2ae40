/// The formats of pipeline files.
public enum PipelineFileFormat: String, Sendable, CaseIterable {
    case json
    case yaml

    /// The format a path's extension names (`.json`; `.yaml` or `.yml`), or for any other name the
    /// format its text looks like: JSON when it starts with `{`, YAML otherwise.
    public init(path: String, text: String) {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".json") {
            self = .json
        } else if lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") {
            self = .yaml
        } else {
            self = text.drop { $0.isWhitespace }.first == "{" ? .json : .yaml
        }
    }
}

extension Pipeline {
    /// Reads a pipeline file, as `augment run --pipeline FILE` does.
    ///
    /// - Complexity: O(file size).
    /// - Throws: `PipelineFileError` whose location starts with the path:
    ///   `pipeline.json: transforms[2] (rotate)`, or `pipeline.json` for an unreadable file or bad syntax.
    public init(contentsOfFile path: String) throws(PipelineFileError) {
        let text = try PipelineFileError.text(ofFile: path)
        do {
            try self.init(parsing: text, format: PipelineFileFormat(path: path, text: text), name: path)
        } catch where error.kind == .syntax {
            throw error
        } catch {
            var located = error
            located.location = "\(path): \(error.location)"
            throw located
        }
    }

    /// Parses the text of a pipeline file: `{"transforms": [{"op": "hflip", "p": 0.5}, ...]}`,
    /// in JSON or the same structure in YAML. Every key of every transform is checked here,
    /// before any image is read.
    ///
    /// - Parameter name: how syntax errors name the text (the file's path).
    /// - Complexity: O(text length).
    /// - Throws: `PipelineFileError` for bad syntax, an unknown op or key, a missing key, or a
    ///   value of the wrong type or range, naming where.
    public init(parsing text: String, format: PipelineFileFormat, name: String = "pipeline") throws(PipelineFileError) {
        let document: DocumentValue
        switch format {
        case .json:
            do { document = try DocumentValue(parsingJSON: text) } catch {
                throw PipelineFileError(.syntax, location: name, expected: "invalid JSON: \(error)")
            }
        case .yaml:
            do { document = try DocumentValue(parsingYAML: text) } catch {
                throw PipelineFileError(.syntax, location: name, expected: "invalid YAML: \(error)")
            }
        }
        try self.init(reading: document)
    }

    /// Reads a parsed pipeline document (see `init(parsing:format:name:)`).
    public init(reading document: DocumentValue) throws(PipelineFileError) {
        let expected = "a list of transforms, such as [{\"op\": \"hflip\", \"p\": 0.5}]"
        guard case .object(let members) = document else {
            throw PipelineFileError(.wrongType, location: "pipeline", expected: "an object with a \"transforms\" key",
                                    found: document.summary)
        }
        let keys = TransformKeyReader(location: "pipeline", members: members)
        try keys.refuseUnknownKeys(allowed: ["transforms"])
        let list = try keys.required("transforms", expected: expected)
        guard case .array(let items) = list else { throw keys.wrongType("transforms", expected, list) }
        var transforms: [Transform] = []
        for (index, item) in items.enumerated() {
            transforms.append(try Transform(reading: item, at: "transforms[\(index)]"))
        }
        try Self.checkNormalizeIsLast(transforms)
        self.init(transforms)
    }
}
