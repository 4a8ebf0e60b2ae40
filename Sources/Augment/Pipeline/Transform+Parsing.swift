extension Transform {
    /// The `op` names a pipeline file may use, canonical names first, with their aliases.
    static let operationAliases: [String: String] = [
        "horizontal_flip": "hflip", "vertical_flip": "vflip", "rot90": "rotate90",
        "centre_crop": "center_crop", "oneof": "one_of",
    ]

    /// The canonical `op` names, in the order the README lists them.
    public static let operationNames = [
        "hflip", "vflip", "rotate", "zoom", "crop", "center_crop", "resize", "rotate90", "transpose",
        "random_crop", "random_resized_crop", "one_of", "pca_lighting", "normalize",
    ]

    /// Reads one transform of a pipeline file: an object with `op`, the operation's keys and `p`.
    /// Checks, in order: the shape, the `op`, unknown keys, then each key in turn (missing,
    /// type, range).
    ///
    /// - Parameter location: its position, `transforms[2]` (the op's name is appended).
    /// - Complexity: O(keys), and O(children) for `one_of`.
    /// - Throws: `PipelineFileError` naming the position, the key and what was expected.
    public init(reading value: DocumentValue, at location: String) throws(PipelineFileError) {
        guard case .object(let members) = value else {
            throw PipelineFileError(.wrongType, location: location,
                                    expected: "an object with an \"op\" key", found: value.summary)
        }
        let names = "one of " + Self.operationNames.joined(separator: ", ")
        guard let opValue = value["op"] else {
            throw PipelineFileError(.missingKey, location: location, key: "op", expected: names)
        }
        guard case .string(let given) = opValue else {
            throw PipelineFileError(.wrongType, location: location, key: "op", expected: names, found: opValue.summary)
        }
        let name = Self.operationAliases[given.lowercased()] ?? given.lowercased()
        guard Self.operationNames.contains(name) else {
            throw PipelineFileError(.unknownOperation, location: location, key: given, expected: names)
        }
        let keys = TransformKeyReader(location: "\(location) (\(name))", members: members)
        let operation = try Self.readOperation(name, keys)
        self.init(operation, probability: try keys.probability())
    }

    private static func readOperation(_ name: String, _ keys: TransformKeyReader) throws(PipelineFileError) -> Operation {
        func allow(_ allowed: String...) throws(PipelineFileError) {
            try keys.refuseUnknownKeys(allowed: ["op"] + allowed + ["p"])
        }
        let resampling: [Interpolation] = [.bilinear, .nearest]
        switch name {
        case "hflip":
            try allow()
            return .hflip
        case "vflip":
            try allow()
            return .vflip
        case "transpose":
            try allow()
            return .transpose
        case "rotate90":
            try allow("k")
            return .rotate90(quarterTurns: try keys.integerParameter("k", default: .range(0...3)))
        case "rotate":
            try allow("angle", "interpolation", "fill")
            return .rotate(degrees: try keys.realParameter("angle"),
                           interpolation: try keys.interpolation(allowed: resampling), fill: try keys.fill())
        case "zoom":
            try allow("scale", "interpolation", "fill")
            return .zoom(scale: try keys.realParameter("scale", allowed: "positive", isAllowed: { $0 > 0 }),
                         interpolation: try keys.interpolation(allowed: resampling), fill: try keys.fill())
        case "crop":
            try allow("x", "y", "width", "height")
            return .crop(x: try keys.integerParameter("x", minimum: 0), y: try keys.integerParameter("y", minimum: 0),
                         width: try keys.integerParameter("width", minimum: 1),
                         height: try keys.integerParameter("height", minimum: 1))
        case "center_crop":
            try allow("width", "height")
            return .centerCrop(width: try keys.integerParameter("width", minimum: 1),
                               height: try keys.integerParameter("height", minimum: 1))
        case "resize":
            try allow("width", "height", "interpolation")
            return .resize(width: try keys.integerParameter("width", minimum: 1),
                           height: try keys.integerParameter("height", minimum: 1),
                           interpolation: try keys.interpolation(allowed: Interpolation.allCases))
        case "random_crop":
            try allow("width", "height")
            return .randomCrop(width: try keys.integerParameter("width", minimum: 1),
                               height: try keys.integerParameter("height", minimum: 1))
        case "random_resized_crop":
            try allow("width", "height", "scale", "ratio", "interpolation")
            return .randomResizedCrop(RandomResizedCrop(
                width: try keys.integerParameter("width", minimum: 1),
                height: try keys.integerParameter("height", minimum: 1),
                scale: try keys.distributionRange("scale", default: RandomResizedCrop.defaultScale,
                                                  expected: "a range [lo, hi] of area fractions within (0, 1]",
                                                  isAllowed: { $0 > 0 && $0 <= 1 }),
                ratio: try keys.distributionRange("ratio", default: RandomResizedCrop.defaultRatio,
                                                  expected: "a range [lo, hi] of positive aspect ratios (width / height)",
                                                  isAllowed: { $0 > 0 && $0.isFinite }),
                interpolation: try keys.interpolation(allowed: Interpolation.allCases)))
        case "pca_lighting":
            try allow("sigma", "eigenvalues", "eigenvectors")
            return .pcaLighting(try readPCALighting(keys))
        case "normalize":
            try allow("mean", "std", "max_pixel_value")
            return .normalize(try readNormalization(keys))
        default:  // one_of
            try allow("transforms")
            return .oneOf(try readChildren(keys))
        }
    }

    private static func readChildren(_ keys: TransformKeyReader) throws(PipelineFileError) -> [Transform] {
        let expected = "a non-empty list of transforms, at least one with p > 0"
        let value = try keys.required("transforms", expected: expected)
        guard case .array(let items) = value else { throw keys.wrongType("transforms", expected, value) }
        guard !items.isEmpty else { throw keys.outOfRange("transforms", expected, value) }
        var children: [Transform] = []
        for (index, item) in items.enumerated() {
            children.append(try Transform(reading: item, at: "\(keys.location).transforms[\(index)]"))
        }
        guard children.contains(where: { $0.probability > 0 }) else {
            throw PipelineFileError(.outOfRange, location: keys.location, key: "transforms", expected: expected,
                                    found: "every child has p = 0")
        }
        return children
    }
}
