extension DrawnTransform {
    /// The record as a manifest stores it: the string `"skipped"`, or an object with `op` and
    /// every drawn value, keys in a fixed order, doubles written so that they read back exactly
    /// (`DocumentValue.number(_:)`):
    ///
    /// `{"op":"rotate","angle":-12.25,"interpolation":"bilinear","fill":0}`,
    /// `{"op":"random_resized_crop","x":3,"y":0,"crop_width":40,"crop_height":31,"width":96,"height":96,"interpolation":"bilinear"}`,
    /// `{"op":"one_of","chosen":1,"transform":{"op":"vflip"}}`,
    /// `{"op":"pca_lighting","shift":[1.25,-0.5,0.3125]}`,
    /// `{"op":"normalize","mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225],"max_pixel_value":255}`.
    ///
    /// - Complexity: O(nesting depth).
    public var document: DocumentValue {
        typealias Member = DocumentValue.Member
        func object(_ members: Member...) -> DocumentValue {
            .object([Member("op", .string(name))] + members)
        }
        func fill(_ fill: Fill) -> DocumentValue {
            fill.values.count == 1 ? .number(fill.values[0]) : .array(fill.values.map { .number($0) })
        }
        switch self {
        case .skipped:
            return .string("skipped")
        case .hflip, .vflip, .transpose:
            return object()
        case .rotate90(let quarterTurns):
            return object(Member("k", .number(quarterTurns)))
        case .rotate(let degrees, let interpolation, let fillValue):
            return object(Member("angle", .number(degrees)), Member("interpolation", .string(interpolation.rawValue)),
                          Member("fill", fill(fillValue)))
        case .zoom(let scale, let interpolation, let fillValue):
            return object(Member("scale", .number(scale)), Member("interpolation", .string(interpolation.rawValue)),
                          Member("fill", fill(fillValue)))
        case .crop(let x, let y, let width, let height), .randomCrop(let x, let y, let width, let height):
            return object(Member("x", .number(x)), Member("y", .number(y)),
                          Member("width", .number(width)), Member("height", .number(height)))
        case .centerCrop(let width, let height):
            return object(Member("width", .number(width)), Member("height", .number(height)))
        case .resize(let width, let height, let interpolation):
            return object(Member("width", .number(width)), Member("height", .number(height)),
                          Member("interpolation", .string(interpolation.rawValue)))
        case .randomResizedCrop(let x, let y, let cropWidth, let cropHeight, let width, let height, let interpolation):
            return object(Member("x", .number(x)), Member("y", .number(y)),
                          Member("crop_width", .number(cropWidth)), Member("crop_height", .number(cropHeight)),
                          Member("width", .number(width)), Member("height", .number(height)),
                          Member("interpolation", .string(interpolation.rawValue)))
        case .oneOf(let chosen, let transform):
            return object(Member("chosen", .number(chosen)), Member("transform", transform.document))
        case .pcaLighting(let shift):
            return object(Member("shift", .array(shift.map { .number($0) })))
        case .normalize(let mean, let std, let maxPixelValue):
            return object(Member("mean", .array(mean.map { .number($0) })), Member("std", .array(std.map { .number($0) })),
                          Member("max_pixel_value", .number(maxPixelValue)))
        }
    }

    /// Reads a record written by `document`. Every key must be present and no other; values are
    /// checked as a pipeline file's are (sizes positive, positions non-negative, scale positive).
    ///
    /// - Parameter location: where the record is (`transforms[2]`), for messages.
    /// - Complexity: O(nesting depth).
    /// - Throws: `PipelineFileError` naming the record's position and key.
    public init(reading value: DocumentValue, at location: String) throws(PipelineFileError) {
        if value == .string("skipped") {
            self = .skipped
            return
        }
        guard case .object(let members) = value, case .string(let name)? = value["op"] else {
            throw PipelineFileError(.wrongType, location: location,
                                    expected: "\"skipped\" or an object with an \"op\" key", found: value.summary)
        }
        let keys = TransformKeyReader(location: "\(location) (\(name))", members: members)
        func exactly(_ names: String...) throws(PipelineFileError) {
            try keys.refuseUnknownKeys(allowed: ["op"] + names)
            for name in names where keys.value(name) == nil {
                throw PipelineFileError(.missingKey, location: keys.location, key: name, expected: "the drawn value")
            }
        }
        func real(_ key: String, positive: Bool = false) throws(PipelineFileError) -> Double {
            let parameter = positive ? try keys.realParameter(key, allowed: "positive", isAllowed: { $0 > 0 })
                                     : try keys.realParameter(key)
            guard case .fixed(let number) = parameter else {
                throw keys.wrongType(key, "a number (the drawn value)", keys.value(key)!)
            }
            return number
        }
        func integer(_ key: String, minimum: Int? = nil) throws(PipelineFileError) -> Int {
            guard case .fixed(let number) = try keys.integerParameter(key, minimum: minimum) else {
                throw keys.wrongType(key, "an integer (the drawn value)", keys.value(key)!)
            }
            return number
        }
        let resampling: [Interpolation] = [.bilinear, .nearest]
        switch name {
        case "hflip": try exactly(); self = .hflip
        case "vflip": try exactly(); self = .vflip
        case "transpose": try exactly(); self = .transpose
        case "rotate90":
            try exactly("k")
            self = .rotate90(quarterTurns: try integer("k"))
        case "rotate":
            try exactly("angle", "interpolation", "fill")
            self = .rotate(degrees: try real("angle"), interpolation: try keys.interpolation(allowed: resampling),
                           fill: try keys.fill())
        case "zoom":
            try exactly("scale", "interpolation", "fill")
            self = .zoom(scale: try real("scale", positive: true), interpolation: try keys.interpolation(allowed: resampling),
                         fill: try keys.fill())
        case "crop", "random_crop":
            try exactly("x", "y", "width", "height")
            let (x, y) = (try integer("x", minimum: 0), try integer("y", minimum: 0))
            let (width, height) = (try integer("width", minimum: 1), try integer("height", minimum: 1))
            self = name == "crop" ? .crop(x: x, y: y, width: width, height: height)
                                  : .randomCrop(x: x, y: y, width: width, height: height)
        case "center_crop":
            try exactly("width", "height")
            self = .centerCrop(width: try integer("width", minimum: 1), height: try integer("height", minimum: 1))
        case "resize":
            try exactly("width", "height", "interpolation")
            self = .resize(width: try integer("width", minimum: 1), height: try integer("height", minimum: 1),
                           interpolation: try keys.interpolation(allowed: Interpolation.allCases))
        case "random_resized_crop":
            try exactly("x", "y", "crop_width", "crop_height", "width", "height", "interpolation")
            self = .randomResizedCrop(
                x: try integer("x", minimum: 0), y: try integer("y", minimum: 0),
                cropWidth: try integer("crop_width", minimum: 1), cropHeight: try integer("crop_height", minimum: 1),
                width: try integer("width", minimum: 1), height: try integer("height", minimum: 1),
                interpolation: try keys.interpolation(allowed: Interpolation.allCases))
        case "one_of":
            try exactly("chosen", "transform")
            let chosen = try integer("chosen", minimum: 0)
            let child = try DrawnTransform(reading: keys.value("transform")!, at: "\(keys.location).transform")
            guard child != .skipped else {
                throw PipelineFileError(.outOfRange, location: keys.location, key: "transform",
                                        expected: "the chosen child's drawn values", found: "\"skipped\"")
            }
            self = .oneOf(chosen: chosen, transform: child)
        case "pca_lighting":
            try exactly("shift")
            self = .pcaLighting(shift: try keys.numberList("shift"))
        case "normalize":
            try exactly("mean", "std", "max_pixel_value")
            self = .normalize(mean: try keys.numberList("mean"),
                              std: try keys.numberList("std", allowed: "positive", isAllowed: { $0 > 0 }),
                              maxPixelValue: try real("max_pixel_value", positive: true))
        default:
            throw PipelineFileError(.unknownOperation, location: location, key: name,
                                    expected: "one of " + Transform.operationNames.joined(separator: ", "))
        }
    }
}
